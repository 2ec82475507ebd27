// Simulate: the plan against the future it plans for (issue 13). Fan charts
// of cumulative cost and of each run's progress per policy (P10–P90 bands),
// deadline-miss probabilities and finish months, from the library's simulate
// JSON. The last plan the Plan view finished for the same portfolio goes with
// the request, so the job does not plan again. Shown as "not available yet"
// when the server has no simulate job (GET /api/health lists its job kinds).
import * as Plot from '@observablehq/plot';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import defaultRisks from '../../../examples/risks.yaml?raw';
import { ApiError, type Diagnostic } from '../api/http';
import { DEFAULT_SIMULATE, LATER, POLICIES, simulateAvailable, simulateView, submitSimulate, type FanPoint, type ProgressPoint, type SavedPlan, type SimulateForm, type SimulateJson, type SimulateView as View } from '../api/simulate';
import { Card, Cards } from '../components/Cards';
import { JobProgress } from '../components/JobProgress';
import { DiagnosticList, ErrorBox } from '../components/Messages';
import { PlotFigure } from '../components/PlotFigure';
import { useJob } from '../components/useJob';
import { money, moneyTick, num, pct, signedPct } from '../lib/format';
import { colorScale } from '../lib/palette';

function FanChart({ view, policy, yMax }: { view: View; policy: string; yMax: number }) {
  const data = useMemo(() => view.fan.filter((d) => d.policy === policy), [view, policy]);
  const options = useCallback(
    (width: number): Plot.PlotOptions => ({
      width: Math.min(width, 560),
      height: 290,
      marginLeft: 64,
      x: { label: `month (${view.months[0]} to ${view.months[view.months.length - 1]}) →`, domain: view.months, tickFormat: (m: string) => m.slice(2) },
      y: { label: '↑ cumulative cost (USD)', grid: true, tickFormat: moneyTick, domain: [0, yMax] },
      marks: [
        Plot.areaY(data, { x: 'month', y1: 'p10', y2: 'p90', fill: '#0072B2', fillOpacity: 0.22, curve: 'linear', title: (d: FanPoint) => `${d.month}: P10 ${money(d.p10)}, P90 ${money(d.p90)}` }),
        Plot.lineY(data, { x: 'month', y: 'p50', stroke: '#0072B2', strokeWidth: 2 }),
        Plot.lineY(data, { x: 'month', y: 'p10', stroke: '#0072B2', strokeOpacity: 0.5, strokeDasharray: '3,3' }),
        Plot.lineY(data, { x: 'month', y: 'p90', stroke: '#0072B2', strokeOpacity: 0.5, strokeDasharray: '3,3' }),
        Plot.ruleY([0]),
      ],
    }),
    [data, view, yMax],
  );
  return <PlotFigure options={options} label={`Cumulative cost by month under policy ${policy}: median with the 10th to 90th percentile band`} testId={`fan-${policy}`} maxWidth={560} caption={`${policy}: median (line), P10–P90 (band).`} />;
}

function ProgressChart({ view, policy }: { view: View; policy: string }) {
  const data = useMemo(() => view.progress.filter((d) => d.policy === policy), [view, policy]);
  const runs = useMemo(() => [...new Set(data.map((d) => d.run))], [data]);
  const options = useCallback(
    (width: number): Plot.PlotOptions => ({
      width: Math.min(width, 560),
      height: 290,
      marginLeft: 52,
      x: { label: 'month →', domain: view.months, tickFormat: (m: string) => m.slice(2) },
      y: { label: '↑ run progress (share of its work done)', grid: true, domain: [0, 1], tickFormat: (d: number) => `${Math.round(d * 100)}%` },
      color: { ...colorScale(runs), legend: true },
      marks: [
        Plot.areaY(data, { x: 'month', y1: 'p10', y2: 'p90', fill: 'run', fillOpacity: 0.2, curve: 'linear', title: (d: ProgressPoint) => `${d.run}, ${d.month}: P10 ${pct(d.p10)}, P50 ${pct(d.p50)}, P90 ${pct(d.p90)}; planned ${pct(d.planned)}` }),
        Plot.lineY(data, { x: 'month', y: 'p50', stroke: 'run', strokeWidth: 2 }),
        Plot.lineY(data, { x: 'month', y: 'planned', stroke: 'run', strokeOpacity: 0.7, strokeDasharray: '4,3' }),
        Plot.ruleY([0]),
      ],
    }),
    [data, runs, view],
  );
  return <PlotFigure options={options} label={`Progress of each training run by month under policy ${policy}: median, 10th to 90th percentile band, and the plan's own progress dashed`} testId={`progress-${policy}`} maxWidth={560} caption={`${policy}: median (line), P10–P90 (band), the plan without risks (dashed).`} />;
}

function MissChart({ view }: { view: View }) {
  const options = useCallback(
    (width: number): Plot.PlotOptions => {
      const policies = [...new Set(view.misses.map((m) => m.policy))];
      return {
        width,
        height: 60 + [...new Set(view.misses.map((m) => m.workload))].length * 26 * policies.length,
        marginLeft: 130,
        marginRight: 70,
        x: { label: 'probability of missing the deadline (%) →', domain: [0, 1], tickFormat: (d: number) => `${Math.round(d * 100)}%`, grid: true },
        y: { label: null, domain: policies, axis: null },
        fy: { label: null },
        color: { ...colorScale(policies), legend: true },
        marks: [
          Plot.barX(view.misses, { fy: 'workload', y: 'policy', x: 'probability', fill: 'policy', title: (m: View['misses'][number]) => `${m.workload} under ${m.policy}: ${pct(m.probability)}${m.stderr !== null ? ` ± ${pct(m.stderr, 2)}` : ''}` }),
          Plot.text(view.misses, { fy: 'workload', y: 'policy', x: 'probability', text: (m: View['misses'][number]) => pct(m.probability, 2), dx: 4, textAnchor: 'start' }),
          Plot.ruleX([0]),
        ],
      };
    },
    [view],
  );
  return <PlotFigure options={options} label="Probability of missing each run's deadline, per policy" testId="miss-chart" caption="Per training run, one bar per policy (the same random draws for every policy)." />;
}

// A delay that falls on replicas unfinished at the horizon's end is a lower bound.
function atLeast(delay: number | null, censoredAt: number | null): string {
  return delay !== null && censoredAt !== null && delay >= censoredAt - 1e-9 ? '≥' : '';
}

export function SimulateView({ portfolio, plan }: { portfolio: string; plan: SavedPlan | null }) {
  const [available, setAvailable] = useState<boolean | null>(null);
  const [form, setForm] = useState<SimulateForm>({ ...DEFAULT_SIMULATE, risks: defaultRisks });
  const jobs = useJob();
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);

  useEffect(() => {
    simulateAvailable().then(setAvailable, (e) => {
      setAvailable(false);
      setError(e);
    });
  }, []);

  const running = jobs.running;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDiagnostics([]);
    try {
      const done = await jobs.run<SimulateJson>(() => submitSimulate(portfolio, form, plan));
      if (done) setView(simulateView(done.result));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setAvailable(false);
      else if (err instanceof ApiError && err.diagnostics.length) setDiagnostics(err.diagnostics);
      else setError(err);
    }
  };
  const cancel = () => jobs.cancel().catch(setError);
  const togglePolicy = (p: string, on: boolean) => setForm((f) => ({ ...f, policies: on ? [...f.policies, p] : f.policies.filter((x) => x !== p) }));
  const name = /^name:\s*(.+)$/m.exec(portfolio)?.[1] ?? 'unnamed';
  const yMax = view ? Math.max(...view.fan.map((d) => d.p90)) * 1.05 : 0;

  return (
    <>
      <h1 id="h-simulate" tabIndex={-1}>
        Simulate
      </h1>
      <p class="lede">The plan against supply shocks, late deliveries, spot preemption and hardware failures, month by month, as a Monte Carlo over many replicas: what it will really cost and how likely each deadline is, under each recovery policy.</p>
      <ErrorBox error={error} />
      {available === null && <p class="muted">Asking the server what it runs…</p>}
      {available === false && (
        <div class="unavailable" data-testid="simulate-unavailable">
          <h2 style={{ marginTop: 0, border: 0 }}>Not available yet</h2>
          <p>
            This server has no simulate job: <code>GET /api/health</code> does not list <code>simulate</code> among its job kinds. A server that runs it (<code>xpuplan serve</code>) answers with the result of{' '}
            <code>xpuplan simulate --json</code> (<code>SimulateResult</code> in docs/api/openapi.json), which this view draws.
          </p>
        </div>
      )}
      {available && (
        <>
          <form class="panel" onSubmit={submit} noValidate>
            <p style={{ marginTop: 0 }}>
              Simulates the portfolio in the Plan view (<b>{name}</b>, {portfolio.split('\n').length} lines); edit it there.{' '}
              <span data-testid="simulate-plan-source">
                {plan && plan.portfolio === portfolio ? 'It sends the plan the Plan view found for it, so nothing is re-planned.' : 'No plan of this portfolio from the Plan view yet: the job plans it first (about as long as a Plan job).'}
              </span>
            </p>
            <div class="grid">
              <div class="field">
                <label for="sim-replicas">Replicas</label>
                <input id="sim-replicas" type="text" value={form.replicas} onInput={(e) => setForm({ ...form, replicas: (e.target as HTMLInputElement).value })} />
              </div>
              <div class="field">
                <label for="sim-seed">Seed</label>
                <input id="sim-seed" type="text" value={form.seed} onInput={(e) => setForm({ ...form, seed: (e.target as HTMLInputElement).value })} />
              </div>
            </div>
            <div class="field" style={{ marginTop: '10px' }}>
              <label for="sim-risks">Risks (YAML, docs/simulate.md; empty: the portfolio's own risks: section, else none)</label>
              <textarea id="sim-risks" rows={8} spellcheck={false} value={form.risks} onInput={(e) => setForm({ ...form, risks: (e.target as HTMLTextAreaElement).value })} />
            </div>
            <fieldset style={{ marginTop: '10px' }}>
              <legend>Policies (compared on the same random draws)</legend>
              <div class="checks">
                {POLICIES.map((p) => (
                  <label title={p.text}>
                    <input type="checkbox" checked={form.policies.includes(p.name)} onChange={(e) => togglePolicy(p.name, (e.target as HTMLInputElement).checked)} /> {p.name}
                  </label>
                ))}
              </div>
            </fieldset>
            <div class="actions">
              <button type="submit" disabled={running || form.policies.length === 0} data-testid="simulate-submit">
                {running ? 'Simulating…' : 'Simulate'}
              </button>
            </div>
            <DiagnosticList diagnostics={diagnostics} testId="simulate-diagnostics" />
          </form>
          <JobProgress job={jobs.job} onCancel={cancel} cancelling={jobs.cancelling} />
          {view && (
            <div data-testid="simulate-result">
              {view.notes.map((n) => (
                <p class="notice" data-testid="simulate-note">
                  {n}
                </p>
              ))}
              {view.policies.length > 0 && (
                <>
                  <h2>
                    Cost by policy ({view.replicas.toLocaleString('en-US')} replicas, seed {view.seed})
                  </h2>
                  <Cards>
                    {view.planCost !== null && <Card k="the plan, no risks" v={money(view.planCost)} sub={`in whole instances; plan ${view.planStatus}`} testId="plan-cost" />}
                    {view.policies.map((p) => (
                      <Card
                        k={p.name}
                        v={money(p.p50)}
                        sub={`P10 ${money(p.p10)} – P90 ${money(p.p90)}; mean ${money(p.mean)}${p.se !== null ? ` ± ${money(p.se)}` : ''}${p.vsPlan !== null ? ` (${signedPct(p.vsPlan * 100, 2)} vs plan)` : ''}`}
                        testId={`policy-${p.name}`}
                      />
                    ))}
                  </Cards>
                  <h2>Cumulative cost (fan charts)</h2>
                  <div class="two">
                    {view.policies.map((p) => (
                      <FanChart view={view} policy={p.name} yMax={yMax} />
                    ))}
                  </div>
                  {view.progress.length > 0 && (
                    <>
                      <h2>Run progress (fan charts)</h2>
                      <div class="two">
                        {view.policies.map((p) => (
                          <ProgressChart view={view} policy={p.name} />
                        ))}
                      </div>
                    </>
                  )}
                </>
              )}
              {view.misses.length > 0 && <h2>Deadlines</h2>}
              {view.misses.length > 0 && <MissChart view={view} />}
              <div class="scroll">
                <table data-testid="finish-table">
                  <caption class="visually-hidden">Share of replicas finishing each run in each month</caption>
                  <thead>
                    <tr>
                      <th scope="col">run</th>
                      <th scope="col">policy</th>
                      <th scope="col">deadline</th>
                      <th scope="col">planned finish</th>
                      <th scope="col" class="n">
                        delay P50 / P90 (days)
                      </th>
                      {view.months.map((m) => (
                        <th scope="col" class="n">
                          {m.slice(2)}
                        </th>
                      ))}
                      <th scope="col" class="n">
                        later
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.misses.map((m) => (
                      <tr>
                        <td>
                          <b>{m.workload}</b>
                        </td>
                        <td>{m.policy}</td>
                        <td>{m.deadline}</td>
                        <td>{m.plannedFinish}</td>
                        <td class="n">
                          {atLeast(m.delayP50, m.censoredAt)}
                          {num(m.delayP50)} / {atLeast(m.delayP90, m.censoredAt)}
                          {num(m.delayP90)}
                        </td>
                        {[...view.months, LATER].map((month) => {
                          const p = view.finish.find((f) => f.policy === m.policy && f.workload === m.workload && f.month === month)?.probability ?? 0;
                          return (
                            <td class="n" style={p > 0 ? { background: `rgba(0,114,178,${Math.min(0.75, p)})`, color: p > 0.45 ? '#fff' : undefined } : undefined}>
                              {p > 0 ? pct(p, 2) : ''}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {view.services.length > 0 && (
                <>
                  <h2>Services</h2>
                  <table>
                    <caption class="visually-hidden">Hours a service misses its SLOs</caption>
                    <thead>
                      <tr>
                        <th scope="col">service</th>
                        <th scope="col">policy</th>
                        <th scope="col" class="n">
                          SLO-violation hours, mean
                        </th>
                        <th scope="col" class="n">
                          P50
                        </th>
                        <th scope="col" class="n">
                          P90
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {view.services.map((s) => (
                        <tr>
                          <td>{s.workload}</td>
                          <td>{s.policy}</td>
                          <td class="n">{num(s.mean)}</td>
                          <td class="n">{num(s.p50)}</td>
                          <td class="n">{num(s.p90)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
            </div>
          )}
        </>
      )}
    </>
  );
}
