// Simulate: the plan against the future it plans for (issue 13). Fan charts
// of cumulative cost per policy (P10–P90 bands), deadline-miss probabilities
// and finish months. Shown as "not available yet" when the server has no
// simulate job (GET /api/health lists the job kinds it runs).
import * as Plot from '@observablehq/plot';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type Diagnostic } from '../api/http';
import { DEFAULT_SIMULATE, POLICIES, simulateAvailable, simulateView, submitSimulate, type FanPoint, type SimulateForm, type SimulateJson, type SimulateView as View } from '../api/simulate';
import { Card, Cards } from '../components/Cards';
import { JobProgress } from '../components/JobProgress';
import { DiagnosticList, ErrorBox } from '../components/Messages';
import { PlotFigure } from '../components/PlotFigure';
import { useJob } from '../components/useJob';
import { money, moneyTick, pct } from '../lib/format';
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

export function SimulateView({ portfolio }: { portfolio: string }) {
  const [available, setAvailable] = useState<boolean | null>(null);
  const [form, setForm] = useState<SimulateForm>(DEFAULT_SIMULATE);
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
      const done = await jobs.run<SimulateJson>(() => submitSimulate(portfolio, form));
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
            This server has no simulate job: <code>GET /api/health</code> does not list <code>simulate</code> among its job kinds. The simulator is being built (issue 13); this view draws the result shape proposed in the API contract
            (<code>SimulateResult</code> in docs/api/openapi.json) as soon as the server offers it.
          </p>
        </div>
      )}
      {available && (
        <>
          <form class="panel" onSubmit={submit} noValidate>
            <p style={{ marginTop: 0 }}>
              Simulates the portfolio in the Plan view (<b>{name}</b>, {portfolio.split('\n').length} lines); edit it there.
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
              <h2>
                Cost by policy ({view.replicas.toLocaleString('en-US')} replicas, seed {view.seed})
              </h2>
              <Cards>
                {view.planCost !== null && <Card k="the plan, no shocks" v={money(view.planCost)} sub="its own cost" />}
                {view.policies.map((p) => (
                  <Card k={p.name} v={money(p.p50)} sub={`P10 ${money(p.p10)} – P90 ${money(p.p90)}${p.stderr !== null ? `; ±${money(p.stderr)} (s.e. of the mean)` : ''}`} testId={`policy-${p.name}`} />
                ))}
              </Cards>
              <h2>Cumulative cost (fan charts)</h2>
              <div class="two">
                {view.policies.map((p) => (
                  <FanChart view={view} policy={p.name} yMax={yMax} />
                ))}
              </div>
              <h2>Deadlines</h2>
              <MissChart view={view} />
              <div class="scroll">
                <table data-testid="finish-table">
                  <caption class="visually-hidden">Share of replicas finishing each run in each month</caption>
                  <thead>
                    <tr>
                      <th scope="col">run</th>
                      <th scope="col">policy</th>
                      <th scope="col">deadline</th>
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
                        {[...view.months, 'later'].map((month) => {
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
                          SLO-violation hours, P50
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
                          <td class="n">{s.p50 ?? '–'}</td>
                          <td class="n">{s.p90 ?? '–'}</td>
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
