// Plan: edit or upload a portfolio (YAML), plan it as a job, and read the
// answer: chips by vendor per month, cost by term, power by site, the plan
// against its baselines, what binds, the checker's verdict; download the
// Kueue, Slurm and SkyPilot manifests. A bad portfolio's problems are shown
// beside the lines they are about.
import * as Plot from '@observablehq/plot';
import { useCallback, useRef, useState } from 'preact/hooks';
import defaultPortfolio from '../../../examples/portfolio.yaml?raw';
import { ApiError, type Diagnostic } from '../api/http';
import { DEFAULT_PLAN_OPTIONS, loadExport, planView, submitPlan, type ExportFormat, type MonthValue, type PlanJson, type PlanOptions, type PlanView as View } from '../api/plan';
import type { SavedPlan } from '../api/simulate';
import { Card, Cards } from '../components/Cards';
import { JobProgress } from '../components/JobProgress';
import { DiagnosticList, ErrorBox } from '../components/Messages';
import { PlotFigure } from '../components/PlotFigure';
import { useJob } from '../components/useJob';
import { YamlEditor, type YamlEditorHandle } from '../components/YamlEditor';
import { chips, money, moneyTick, num, pct } from '../lib/format';
import { colorScale, displayName } from '../lib/palette';
import { download, zipFiles } from '../lib/zip';

function StackedMonths({ data, label, yLabel, tickFormat, legendFormat, testId, caption, budgets }: { data: MonthValue[]; label: string; yLabel: string; tickFormat: (d: number) => string; legendFormat?: (s: string) => string; testId: string; caption: string; budgets?: { site: string; mw: number }[] }) {
  const options = useCallback(
    (width: number): Plot.PlotOptions => {
      const names = [...new Set(data.map((d) => d.series))];
      const months = [...new Set(data.map((d) => d.month))];
      return {
        width,
        height: 320,
        marginLeft: 64,
        x: { label: 'month', domain: months, tickRotate: months.length > 12 ? -45 : 0 },
        y: { label: `↑ ${yLabel}`, grid: true, tickFormat },
        color: { ...colorScale(names), legend: true, tickFormat: legendFormat },
        marks: [
          Plot.barY(data, Plot.stackY({ x: 'month', y: 'value', fill: 'series', order: names, title: (d: MonthValue) => `${d.month}, ${legendFormat ? legendFormat(d.series) : d.series}: ${tickFormat(d.value)}` })),
          ...(budgets ?? []).map((b) => Plot.ruleY([b.mw], { stroke: '#1a1a1a', strokeDasharray: '5,4' })),
          Plot.ruleY([0]),
        ],
      };
    },
    [data, budgets],
  );
  return <PlotFigure options={options} label={label} testId={testId} caption={caption} />;
}

function PowerChart({ view }: { view: View }) {
  const options = useCallback(
    (width: number): Plot.PlotOptions => {
      const sites = [...new Set(view.powerBySite.map((d) => d.series))];
      return {
        width,
        height: 300,
        marginLeft: 64,
        x: { label: 'month', domain: view.months },
        y: { label: '↑ facility power (MW)', grid: true, nice: true, zero: true },
        color: { ...colorScale(sites), legend: true },
        marks: [
          Plot.lineY(view.powerBySite, { x: 'month', y: 'value', stroke: 'series', strokeWidth: 2.5, marker: 'circle', title: (d: MonthValue) => `${d.series}, ${d.month}: ${num(d.value)} MW` }),
          ...view.siteBudgets.map((b) => Plot.ruleY([b.mw], { stroke: colorScale(sites).range[sites.indexOf(b.site)] ?? '#1a1a1a', strokeDasharray: '5,4' })),
          Plot.ruleY([0]),
        ],
      };
    },
    [view],
  );
  return (
    <PlotFigure
      options={options}
      label="Facility power per month by site, in megawatts"
      testId="power-chart"
      caption={view.siteBudgets.length ? 'Dashed: each site’s power budget.' : 'Provisioned chips × (TDP × load factor + host share) × PUE. (The plan JSON does not carry the sites’ budgets yet; the contract proposes summary.sites.)'}
    />
  );
}

function BaselineChart({ view }: { view: View }) {
  const options = useCallback(
    (width: number): Plot.PlotOptions => {
      const rows = [{ name: 'this plan', cost: view.total ?? 0, ok: view.checker.ok }, ...view.baselines.filter((b) => b.found && b.cost !== null).map((b) => ({ name: b.name, cost: b.cost!, ok: b.ok ?? false }))];
      return {
        width,
        height: 60 + rows.length * 30,
        marginLeft: 170,
        marginRight: 120,
        x: { label: 'total cost (USD) →', grid: true, tickFormat: moneyTick },
        y: { label: null, domain: rows.map((r) => r.name) },
        marks: [
          Plot.barX(rows, { y: 'name', x: 'cost', fill: (r: { name: string }) => (r.name === 'this plan' ? '#0072B2' : '#9aa0a6'), title: (r: { name: string; cost: number; ok: boolean }) => `${r.name}: ${money(r.cost)}${r.ok ? '' : ' (breaks rules; see the checker)'}` }),
          Plot.text(rows, { y: 'name', x: 'cost', text: (r: { cost: number; ok: boolean }) => `${money(r.cost)}${r.ok ? '' : ' ✗ rules'}`, dx: 6, textAnchor: 'start' }),
          Plot.ruleX([0]),
        ],
      };
    },
    [view],
  );
  return <PlotFigure options={options} label="Total cost of the plan and of each baseline" testId="baseline-chart" caption="A baseline that breaks rules (✗) can be cheaper than the plan; the difference is the price of those rules." />;
}

function Exports({ jobId }: { jobId: string }) {
  const [files, setFiles] = useState<{ format: ExportFormat; files: Record<string, string> } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const load = async (format: ExportFormat) => {
    setBusy(format);
    setError(null);
    try {
      setFiles({ format, files: await loadExport(jobId, format) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const names: [ExportFormat, string][] = [
    ['kueue', 'Kueue (ClusterQueue per month)'],
    ['slurm', 'Slurm (sbatch per run)'],
    ['skypilot', 'SkyPilot (task per workload)'],
  ];
  return (
    <div data-testid="exports">
      <div class="actions">
        {names.map(([f, text]) => (
          <button type="button" class="secondary" onClick={() => load(f)} disabled={busy !== null} data-testid={`export-${f}`}>
            {busy === f ? 'Loading…' : text}
          </button>
        ))}
      </div>
      <ErrorBox error={error} />
      {files && (
        <div class="panel">
          <div class="actions" style={{ marginTop: 0 }}>
            <b>
              {Object.keys(files.files).length} {files.format} file{Object.keys(files.files).length === 1 ? '' : 's'}
            </b>
            <button type="button" onClick={() => download(zipFiles(files.files), `${files.format}.zip`)} data-testid="export-zip">
              Download all (.zip)
            </button>
          </div>
          <ul class="plain files">
            {Object.entries(files.files).map(([path, text]) => (
              <li>
                <button type="button" class="link" onClick={() => download(new Blob([text], { type: 'text/plain' }), path.split('/').pop() ?? path)}>
                  {path}
                </button>
                <span class="muted">{num(text.length / 1024, 2)} KiB</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

export function PlanView({ portfolio, setPortfolio, onPlanned }: { portfolio: string; setPortfolio: (s: string) => void; onPlanned?: (p: SavedPlan) => void }) {
  const [opts, setOpts] = useState<PlanOptions>(DEFAULT_PLAN_OPTIONS);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const jobs = useJob();
  const job = jobs.job;
  const [view, setView] = useState<View | null>(null);
  const [doneJob, setDoneJob] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const editor = useRef<YamlEditorHandle | null>(null);

  const running = jobs.running;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDiagnostics([]);
    const planned = portfolio;
    try {
      const done = await jobs.run<PlanJson>(() => submitPlan(planned, opts));
      if (!done) return;
      setView(planView(done.result));
      setDoneJob(done.id);
      // The Simulate view sends this plan with the same portfolio, so its job need not plan again.
      if (['optimal', 'feasible'].includes(done.result.status)) onPlanned?.({ portfolio: planned, result: done.result });
    } catch (err) {
      if (err instanceof ApiError && err.diagnostics.length) {
        setDiagnostics(err.diagnostics);
        const first = err.diagnostics.find((d) => d.line);
        if (first?.line) requestAnimationFrame(() => editor.current?.goToLine(first.line!, first.column));
      } else setError(err);
    }
  };
  const cancel = () => jobs.cancel().catch(setError);
  const upload = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    setPortfolio(await file.text());
    setDiagnostics([]);
  };
  const edit = (text: string) => {
    setPortfolio(text);
    if (diagnostics.length) setDiagnostics([]);
  };

  const v = view;
  const okBaselines = v?.baselines.filter((b) => b.found && b.ok && b.saving !== null) ?? [];
  const bestBaseline = okBaselines.sort((a, b) => (a.cost ?? 0) - (b.cost ?? 0))[0];

  return (
    <>
      <h1 id="h-plan" tabIndex={-1}>
        Plan
      </h1>
      <p class="lede">
        The cheapest month-by-month plan for a portfolio of training runs and services across vendors, clouds and purchase terms, with what binds it, savings against simpler policies, and an independent check. The format is in docs/portfolio.md;
        the example is examples/portfolio.yaml.
      </p>
      <form class="panel" onSubmit={submit} noValidate>
        <div class="actions" style={{ marginTop: 0, marginBottom: '8px' }}>
          <label class="label" for="plan-file">
            Load a portfolio file
          </label>
          <input id="plan-file" type="file" accept=".yaml,.yml,text/yaml,application/yaml" onChange={upload} />
          <button type="button" class="secondary" onClick={() => edit(defaultPortfolio)}>
            Reset to the example
          </button>
        </div>
        <label class="label" for="plan-portfolio" id="plan-portfolio-label">
          Portfolio (YAML)
        </label>
        <YamlEditor id="plan-portfolio" label="Portfolio (YAML)" value={portfolio} onInput={edit} diagnostics={diagnostics} describedBy="plan-diagnostics" handle={editor} />
        <div class="grid" style={{ marginTop: '10px' }}>
          <div class="field">
            <label for="plan-time-limit">Time limit for the solve (s)</label>
            <input id="plan-time-limit" type="text" value={opts.timeLimit} onInput={(e) => setOpts({ ...opts, timeLimit: (e.target as HTMLInputElement).value })} />
          </div>
          <div class="field">
            <label for="plan-gap">Relative gap</label>
            <input id="plan-gap" type="text" value={opts.gap} onInput={(e) => setOpts({ ...opts, gap: (e.target as HTMLInputElement).value })} />
          </div>
          <div class="field">
            <span class="label">Baselines</span>
            <label class="checks">
              <input type="checkbox" checked={opts.noBaselines} onChange={(e) => setOpts({ ...opts, noBaselines: (e.target as HTMLInputElement).checked })} /> skip the baseline plans
            </label>
          </div>
        </div>
        <div class="actions">
          <button type="submit" disabled={running} data-testid="plan-submit">
            {running ? 'Planning…' : 'Plan'}
          </button>
        </div>
        <div id="plan-diagnostics">
          <DiagnosticList diagnostics={diagnostics} onPick={(d) => d.line && editor.current?.goToLine(d.line, d.column)} testId="plan-diagnostics" />
        </div>
      </form>
      <JobProgress job={job} onCancel={cancel} cancelling={jobs.cancelling} />
      <ErrorBox error={error} />
      {v && (
        <div data-testid="plan-result" data-job={doneJob ?? ''}>
          {(diagnostics.length > 0 || running || job?.status === 'cancelled') && (
            <p class="notice" data-testid="plan-previous">
              Below: the last plan that finished (job <code>{doneJob}</code>), not the portfolio now in the editor.
            </p>
          )}
          <h2>
            {v.portfolio}: {v.months[0]} to {v.months[v.months.length - 1]}
          </h2>
          <Cards>
            <Card k="total cost" v={money(v.total)} sub={`${v.afterHorizon > 0 ? `incl. ${money(v.afterHorizon)} of commitments after the horizon; ` : ''}porting ${money(v.porting)}`} testId="card-total" />
            <Card k="solver" v={v.status} sub={`gap ${v.solver.gap !== null ? pct(v.solver.gap, 2) : '–'}, ${num(v.solver.variables)} variables, ${num(v.solver.nodes)} nodes`} testId="card-status" />
            <Card k="checker" v={v.checker.ok ? 'ok' : 'violations'} sub={v.checker.verdict} tone={v.checker.ok ? 'ok' : 'warn'} testId="card-checker" />
            <Card
              k="saving vs best baseline"
              v={bestBaseline ? money(bestBaseline.saving) : '–'}
              sub={bestBaseline ? `${bestBaseline.name}, ${pct((bestBaseline.savingPct ?? 0) / 100, 3)} (passes the checker)` : 'no baseline passes the checker'}
              testId="card-saving"
            />
          </Cards>
          <h2>Chips in use by vendor</h2>
          <StackedMonths
            data={v.chipsByVendor}
            label="Chips in use per month, stacked by vendor"
            yLabel="chips (monthly average)"
            tickFormat={(d) => chips(d)}
            legendFormat={displayName}
            testId="chips-chart"
            caption="Monthly averages: 256 chips in a month may be 512 for half of it."
          />
          <h2>Cost by purchase term</h2>
          <StackedMonths
            data={v.costByTermMonth}
            label="Cost per month, stacked by purchase term, in US dollars"
            yLabel="cost per month (USD)"
            tickFormat={moneyTick}
            testId="term-chart"
            caption={
              v.costByTermSource === 'derived'
                ? `Each offer's provisioned chips × its price per chip-hour × the month's hours (the plan JSON gives totals by term: ${v.costByTerm.map((t) => `${t.term} ${money(t.usd)}`).join(', ')}).`
                : `Totals: ${v.costByTerm.map((t) => `${t.term} ${money(t.usd)}`).join(', ')}.`
            }
          />
          {v.costByTermWarning && <p class="notice">Note: {v.costByTermWarning}.</p>}
          <h2>Facility power by site</h2>
          <PowerChart view={v} />
          <h2>Against the baselines</h2>
          <BaselineChart view={v} />
          <div class="scroll">
            <table data-testid="baselines-table">
              <caption class="visually-hidden">The plan against each baseline</caption>
              <thead>
                <tr>
                  <th scope="col">baseline</th>
                  <th scope="col" class="n">
                    cost
                  </th>
                  <th scope="col" class="n">
                    plan saves
                  </th>
                  <th scope="col">checker</th>
                  <th scope="col">what it does</th>
                </tr>
              </thead>
              <tbody>
                {v.baselines.map((b) => (
                  <tr data-key={b.name}>
                    <td>
                      <b>{b.name}</b>
                    </td>
                    <td class="n" data-col="cost">
                      {b.found ? money(b.cost) : 'no plan'}
                    </td>
                    <td class="n" data-col="saving">
                      {b.saving !== null ? `${money(b.saving)} (${pct((b.savingPct ?? 0) / 100, 3)})` : '–'}
                    </td>
                    <td class={b.ok ? 'ok' : 'warn'}>{b.verdict || '–'}</td>
                    <td class="small">
                      {b.description}
                      {b.note && ` ${b.note}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>What binds</h2>
          <div class="scroll">
            <table data-testid="binding-table">
              <caption class="visually-hidden">Binding constraints and what relaxing them is worth</caption>
              <thead>
                <tr>
                  <th scope="col">constraint</th>
                  <th scope="col">marginal value (LP dual, integers fixed)</th>
                  <th scope="col">re-solved</th>
                  <th scope="col" class="n">
                    saving
                  </th>
                </tr>
              </thead>
              <tbody>
                {v.binding.map((b) => (
                  <tr>
                    <td>
                      <b>{b.group}</b>
                      <div class="small">{b.what}</div>
                    </td>
                    <td>{b.message}</td>
                    <td class="small">{b.resolveChange || '–'}</td>
                    <td class="n">{b.resolveSaving !== null ? money(b.resolveSaving) : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>Checker</h2>
          <p data-testid="checker-verdict" class={v.checker.ok ? 'ok' : 'warn'}>
            {v.checker.ok ? '✓ ' : '✗ '}
            {v.checker.verdict}
          </p>
          {v.checker.violations.length > 0 && (
            <ul>
              {v.checker.violations.map((x) => (
                <li>
                  <b>{x.rule}</b>: {x.message}
                </li>
              ))}
              {v.checker.more > 0 && <li>and {v.checker.more} more</li>}
            </ul>
          )}
          <h2>Workloads</h2>
          <div class="scroll">
            <table data-testid="workloads-table">
              <caption class="visually-hidden">Each workload's window and finish</caption>
              <thead>
                <tr>
                  <th scope="col">workload</th>
                  <th scope="col">kind</th>
                  <th scope="col">model</th>
                  <th scope="col">window</th>
                  <th scope="col">finish</th>
                  <th scope="col">on time</th>
                </tr>
              </thead>
              <tbody>
                {v.workloads.map((w) => (
                  <tr>
                    <td>
                      <b>{w.name}</b>
                    </td>
                    <td>{w.kind}</td>
                    <td>
                      <code>{w.model}</code>
                    </td>
                    <td>{w.window}</td>
                    <td>{w.finish || '–'}</td>
                    <td class={w.onTime === false ? 'warn' : 'ok'}>{w.onTime === null ? '–' : w.onTime ? 'yes' : 'no'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>Exports</h2>
          <p class="small">
            Manifests for the plan, as <code>xpuplan plan --export</code> writes them; the command each job runs is left to you.
          </p>
          {doneJob && <Exports jobId={doneJob} />}
        </div>
      )}
    </>
  );
}

