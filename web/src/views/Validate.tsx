// Validate: predictions against published measurements. A predicted-vs-
// measured scatter per vendor with the ±10% and ±25% bands, and a filterable
// table of the cases; the shipped cases, or a cases CSV of your own.
import * as Plot from '@observablehq/plot';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type Diagnostic } from '../api/http';
import { runValidate, type CaseRow, type ValidateView as View } from '../api/validate';
import { Card, Cards } from '../components/Cards';
import { DataTable, type Column } from '../components/DataTable';
import { DiagnosticList, ErrorBox } from '../components/Messages';
import { PlotFigure } from '../components/PlotFigure';
import { num, shortTick, signedPct } from '../lib/format';
import { colorScale, displayName, symbolScale, vendorColor } from '../lib/palette';

function Scatter({ cases, unit }: { cases: CaseRow[]; unit: string | null }) {
  const options = useCallback(
    (width: number): Plot.PlotOptions => {
      const pts = cases.filter((c) => c.predicted !== null && c.predicted > 0 && c.measured > 0);
      const vendors = [...new Set(pts.map((c) => c.vendor))];
      const lo = Math.min(...pts.flatMap((c) => [c.measured, c.predicted!])) / 1.4;
      const hi = Math.max(...pts.flatMap((c) => [c.measured, c.predicted!])) * 1.4;
      const line = Array.from({ length: 41 }, (_, i) => lo * (hi / lo) ** (i / 40));
      const axis = unit ? `(${unit}, log scale)` : '(each metric in its own unit, log scale)';
      return {
        width: Math.min(width, 640),
        height: Math.min(width, 640) * 0.85,
        marginLeft: 70,
        grid: true,
        x: { type: 'log', domain: [lo, hi], label: `measured ${axis} →`, tickFormat: shortTick },
        y: { type: 'log', domain: [lo, hi], label: `↑ predicted ${axis}`, tickFormat: shortTick },
        color: { ...colorScale(vendors), legend: true, tickFormat: displayName },
        symbol: symbolScale(vendors),
        marks: [
          Plot.areaY(line, { x: (d: number) => d, y1: (d: number) => d * 0.75, y2: (d: number) => d * 1.25, fill: '#9aa0a6', fillOpacity: 0.25 }),
          Plot.areaY(line, { x: (d: number) => d, y1: (d: number) => d * 0.9, y2: (d: number) => d * 1.1, fill: '#9aa0a6', fillOpacity: 0.4 }),
          Plot.lineY(line, { x: (d: number) => d, y: (d: number) => d, stroke: '#5a5a5a', strokeDasharray: '4,3' }),
          Plot.dot(pts, {
            x: 'measured',
            y: 'predicted',
            fill: 'vendor',
            symbol: 'vendor',
            r: 4.5,
            stroke: 'white',
            strokeWidth: 0.8,
            title: (c: CaseRow) => `${c.id} ${c.accelerator} (${c.stack}), ${c.metric}: measured ${num(c.measured, 4)}, predicted ${num(c.predicted, 4)} ${c.unit} (${signedPct(c.errorPct)})`,
          }),
        ],
      };
    },
    [cases, unit],
  );
  return (
    <PlotFigure
      options={options}
      label="Predicted against measured for each published case, coloured by vendor, with bands at plus or minus 10 and 25 percent"
      testId="validate-chart"
      maxWidth={640}
      caption="Dashed: predicted = measured. Darker band: within ±10%; lighter band: within ±25%. Marker shape and colour by vendor (Okabe–Ito). Skipped cases are in the table only."
    />
  );
}

// A fixed vertical spread per case (from its id), so a strip of dots does not pile up.
const jitter = (id: string) => {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return 0.12 + 0.76 * ((h >>> 0) / 2 ** 32);
};

function ErrorStrip({ cases }: { cases: CaseRow[] }) {
  const options = useCallback(
    (width: number): Plot.PlotOptions => {
      const pts = cases.filter((c) => c.errorPct !== null).map((c) => ({ ...c, vendorName: displayName(c.vendor), j: jitter(c.id) }));
      const vendors = [...new Set(pts.map((c) => c.vendor))];
      const reach = Math.max(30, ...pts.map((c) => Math.abs(c.errorPct!))) * 1.05;
      return {
        width,
        height: 50 + [...new Set(pts.map((c) => c.vendor))].length * 64,
        marginLeft: 80,
        x: { label: 'error of the prediction (%) →', domain: [-reach, reach], grid: true, tickFormat: (d: number) => `${d > 0 ? '+' : ''}${d}%` },
        y: { domain: [0, 1], axis: null },
        fy: { label: null },
        color: colorScale(vendors),
        symbol: symbolScale(vendors),
        marks: [
          Plot.rect([{ a: -25, b: 25 }], { x1: 'a', x2: 'b', fill: '#9aa0a6', fillOpacity: 0.18 }),
          Plot.rect([{ a: -10, b: 10 }], { x1: 'a', x2: 'b', fill: '#9aa0a6', fillOpacity: 0.3 }),
          Plot.ruleX([0], { stroke: '#5a5a5a', strokeDasharray: '4,3' }),
          Plot.dot(pts, {
            x: 'errorPct',
            y: 'j',
            fy: 'vendorName',
            fill: 'vendor',
            symbol: 'vendor',
            r: 4.5,
            stroke: 'white',
            strokeWidth: 0.8,
            title: (c: CaseRow) => `${c.id} ${c.accelerator}, ${c.metric}: ${signedPct(c.errorPct, 3)} (measured ${num(c.measured, 4)}, predicted ${num(c.predicted, 4)} ${c.unit})`,
          }),
        ],
      };
    },
    [cases],
  );
  return (
    <PlotFigure
      options={options}
      label="Error of each prediction by vendor, with bands at plus or minus 10 and 25 percent"
      testId="validate-errors"
      caption="The same cases as error = (predicted − measured) / measured, one row per vendor: darker band within ±10%, lighter within ±25%."
    />
  );
}

const unique = (xs: string[]) => [...new Set(xs)].sort();

export function ValidateView() {
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [source, setSource] = useState('the shipped published cases');
  const [mode, setMode] = useState('');
  const [vendor, setVendor] = useState('');
  const [metric, setMetric] = useState('');
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');

  const load = (csv?: string, name?: string) => {
    setError(null);
    setDiagnostics([]);
    runValidate(csv).then(
      (v) => {
        setView(v);
        setSource(name ?? 'the shipped published cases');
      },
      (e) => {
        if (e instanceof ApiError && e.diagnostics.length) setDiagnostics(e.diagnostics);
        else setError(e);
      },
    );
  };
  useEffect(() => load(), []);

  const upload = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) load(await file.text(), file.name);
  };

  const cases = view?.cases ?? [];
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return cases.filter(
      (c) =>
        (!mode || c.mode === mode) &&
        (!vendor || c.vendor === vendor) &&
        (!metric || c.metric === metric) &&
        (!status || c.status === status) &&
        (!q || c.id.toLowerCase().includes(q) || c.accelerator.includes(q) || c.stack.includes(q) || c.reason.toLowerCase().includes(q)),
    );
  }, [cases, mode, vendor, metric, status, search]);
  const units = unique(shown.filter((c) => c.predicted !== null).map((c) => c.unit));
  const within = (p: number) => {
    const ok = shown.filter((c) => c.errorPct !== null);
    return ok.length ? `${Math.round((100 * ok.filter((c) => Math.abs(c.errorPct!) <= p).length) / ok.length)}%` : '–';
  };

  const select = (id: string, label: string, value: string, set: (v: string) => void, values: string[], show: (v: string) => string = (v) => v) => (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
        <option value="">all</option>
        {values.map((v) => (
          <option value={v}>{show(v)}</option>
        ))}
      </select>
    </div>
  );

  const columns: Column<CaseRow>[] = [
    { id: 'id', label: 'case', sort: (c) => c.id, cell: (c) => <code>{c.id}</code> },
    {
      id: 'accelerator',
      label: 'accelerator',
      sort: (c) => c.accelerator,
      cell: (c) => (
        <>
          <span class="sw" style={{ background: vendorColor(c.vendor) }} aria-hidden="true" />
          {c.accelerator}
          <div class="small">{c.stack}</div>
        </>
      ),
    },
    { id: 'mode', label: 'mode', sort: (c) => c.mode, cell: (c) => c.mode },
    {
      id: 'metric',
      label: 'metric',
      sort: (c) => c.metric,
      cell: (c) => (
        <>
          {c.metric}
          <div class="small">{c.unit}</div>
        </>
      ),
    },
    { id: 'measured', label: 'measured', numeric: true, sort: (c) => c.measured, cell: (c) => num(c.measured, 4) },
    { id: 'predicted', label: 'predicted', numeric: true, sort: (c) => c.predicted, cell: (c) => num(c.predicted, 4) },
    {
      id: 'error',
      label: 'error',
      unit: '(pred − meas) / meas',
      numeric: true,
      sort: (c) => (c.errorPct === null ? null : Math.abs(c.errorPct)),
      cell: (c) => <span class={c.errorPct !== null && Math.abs(c.errorPct) > 25 ? 'warn' : undefined}>{signedPct(c.errorPct, 3)}</span>,
    },
    { id: 'status', label: 'status', sort: (c) => c.status, cell: (c) => c.status },
    { id: 'reason', label: 'notes', cell: (c) => <span class="small">{c.reason}</span> },
  ];

  return (
    <>
      <h1 id="h-validate" tabIndex={-1}>
        Validate
      </h1>
      <p class="lede">Predictions against published measurements (MLPerf Training and Inference, vendor and paper figures): {source}. A prediction that is off is shown as off.</p>
      <div class="actions" style={{ marginTop: 0 }}>
        <label class="label" for="validate-file">
          Validate a cases CSV of your own
        </label>
        <input id="validate-file" type="file" accept=".csv,text/csv" onChange={upload} />
        <button type="button" class="secondary" onClick={() => load()}>
          Shipped cases
        </button>
      </div>
      <DiagnosticList diagnostics={diagnostics} testId="validate-diagnostics" />
      <ErrorBox error={error} />
      {!view && !error && !diagnostics.length && <p class="muted">Predicting the cases…</p>}
      {view && (
        <div data-testid="validate-result">
          <Cards>
            <Card k="median |error|" v={`${num(view.overall.medianAbsPct)}%`} sub={`${view.overall.count} cases; ${view.skipped} skipped`} testId="card-overall" />
            {view.byMode.map((m) => (
              <Card k={m.group.replace('_', ' ')} v={`${num(m.medianAbsPct)}%`} sub={`median |error| over ${m.count} cases`} />
            ))}
          </Cards>
          <div class="filters" role="search">
            {select('val-mode', 'Mode', mode, setMode, unique(cases.map((c) => c.mode)))}
            {select('val-vendor', 'Vendor', vendor, setVendor, unique(cases.map((c) => c.vendor)), displayName)}
            {select('val-metric', 'Metric', metric, setMetric, unique(cases.map((c) => c.metric)))}
            {select('val-status', 'Status', status, setStatus, unique(cases.map((c) => c.status)))}
            <div class="field">
              <label for="val-search">Case, accelerator, stack or note contains</label>
              <input id="val-search" type="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
            </div>
            <p class="muted" aria-live="polite" data-testid="validate-count">
              {shown.length} of {cases.length} cases; within ±10%: {within(10)}, within ±25%: {within(25)}
            </p>
          </div>
          <div class="two">
            <Scatter cases={shown} unit={units.length === 1 ? units[0] : null} />
            <ErrorStrip cases={shown} />
          </div>
          <DataTable caption="Published cases, predicted and measured" columns={columns} rows={shown} rowKey={(c) => c.id} initialSort={{ id: 'error', dir: 'desc' }} testId="validate-table" rowTestId="case-row" />
        </div>
      )}
    </>
  );
}
