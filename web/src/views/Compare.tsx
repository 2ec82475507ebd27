// Compare: one training run or service on every priced accelerator. A form
// with the CLI's flags; ranked cost bars with 80%-interval whiskers, the
// time-vs-cost Pareto scatter, sensitivity ranges; click an option (a bar, a
// dot or its name in the table) for its layout and breakdown.
import * as Plot from '@observablehq/plot';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { loadCatalog } from '../api/catalog';
import { compareRequest, compareView, DEFAULT_COMPARE, fieldOf, optionDetail, submitCompare, type CompareForm, type CompareJson, type CompareView as View, type OptionDetail, type OptionRow } from '../api/compare';
import { ApiError, getJson, type Diagnostic } from '../api/http';
import { Card, Cards } from '../components/Cards';
import { DataTable, type Column } from '../components/DataTable';
import { JobProgress } from '../components/JobProgress';
import { DiagnosticList, ErrorBox } from '../components/Messages';
import { keyed, PlotFigure } from '../components/PlotFigure';
import { useJob } from '../components/useJob';
import { duration, int, money, moneyTick, num, pct, shortTick } from '../lib/format';
import { colorScale, displayName, symbolScale, vendorColor } from '../lib/palette';

type FieldProps = {
  name: keyof CompareForm;
  label: string;
  hint?: string;
  form: CompareForm;
  set: (k: keyof CompareForm, v: string) => void;
  errors: Map<keyof CompareForm, string[]>;
  list?: string;
  placeholder?: string;
};

function Field({ name, label, hint, form, set, errors, list, placeholder }: FieldProps) {
  const id = `cmp-${name}`;
  const errs = errors.get(name) ?? [];
  return (
    <div class={`field${errs.length ? ' invalid' : ''}`} data-field={name}>
      <label for={id}>{label}</label>
      <input
        id={id}
        type="text"
        value={form[name] as string}
        list={list}
        placeholder={placeholder}
        aria-invalid={errs.length > 0}
        aria-describedby={[hint ? `${id}-hint` : '', errs.length ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined}
        onInput={(e) => set(name, (e.target as HTMLInputElement).value)}
      />
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {errs.length > 0 && (
        <span class="field-error" id={`${id}-err`} data-testid="field-error">
          {errs.join('; ')}
        </span>
      )}
    </div>
  );
}

function Select({ name, label, options, form, set, errors }: { name: keyof CompareForm; label: string; options: [string, string][]; form: CompareForm; set: (k: keyof CompareForm, v: string) => void; errors: Map<keyof CompareForm, string[]> }) {
  const id = `cmp-${name}`;
  const errs = errors.get(name) ?? [];
  return (
    <div class={`field${errs.length ? ' invalid' : ''}`} data-field={name}>
      <label for={id}>{label}</label>
      <select id={id} value={form[name] as string} onChange={(e) => set(name, (e.target as HTMLSelectElement).value)} aria-invalid={errs.length > 0}>
        {options.map(([v, t]) => (
          <option value={v}>{t}</option>
        ))}
      </select>
      {errs.length > 0 && (
        <span class="field-error" data-testid="field-error">
          {errs.join('; ')}
        </span>
      )}
    </div>
  );
}

const logIfWide = (values: number[]) => {
  const v = values.filter((x) => x > 0);
  return v.length > 1 && Math.max(...v) > 8 * Math.min(...v);
};

function CostChart({ view, onSelect }: { view: View; onSelect: (k: string) => void }) {
  const options = useCallback(
    (width: number): Plot.PlotOptions => {
      const opts = view.options;
      const vendors = [...new Set(opts.map((o) => o.vendor))];
      return {
        width,
        height: 50 + opts.length * 28,
        marginLeft: 96,
        marginRight: 120,
        x: { label: `${view.costAxis} →`, tickFormat: moneyTick, grid: true, nice: true },
        y: { label: null, domain: opts.map((o) => o.accelerator) },
        color: { ...colorScale(vendors), legend: true, tickFormat: displayName },
        marks: [
          Plot.barX(opts, {
            y: 'accelerator',
            x: 'cost',
            fill: 'vendor',
            title: (o: OptionRow) => `${o.accelerator} on ${o.offer}: ${money(o.cost)} (80% interval ${money(o.costLow)}–${money(o.costHigh)}), ${int(o.chips)} chips, ${o.layout}`,
            render: keyed((i) => opts[i].accelerator),
          }),
          Plot.ruleY(opts, { y: 'accelerator', x1: 'costLow', x2: 'costHigh', stroke: '#1a1a1a', strokeWidth: 1.3 }),
          Plot.tickX(opts, { y: 'accelerator', x: 'costLow', stroke: '#1a1a1a', insetTop: 7, insetBottom: 7 }),
          Plot.tickX(opts, { y: 'accelerator', x: 'costHigh', stroke: '#1a1a1a', insetTop: 7, insetBottom: 7 }),
          Plot.text(opts, {
            y: 'accelerator',
            x: 'costHigh',
            text: (o: OptionRow) => `${money(o.cost)}${o.relative !== null ? `  (${o.relative.toFixed(2)}x)` : ''}`,
            dx: 6,
            textAnchor: 'start',
            fill: '#333',
          }),
          ...(view.baselineCost !== null ? [Plot.ruleX([view.baselineCost], { stroke: '#5a5a5a', strokeDasharray: '5,4' }), Plot.text([view.baselineCost], { x: (d: number) => d, frameAnchor: 'top', dy: -2, text: () => `baseline ${view.baseline}`, fill: '#5a5a5a', textAnchor: 'start', dx: 4 })] : []),
          Plot.ruleX([0]),
        ],
      };
    },
    [view],
  );
  return (
    <PlotFigure
      options={options}
      label={`${view.kind === 'train' ? 'Cost of the run' : 'Cost per hour of service'} by accelerator, cheapest first, with 80% intervals`}
      testId="cost-chart"
      onSelect={onSelect}
      caption={
        <>
          Ranked by cost ({view.basis} prices{view.region ? `, ${view.region}` : ', cheapest region'}). Whiskers: the engines' 80% interval. The factor after each cost is the baseline's cost over this one: above 1 is cheaper for
          the same work. Click a bar for the option's layout and breakdown.
        </>
      }
    />
  );
}

function ParetoChart({ view, onSelect }: { view: View; onSelect: (k: string) => void }) {
  const options = useCallback(
    (width: number): Plot.PlotOptions => {
      const opts = view.options.filter((o) => o.time !== null);
      const front = opts.filter((o) => o.pareto).sort((a, b) => a.time! - b.time!);
      const vendors = [...new Set(opts.map((o) => o.vendor))];
      const xs = opts.map((o) => o.time!), ys = opts.map((o) => o.cost);
      const xLog = logIfWide(xs);
      const yLog = logIfWide(ys);
      // Log axes fit the data with a margin (nice log domains waste whole decades).
      const pad = (v: number[], log: boolean): [number, number] | undefined => (log ? [Math.min(...v) / 1.25, Math.max(...v) * 1.25] : undefined);
      return {
        width,
        height: 440,
        marginLeft: 70,
        marginRight: 30,
        grid: true,
        x: { label: `${view.timeAxis} →`, type: xLog ? 'log' : 'linear', tickFormat: shortTick, nice: !xLog, domain: pad(xs, xLog) },
        y: { label: `↑ ${view.costAxis}`, type: yLog ? 'log' : 'linear', tickFormat: moneyTick, nice: !yLog, domain: pad(ys, yLog) },
        color: { ...colorScale(vendors), legend: true, tickFormat: displayName },
        symbol: symbolScale(vendors),
        marks: [
          Plot.line(front, { x: 'time', y: 'cost', stroke: '#5a5a5a', strokeDasharray: '4,3' }),
          Plot.dot(front, { x: 'time', y: 'cost', r: 10, stroke: '#1a1a1a', strokeWidth: 1.5 }),
          Plot.dot(opts, {
            x: 'time',
            y: 'cost',
            fill: 'vendor',
            symbol: 'vendor',
            r: 6,
            stroke: 'white',
            title: (o: OptionRow) => `${o.accelerator}: ${view.kind === 'train' ? `${num(o.time)} days` : `TPOT p99 ${num(o.time)} ms`}, ${money(o.cost)}${o.pareto ? ' (on the Pareto front)' : ''}`,
            render: keyed((i) => opts[i].accelerator),
          }),
          Plot.text(opts, { x: 'time', y: 'cost', text: 'accelerator', dy: -13, fontSize: 11, fill: '#333' }),
        ],
      };
    },
    [view],
  );
  return (
    <PlotFigure
      options={options}
      label={`${view.kind === 'train' ? 'Time to train' : 'Latency'} against cost, one point per accelerator; ringed points are on the Pareto front`}
      testId="pareto-chart"
      onSelect={onSelect}
      caption="Ringed and joined: the Pareto front (no other option is both faster and cheaper). Marker shapes also differ by vendor. Axes turn logarithmic when values span more than 8x."
    />
  );
}

function RangeChart({ view }: { view: View }) {
  const options = useCallback(
    (width: number): Plot.PlotOptions => {
      const r = view.ranges;
      const vendors = [...new Set(r.map((o) => o.vendor))];
      return {
        width,
        height: 50 + r.length * 24,
        marginLeft: 96,
        marginRight: 40,
        x: { label: `${view.costAxis} →`, tickFormat: moneyTick, grid: true, type: logIfWide(r.flatMap((x) => [x.low, x.high])) ? 'log' : 'linear' },
        y: { label: null, domain: r.map((x) => x.accelerator) },
        color: colorScale(vendors),
        marks: [
          Plot.ruleY(r, { y: 'accelerator', x1: 'low', x2: 'high', stroke: 'vendor', strokeWidth: 9, strokeOpacity: 0.45, title: (x: View['ranges'][number]) => `${x.accelerator}: ${money(x.low)} to ${money(x.high)}, base ${money(x.mid)}` }),
          Plot.dot(r, { y: 'accelerator', x: 'mid', fill: 'vendor', stroke: '#1a1a1a', r: 4.5 }),
        ],
      };
    },
    [view],
  );
  return (
    <PlotFigure
      options={options}
      label="What the cost could be: the widest range any one assumption gives, per accelerator"
      testId="sensitivity-chart"
      caption="Bar: the widest range any one assumption gives (each varied alone; see the table). Dot: the base case."
    />
  );
}

function PartsChart({ parts, unit, label }: { parts: { part: string; value: number }[]; unit: string; label: string }) {
  const options = useCallback(
    (width: number): Plot.PlotOptions => ({
      width: Math.min(width, 520),
      height: 40 + parts.length * 22,
      marginLeft: 110,
      marginRight: 60,
      x: { label: `${unit} →`, grid: true, tickFormat: shortTick },
      y: { label: null, domain: parts.map((p) => p.part) },
      marks: [
        Plot.barX(parts, { y: 'part', x: 'value', fill: '#0072B2', title: (p: { part: string; value: number }) => `${p.part}: ${num(p.value)} ${unit}` }),
        Plot.text(parts, { y: 'part', x: 'value', text: (p: { value: number }) => num(p.value), dx: 4, textAnchor: 'start' }),
        Plot.ruleX([0]),
      ],
    }),
    [parts, unit],
  );
  return <PlotFigure options={options} label={label} maxWidth={520} />;
}

function Detail({ view, option }: { view: View; option: OptionRow }) {
  const [detail, setDetail] = useState<OptionDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setDetail(null);
    setError(null);
    optionDetail(view, option, { duration, num: (x) => num(x), pct: (x) => pct(x) }).then(setDetail, setError);
  }, [view, option]);
  return (
    <section class="detail" aria-labelledby="detail-h" data-testid="option-detail" data-key={option.accelerator}>
      <h3 id="detail-h" tabIndex={-1}>
        <span class="sw" style={{ background: vendorColor(option.vendor) }} aria-hidden="true" />#{option.rank} {option.accelerator} on {option.system}: {option.layout}
      </h3>
      <p class="small">
        {int(option.chips)} chips ({option.stack}, {option.precision}); price: {option.offer}, {option.usdPerChipHour !== null ? `$${num(option.usdPerChipHour)}/chip-h` : ''}.{' '}
        {option.priceEstimate && <span class="est">estimate: </span>}
        {option.priceSource}
        {option.priceRetrieved && `, retrieved ${option.priceRetrieved}`}. Evidence: {option.evidenceCases ?? '–'} published runs, leave-one-out median error {option.looPct !== null ? `${num(option.looPct)}%` : '–'}
        {option.extrapolations.length ? `; extrapolating: ${option.extrapolations.join('; ')}` : '; inside the evidence'}.
      </p>
      <ErrorBox error={error} />
      {!detail && !error && <p class="muted">Asking the {view.kind === 'train' ? 'train' : 'infer'} route for the breakdown…</p>}
      {detail && (
        <>
          {detail.mismatch && <p class="notice">Note: {detail.mismatch}.</p>}
          <dl class="facts">
            <dt>layout</dt>
            <dd>{detail.layout}</dd>
            {detail.facts.map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </>
            ))}
          </dl>
          <div class="two">
            {detail.timeParts.length > 0 && (
              <div>
                <h4>Step time by part</h4>
                <PartsChart parts={detail.timeParts} unit="seconds per step" label="Step time by part, seconds" />
              </div>
            )}
            {detail.memoryParts.length > 0 && (
              <div>
                <h4>Memory per chip{detail.memoryCapacityGb !== null ? ` (of ${num(detail.memoryCapacityGb)} GB)` : ''}</h4>
                <PartsChart parts={detail.memoryParts} unit="GB per chip" label="Memory per chip by part, GB" />
              </div>
            )}
          </div>
          <p class="small">
            From <code>POST /api/{detail.route}</code> with {Object.keys(detail.request).length} fields, the option's layout fixed.
          </p>
        </>
      )}
    </section>
  );
}

export function CompareView() {
  const [form, setForm] = useState<CompareForm>(DEFAULT_COMPARE);
  const [models, setModels] = useState<string[]>([]);
  const [accelerators, setAccelerators] = useState<string[]>([]);
  const jobs = useJob();
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    getJson<{ models: { key: string }[] }>('api/models').then((j) => setModels(j.models.map((m) => m.key)), () => {});
    loadCatalog().then((r) => setAccelerators(r.map((a) => a.key)), () => {});
  }, []);

  const set = (k: keyof CompareForm, v: string | boolean) => setForm((f) => ({ ...f, [k]: v }));
  const errors = useMemo(() => {
    const m = new Map<keyof CompareForm, string[]>();
    for (const d of diagnostics) {
      const f = fieldOf(d);
      if (f) m.set(f, [...(m.get(f) ?? []), d.message]);
    }
    return m;
  }, [diagnostics]);
  const unplaced = diagnostics.filter((d) => !fieldOf(d));

  const running = jobs.running;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDiagnostics([]);
    setSelected(null);
    const request = compareRequest(form);
    try {
      const done = await jobs.run<CompareJson>(() => submitCompare(request));
      if (done) setView(compareView(done.result, request));
    } catch (err) {
      if (err instanceof ApiError && err.diagnostics.length) setDiagnostics(err.diagnostics);
      else setError(err);
    }
  };
  const cancel = () => jobs.cancel().catch(setError);
  const select = (k: string) => {
    setSelected(k);
    requestAnimationFrame(() => document.getElementById('detail-h')?.focus());
  };

  const v = view;
  const option = v?.options.find((o) => o.accelerator === selected) ?? null;
  const train = v?.kind === 'train';

  const columns: Column<OptionRow>[] = v
    ? [
        { id: 'rank', label: '#', numeric: true, sort: (o) => o.rank, cell: (o) => o.rank },
        {
          id: 'accelerator',
          label: 'accelerator / system',
          sort: (o) => o.accelerator,
          cell: (o) => (
            <>
              <span class="sw" style={{ background: vendorColor(o.vendor) }} aria-hidden="true" />
              <button type="button" class="pick" onClick={() => select(o.accelerator)} aria-label={`layout and breakdown of ${o.accelerator}`} data-testid="pick">
                {o.accelerator}
              </button>
              <div class="small">{o.system}</div>
            </>
          ),
        },
        { id: 'layout', label: 'layout', cell: (o) => <code>{o.layout}</code> },
        { id: 'chips', label: 'chips', numeric: true, sort: (o) => o.chips, cell: (o) => int(o.chips) },
        ...(train
          ? ([
              { id: 'days', label: 'time', unit: 'days', numeric: true, sort: (o) => o.days, cell: (o) => num(o.days) },
              { id: 'mfu', label: 'MFU', numeric: true, sort: (o) => o.mfu, cell: (o) => pct(o.mfu) },
            ] as Column<OptionRow>[])
          : ([
              { id: 'ttft', label: 'TTFT p99', unit: 's', numeric: true, sort: (o) => o.ttftP99S, cell: (o) => num(o.ttftP99S) },
              { id: 'tpot', label: 'TPOT p99', unit: 'ms', numeric: true, sort: (o) => o.tpotP99Ms, cell: (o) => num(o.tpotP99Ms) },
            ] as Column<OptionRow>[])),
        { id: 'tps', label: 'tokens/s', unit: 'per chip', numeric: true, sort: (o) => o.tokensPerSPerChip, cell: (o) => num(o.tokensPerSPerChip, 4) },
        {
          id: 'cost',
          label: 'cost',
          unit: train ? 'per run, 80% interval' : 'per hour, 80% interval',
          numeric: true,
          sort: (o) => o.cost,
          cell: (o) => (
            <>
              <b data-testid="cost">{money(o.cost)}</b>
              <div class="small">
                {money(o.costLow)}–{money(o.costHigh)}
              </div>
            </>
          ),
        },
        { id: 'mtok', label: '$/Mtok', numeric: true, sort: (o) => o.usdPerMtok, cell: (o) => money(o.usdPerMtok) },
        { id: 'energy', label: train ? 'energy' : 'energy/h', unit: 'MWh, facility', numeric: true, sort: (o) => o.energyMwh, cell: (o) => num(o.energyMwh) },
        { id: 'mw', label: 'facility', unit: 'MW', numeric: true, sort: (o) => o.facilityMw, cell: (o) => num(o.facilityMw) },
        { id: 'relative', label: 'vs', unit: v.baseline, numeric: true, sort: (o) => o.relative, cell: (o) => (o.relative !== null ? `${o.relative.toFixed(2)}x` : '–') },
      ]
    : [];

  const cheapest = v?.options[0];
  const fastest = v?.options.reduce<OptionRow | null>((best, o) => (o.time !== null && (best === null || o.time < best.time!) ? o : best), null);

  return (
    <>
      <h1 id="h-compare" tabIndex={-1}>
        Compare
      </h1>
      <p class="lede">Price-performance of one training run or service on every priced accelerator: the best layout, time, cost with its 80% interval, energy, and what is not compared and why.</p>
      <form class="panel" onSubmit={submit} aria-describedby="cmp-diag" noValidate>
        <datalist id="model-keys">
          {models.map((m) => (
            <option value={m} />
          ))}
        </datalist>
        <datalist id="accelerator-keys">
          {accelerators.map((m) => (
            <option value={m} />
          ))}
        </datalist>
        <fieldset>
          <legend>Workload</legend>
          <div class="radios" role="radiogroup" aria-label="Workload kind" data-field="mode">
            <label>
              <input type="radio" name="cmp-mode" checked={form.mode === 'train'} onChange={() => set('mode', 'train')} /> a training run
            </label>
            <label>
              <input type="radio" name="cmp-mode" checked={form.mode === 'infer'} onChange={() => set('mode', 'infer')} /> a service (serving a load)
            </label>
            {(errors.get('mode') ?? []).map((m) => (
              <span class="field-error">{m}</span>
            ))}
          </div>
          <div class="grid" style={{ marginTop: '8px' }}>
            <Field name="model" label="Model" hint="a shipped key" form={form} set={set} errors={errors} list="model-keys" />
            <Select name="precision" label="Precision" options={['bf16', 'fp16', 'fp8', 'fp4', 'int8'].map((p) => [p, p])} form={form} set={set} errors={errors} />
          </div>
        </fieldset>
        {form.mode === 'train' ? (
          <fieldset>
            <legend>Training run</legend>
            <div class="grid">
              <Field name="tokens" label="Tokens to train" hint="e.g. 15T, 2.5e12, 300B" form={form} set={set} errors={errors} />
              <div class="field">
                <span class="label" id="sizing-label">
                  Size by
                </span>
                <div class="radios" role="radiogroup" aria-labelledby="sizing-label">
                  <label>
                    <input type="radio" name="cmp-sizing" checked={form.sizing === 'chips'} onChange={() => set('sizing', 'chips')} /> chips
                  </label>
                  <label>
                    <input type="radio" name="cmp-sizing" checked={form.sizing === 'deadline'} onChange={() => set('sizing', 'deadline')} /> deadline
                  </label>
                </div>
              </div>
              {form.sizing === 'chips' ? (
                <Field name="chips" label="Chips on every accelerator" form={form} set={set} errors={errors} />
              ) : (
                <Field name="deadline" label="Finish within" hint="e.g. 90 days: the fewest chips that do" form={form} set={set} errors={errors} />
              )}
              <Field name="seqLen" label="Sequence length (tokens)" form={form} set={set} errors={errors} />
              <Field name="globalBatch" label="Global batch (sequences)" hint="empty: about 4M tokens" form={form} set={set} errors={errors} />
            </div>
          </fieldset>
        ) : (
          <fieldset>
            <legend>Service</legend>
            <div class="grid">
              <Field name="rate" label="Requests per second" form={form} set={set} errors={errors} />
              <Field name="inputLen" label="Mean prompt tokens" form={form} set={set} errors={errors} />
              <Field name="outputLen" label="Mean output tokens" form={form} set={set} errors={errors} />
              <Field name="ttftSlo" label="TTFT target (p99)" hint="with a unit: 1 s" form={form} set={set} errors={errors} />
              <Field name="tpotSlo" label="TPOT target (p99)" hint="with a unit: 40 ms" form={form} set={set} errors={errors} />
              <Select name="kvPrecision" label="KV cache" options={[['', 'default'], ['bf16', 'bf16'], ['fp8', 'fp8']]} form={form} set={set} errors={errors} />
            </div>
          </fieldset>
        )}
        <fieldset>
          <legend>Prices and assumptions</legend>
          <div class="grid">
            <Select name="term" label="Purchase term" options={['on-demand', 'spot', '1y', '3y', 'capacity-block', 'owned'].map((t) => [t, t])} form={form} set={set} errors={errors} />
            <Field name="region" label="Region" hint="empty: the cheapest anywhere" form={form} set={set} errors={errors} />
            <Field name="utilization" label="Utilization (1y/3y/owned)" hint="share of paid hours doing work" form={form} set={set} errors={errors} />
            <Field name="pue" label="PUE" hint="facility / IT power" form={form} set={set} errors={errors} />
            {form.term === 'owned' && <Field name="life" label="Depreciation (years)" form={form} set={set} errors={errors} />}
            {form.term === 'owned' && <Field name="electricity" label="Electricity" hint="with a unit: 0.08 $/kWh" form={form} set={set} errors={errors} />}
            <Field name="baseline" label="Baseline accelerator" form={form} set={set} errors={errors} list="accelerator-keys" />
            <Field name="accelerators" label="Only these accelerators" hint="comma-separated; empty: all" form={form} set={set} errors={errors} />
          </div>
          <div class="checks" style={{ marginTop: '8px' }}>
            <label>
              <input type="checkbox" checked={form.sensitivity} onChange={(e) => set('sensitivity', (e.target as HTMLInputElement).checked)} /> vary each assumption (sensitivity)
            </label>
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={running} data-testid="compare-submit">
            {running ? 'Comparing…' : 'Compare'}
          </button>
          <button type="button" class="secondary" onClick={() => setForm(DEFAULT_COMPARE)}>
            Reset to defaults
          </button>
        </div>
        <div id="cmp-diag">
          <DiagnosticList diagnostics={unplaced} testId="compare-diagnostics" />
          {errors.size > 0 && unplaced.length === 0 && (
            <p class="field-error" role="alert" data-testid="compare-diagnostics">
              {diagnostics.length} problem{diagnostics.length === 1 ? '' : 's'} in the form, shown beside the fields – nothing was run.
            </p>
          )}
        </div>
      </form>
      <JobProgress job={jobs.job} onCancel={cancel} cancelling={jobs.cancelling} />
      <ErrorBox error={error} />
      {v && (
        <div data-testid="compare-result">
          <Cards>
            {cheapest && <Card k="cheapest" v={cheapest.accelerator} sub={`${money(cheapest.cost)} on ${cheapest.offer}`} testId="card-cheapest" />}
            {fastest && (
              <Card
                k={train ? 'fastest' : 'lowest latency'}
                v={fastest.accelerator}
                sub={train ? `${num(fastest.days)} days on ${int(fastest.chips)} chips` : `TPOT p99 ${num(fastest.tpotP99Ms)} ms`}
                testId="card-fastest"
              />
            )}
            <Card k="baseline" v={v.baseline || '–'} sub={v.baselineCost !== null ? `${money(v.baselineCost)}; cheapest is ${(cheapest?.relative ?? 1).toFixed(2)}x better` : v.baselineNote || 'not compared'} />
            <Card k="compared" v={`${v.options.length} of ${v.options.length + v.notCompared.length}`} sub={`${v.notCompared.length} left out (see below)`} testId="card-compared" />
          </Cards>
          {v.baselineNote && <p class="notice">Note: {v.baselineNote}.</p>}
          <h2>Cost by accelerator</h2>
          <CostChart view={v} onSelect={select} />
          {option && <Detail view={v} option={option} />}
          <h2>Time against cost</h2>
          <ParetoChart view={v} onSelect={select} />
          <h2>Options</h2>
          <DataTable caption="Options, ranked by cost" columns={columns} rows={v.options} rowKey={(o) => o.accelerator} selected={selected} testId="compare-table" rowTestId="option-row" />
          {v.sensitivity.length > 0 && (
            <>
              <h2>Sensitivity</h2>
              <RangeChart view={v} />
              <div class="scroll">
                <table data-testid="sensitivity-table">
                  <caption class="visually-hidden">Each assumption varied alone, and whether the ranking holds</caption>
                  <thead>
                    <tr>
                      <th scope="col">assumption</th>
                      <th scope="col">what was varied</th>
                      <th scope="col">ranking</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.sensitivity.map((f) => (
                      <tr>
                        <td>
                          <b>{f.factor}</b>
                        </td>
                        <td>{f.description}</td>
                        <td class="small">
                          {f.rankChanges ? (
                            <>
                              <span class="warn">can change</span> ({f.swaps.length} pair{f.swaps.length === 1 ? '' : 's'}): {f.swaps.slice(0, 6).map(([a, b]) => `${a} ↔ ${b}`).join(', ')}
                              {f.swaps.length > 6 ? ` and ${f.swaps.length - 6} more` : ''}
                            </>
                          ) : (
                            <span class="ok">order holds</span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {v.notCompared.length > 0 && (
            <>
              <h2>Not compared</h2>
              <ul class="plain" data-testid="not-compared">
                {v.notCompared.map((n) => (
                  <li>
                    <span class="sw" style={{ background: vendorColor(n.vendor) }} aria-hidden="true" />
                    <b>{n.accelerator}</b>: {n.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </>
  );
}
