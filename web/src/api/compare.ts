// Compare view adapter: the form as a CompareRequest (POST /api/jobs/compare),
// the CompareResult as rows and chart data, and an option's detail from
// POST /api/train or /api/infer. All JSON field names live here.
import { postJson, type Diagnostic } from './http';
import { submitJob, type JobState } from './jobs';

// --- the form -------------------------------------------------------------------------

export interface CompareForm {
  mode: 'train' | 'infer';
  model: string;
  tokens: string;
  sizing: 'chips' | 'deadline';
  chips: string;
  deadline: string;
  seqLen: string;
  globalBatch: string;
  rate: string;
  inputLen: string;
  outputLen: string;
  ttftSlo: string;
  tpotSlo: string;
  precision: string;
  kvPrecision: string;
  term: string;
  region: string;
  utilization: string;
  pue: string;
  life: string;
  electricity: string;
  baseline: string;
  accelerators: string;
  sensitivity: boolean;
}

/** The CLI's defaults (xpuplan compare --help), and the README's example workloads. */
export const DEFAULT_COMPARE: CompareForm = {
  mode: 'train',
  model: 'llama3.1-70b',
  tokens: '15T',
  sizing: 'chips',
  chips: '1024',
  deadline: '90 days',
  seqLen: '8192',
  globalBatch: '',
  rate: '20',
  inputLen: '2048',
  outputLen: '300',
  ttftSlo: '1 s',
  tpotSlo: '40 ms',
  precision: 'bf16',
  kvPrecision: '',
  term: 'on-demand',
  region: '',
  utilization: '1',
  pue: '1.2',
  life: '4',
  electricity: '0.08 $/kWh',
  baseline: 'h100-sxm',
  accelerators: '',
  sensitivity: true,
};

/** Which form field a diagnostic's pointer (in the request body) belongs to. */
export const FIELD_OF_POINTER: Record<string, keyof CompareForm> = {
  '/model': 'model',
  '/train': 'mode',
  '/infer': 'mode',
  '/tokens': 'tokens',
  '/chips': 'chips',
  '/deadline': 'deadline',
  '/seq_len': 'seqLen',
  '/global_batch': 'globalBatch',
  '/rate': 'rate',
  '/input_len': 'inputLen',
  '/output_len': 'outputLen',
  '/ttft_slo': 'ttftSlo',
  '/tpot_slo': 'tpotSlo',
  '/precision': 'precision',
  '/kv_precision': 'kvPrecision',
  '/term': 'term',
  '/region': 'region',
  '/utilization': 'utilization',
  '/pue': 'pue',
  '/life': 'life',
  '/electricity': 'electricity',
  '/baseline': 'baseline',
  '/accelerators': 'accelerators',
};

export function fieldOf(d: Diagnostic): keyof CompareForm | null {
  if (d.in !== 'body') return null;
  const top = '/' + (d.pointer.split('/')[1] ?? '');
  return FIELD_OF_POINTER[top] ?? null;
}

// A whole number as a number; anything else as typed, so the server can say what is wrong with it.
const whole = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : s.trim());
const real = (s: string) => (/^\s*\d+(\.\d+)?\s*$/.test(s) ? Number(s) : s.trim());

/** The request body: CLI flag names in snake_case, only what the form sets (the rest take the CLI's defaults). */
export function compareRequest(f: CompareForm): Record<string, unknown> {
  const b: Record<string, unknown> = { model: f.model.trim() };
  const set = (key: string, value: string, conv: (s: string) => unknown = (s) => s.trim()) => {
    if (value.trim() !== '') b[key] = conv(value);
  };
  if (f.mode === 'train') {
    b.train = true;
    set('tokens', f.tokens);
    if (f.sizing === 'chips') set('chips', f.chips, whole);
    else set('deadline', f.deadline);
    set('seq_len', f.seqLen, whole);
    set('global_batch', f.globalBatch, whole);
  } else {
    b.infer = true;
    set('rate', f.rate, real);
    set('input_len', f.inputLen, real);
    set('output_len', f.outputLen, real);
    set('ttft_slo', f.ttftSlo);
    set('tpot_slo', f.tpotSlo);
    set('kv_precision', f.kvPrecision);
  }
  set('precision', f.precision);
  set('term', f.term);
  set('region', f.region);
  set('utilization', f.utilization, real);
  set('pue', f.pue, real);
  if (f.term === 'owned') {
    set('life', f.life, real);
    set('electricity', f.electricity);
  }
  set('baseline', f.baseline);
  if (f.accelerators.trim()) b.accelerators = f.accelerators.split(',').map((s) => s.trim()).filter(Boolean);
  if (f.sensitivity) b.sensitivity = true;
  return b;
}

// --- the result --------------------------------------------------------------------

interface OptionJson {
  rank: number;
  accelerator: string;
  vendor: string;
  system: string;
  stack?: string;
  chips: number;
  billed_chips?: number;
  layout: string;
  cost_usd: number;
  cost_usd_low: number;
  cost_usd_high: number;
  relative_to_baseline?: number | null;
  usd_per_chip_hour?: number;
  usd_per_mtok: number;
  tokens_per_s_per_chip?: number;
  tokens_per_joule?: number;
  energy_mwh?: number;
  facility_mw?: number;
  time_days?: number;
  time_days_low?: number;
  time_days_high?: number;
  mfu?: number;
  replicas?: number;
  chips_per_replica?: number;
  ttft_p99_s?: number;
  tpot_p99_ms?: number;
  precision_used?: string;
  price?: { offer?: string; source?: string; retrieved?: string; estimate?: boolean; usd_per_chip_hour_list?: number; instance_chips?: number };
  interval?: { evidence_cases?: number; extrapolations?: string[]; loo_median_abs_error_pct?: number; low?: number; high?: number };
}

interface CompareJson {
  workload: {
    kind: 'train' | 'infer';
    model: string;
    chips?: number;
    deadline_days?: number;
    tokens?: number;
    seq_len?: number;
    global_batch?: number;
    precision?: string;
    rate?: number;
    input_len?: number;
    output_len?: number;
    ttft_slo_s?: number;
    tpot_slo_ms?: number;
  };
  cost_unit: string;
  prices?: { basis?: string; region?: string; pue?: number; utilization?: number };
  baseline?: { accelerator?: string; priced?: boolean; note?: string };
  options: OptionJson[];
  not_compared: { accelerator: string; vendor?: string; reason: string }[];
  sensitivity?: { factor: string; description: string; rank_changes: boolean; swaps?: [string, string][]; ranges: { accelerator: string; cost_usd_low: number; cost_usd_high: number }[] }[];
}

export interface OptionRow {
  rank: number;
  accelerator: string;
  vendor: string;
  system: string;
  stack: string;
  chips: number;
  layout: string;
  cost: number;
  costLow: number;
  costHigh: number;
  relative: number | null;
  usdPerChipHour: number | null;
  usdPerMtok: number;
  tokensPerSPerChip: number | null;
  tokensPerJoule: number | null;
  energyMwh: number | null;
  facilityMw: number | null;
  /** the time axis: days to train, or TPOT p99 in ms */
  time: number | null;
  days: number | null;
  daysLow: number | null;
  daysHigh: number | null;
  mfu: number | null;
  replicas: number | null;
  chipsPerReplica: number | null;
  ttftP99S: number | null;
  tpotP99Ms: number | null;
  precision: string;
  offer: string;
  priceSource: string;
  priceRetrieved: string;
  priceEstimate: boolean;
  evidenceCases: number | null;
  looPct: number | null;
  intervalLow: number | null;
  intervalHigh: number | null;
  extrapolations: string[];
  pareto: boolean;
}

export interface SensitivityFactor {
  factor: string;
  description: string;
  rankChanges: boolean;
  swaps: [string, string][];
  /** cost low and high for each accelerator it moves */
  ranges: Map<string, [number, number]>;
}

export interface CompareView {
  kind: 'train' | 'infer';
  model: string;
  costUnit: string;
  /** "USD for the whole run" / "USD per hour at the load" */
  costAxis: string;
  timeAxis: string;
  basis: string;
  region: string;
  pue: number | null;
  baseline: string;
  baselinePriced: boolean;
  baselineNote: string;
  baselineCost: number | null;
  options: OptionRow[];
  notCompared: { accelerator: string; vendor: string; reason: string }[];
  sensitivity: SensitivityFactor[];
  /** the widest range any one assumption gives, per option (as the HTML report draws it) */
  ranges: { accelerator: string; vendor: string; low: number; mid: number; high: number }[];
  workload: CompareJson['workload'];
  /** the request this answers (for an option's detail) */
  request: Record<string, unknown>;
}

const n = (x: number | undefined | null) => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** Indices of the lower-left Pareto front: no other option is as good on both and better on one. */
export function paretoFront(points: { x: number; y: number }[]): Set<number> {
  const front = new Set<number>();
  points.forEach((p, i) => {
    const beaten = points.some((q, j) => j !== i && q.x <= p.x && q.y <= p.y && (q.x < p.x || q.y < p.y));
    if (!beaten) front.add(i);
  });
  return front;
}

export type { CompareJson };

export function compareView(json: CompareJson, request: Record<string, unknown>): CompareView {
  const train = json.workload.kind === 'train';
  const options: OptionRow[] = json.options.map((o) => ({
    rank: o.rank,
    accelerator: o.accelerator,
    vendor: o.vendor,
    system: o.system,
    stack: o.stack ?? '',
    chips: o.chips,
    layout: o.layout,
    cost: o.cost_usd,
    costLow: o.cost_usd_low,
    costHigh: o.cost_usd_high,
    relative: n(o.relative_to_baseline),
    usdPerChipHour: n(o.usd_per_chip_hour),
    usdPerMtok: o.usd_per_mtok,
    tokensPerSPerChip: n(o.tokens_per_s_per_chip),
    tokensPerJoule: n(o.tokens_per_joule),
    energyMwh: n(o.energy_mwh),
    facilityMw: n(o.facility_mw),
    time: train ? n(o.time_days) : n(o.tpot_p99_ms),
    days: n(o.time_days),
    daysLow: n(o.time_days_low),
    daysHigh: n(o.time_days_high),
    mfu: n(o.mfu),
    replicas: n(o.replicas),
    chipsPerReplica: n(o.chips_per_replica),
    ttftP99S: n(o.ttft_p99_s),
    tpotP99Ms: n(o.tpot_p99_ms),
    precision: o.precision_used ?? '',
    offer: o.price?.offer ?? '',
    priceSource: o.price?.source ?? '',
    priceRetrieved: o.price?.retrieved ?? '',
    priceEstimate: o.price?.estimate === true,
    evidenceCases: n(o.interval?.evidence_cases),
    looPct: n(o.interval?.loo_median_abs_error_pct),
    intervalLow: n(o.interval?.low),
    intervalHigh: n(o.interval?.high),
    extrapolations: o.interval?.extrapolations ?? [],
    pareto: false,
  }));
  const withTime = options.map((o, i) => ({ i, x: o.time, y: o.cost })).filter((p) => p.x !== null) as { i: number; x: number; y: number }[];
  for (const k of paretoFront(withTime)) options[withTime[k].i].pareto = true;

  const sensitivity: SensitivityFactor[] = (json.sensitivity ?? []).map((f) => ({
    factor: f.factor,
    description: f.description,
    rankChanges: f.rank_changes,
    swaps: f.swaps ?? [],
    ranges: new Map(f.ranges.map((r) => [r.accelerator, [r.cost_usd_low, r.cost_usd_high] as [number, number]])),
  }));
  const ranges = options.map((o) => {
    let low = o.cost, high = o.cost;
    for (const f of sensitivity) {
      const r = f.ranges.get(o.accelerator);
      if (!r) continue;
      low = Math.min(low, r[0]);
      high = Math.max(high, r[1]);
    }
    return { accelerator: o.accelerator, vendor: o.vendor, low, mid: o.cost, high };
  });
  const baseline = json.baseline?.accelerator ?? '';
  return {
    kind: json.workload.kind,
    model: json.workload.model,
    costUnit: json.cost_unit,
    costAxis: train ? 'USD for the whole run' : 'USD per hour at the load',
    timeAxis: train ? 'days to train' : 'TPOT p99 (ms)',
    basis: json.prices?.basis ?? '',
    region: json.prices?.region ?? '',
    pue: n(json.prices?.pue),
    baseline,
    baselinePriced: json.baseline?.priced === true,
    baselineNote: json.baseline?.note ?? '',
    baselineCost: options.find((o) => o.accelerator === baseline)?.cost ?? null,
    options,
    notCompared: json.not_compared.map((x) => ({ accelerator: x.accelerator, vendor: x.vendor ?? '', reason: x.reason })),
    sensitivity,
    ranges,
    workload: json.workload,
    request,
  };
}

/** Queue a compare job for this request (POST /api/jobs/compare). */
export const submitCompare = (request: Record<string, unknown>): Promise<JobState> => submitJob('compare', request);

// --- an option's layout and breakdown ---------------------------------------------------

/** "tp2 pp1 dp128 cp4 mb4 selective fsdp sp" as the train route's layout fields; null if a word is unknown. */
export function parseLayout(text: string): Record<string, number | string | boolean> | null {
  const out: Record<string, number | string | boolean> = { cp: 1, ep: 1, vpp: 1, recompute: 'none', sharding: 'none', sequence_parallel: false };
  for (const word of text.trim().split(/\s+/)) {
    const m = /^(tp|pp|dp|cp|ep|vpp|mb)(\d+)$/.exec(word);
    if (m) out[m[1] === 'mb' ? 'micro_batch' : m[1]] = Number(m[2]);
    else if (word === 'selective' || word === 'full') out.recompute = word;
    else if (['zero1', 'zero2', 'zero3', 'fsdp'].includes(word)) out.sharding = word;
    else if (word === 'sp') out.sequence_parallel = true;
    else return null;
  }
  return ['tp', 'pp', 'dp', 'micro_batch'].every((k) => k in out) ? out : null;
}

export interface Part {
  part: string;
  value: number;
}

export interface OptionDetail {
  route: 'train' | 'infer';
  request: Record<string, unknown>;
  layout: string;
  chips: number;
  /** training: step time parts (s) and memory parts (GB); serving: memory parts (GB) */
  timeParts: Part[];
  memoryParts: Part[];
  memoryCapacityGb: number | null;
  facts: [string, string][];
  /** where the detail's answer differs from the option's (it should not) */
  mismatch: string | null;
}

interface TrainJson {
  system?: string;
  chips: number;
  train_time_s?: number;
  layouts: { layout: Record<string, unknown>; estimate: { step_time_s: number; tokens_per_s_per_chip: number; mfu: number; fits: boolean; memory_gb: Record<string, number>; time_s: Record<string, number> } }[];
}

interface InferJson {
  estimate: {
    chips: number;
    replicas: number;
    chips_per_replica: number;
    layout: { tp?: number; pp?: number; ep?: number };
    batch?: number;
    max_concurrency?: number;
    meets_slo: boolean;
    binding?: string;
    prefill_bound?: string;
    decode_bound?: string;
    ttft_p99_s: number;
    tpot_p99_ms: number;
    output_tokens_per_s_per_chip: number;
    memory_gb?: Record<string, number>;
  };
}

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);

export async function optionDetail(view: CompareView, o: OptionRow, fmt: { duration: (s: number) => string; num: (x: number) => string; pct: (x: number) => string }): Promise<OptionDetail> {
  const w = view.workload;
  const req = view.request;
  if (view.kind === 'train') {
    const layout = parseLayout(o.layout);
    const request: Record<string, unknown> = {
      model: req.model,
      accelerator: o.system,
      chips: o.chips,
      ...(req.tokens !== undefined ? { tokens: req.tokens } : {}),
      ...(w.seq_len ? { seq_len: w.seq_len } : {}),
      ...(w.global_batch ? { global_batch: w.global_batch } : {}),
      ...(w.precision ? { precision: w.precision } : {}),
      ...(layout ?? {}),
      top: 1,
    };
    const t = await postJson<TrainJson>('api/train', request);
    const best = t.layouts[0];
    const e = best.estimate;
    const mem = e.memory_gb ?? {};
    const days = t.train_time_s !== undefined ? t.train_time_s / 86400 : null;
    let mismatch: string | null = null;
    if (!layout) mismatch = `the layout '${o.layout}' could not be read, so the train route searched its own`;
    else if (days !== null && o.days !== null && relDiff(days, o.days) > 0.005) {
      mismatch = `the train route gives ${fmt.num(days)} days for this layout; the compare gave ${fmt.num(o.days)}`;
    }
    return {
      route: 'train',
      request,
      layout: o.layout,
      chips: t.chips,
      timeParts: Object.entries(e.time_s ?? {}).filter(([, v]) => v > 0).map(([part, value]) => ({ part, value })),
      memoryParts: Object.entries(mem).filter(([k, v]) => !['total', 'capacity'].includes(k) && v > 0).map(([part, value]) => ({ part, value })),
      memoryCapacityGb: mem.capacity ?? null,
      facts: [
        ['system', t.system ?? o.system],
        ['step time', fmt.duration(e.step_time_s)],
        ['tokens/s per chip', fmt.num(e.tokens_per_s_per_chip)],
        ['MFU', fmt.pct(e.mfu)],
        ['memory', mem.total !== undefined && mem.capacity !== undefined ? `${fmt.num(mem.total)} of ${fmt.num(mem.capacity)} GB` : '–'],
        ['time to train', days !== null ? `${fmt.num(days)} days` : '–'],
      ],
      mismatch,
    };
  }
  const request: Record<string, unknown> = {
    model: req.model,
    accelerator: o.system,
    ...Object.fromEntries(['rate', 'input_len', 'output_len', 'ttft_slo', 'tpot_slo', 'precision', 'kv_precision'].filter((k) => req[k] !== undefined).map((k) => [k, req[k]])),
  };
  const r = await postJson<InferJson>('api/infer', request);
  const e = r.estimate;
  let mismatch: string | null = null;
  if (e.chips !== o.chips) mismatch = `the infer route sizes ${e.chips} chips; the compare sized ${o.chips}`;
  const lay = e.layout;
  return {
    route: 'infer',
    request,
    layout: `tp${lay.tp ?? 1}${(lay.pp ?? 1) > 1 ? ` pp${lay.pp}` : ''}${(lay.ep ?? 1) > 1 ? ` ep${lay.ep}` : ''} x ${e.replicas} replicas`,
    chips: e.chips,
    timeParts: [],
    memoryParts: Object.entries(e.memory_gb ?? {}).filter(([, v]) => v > 0).map(([part, value]) => ({ part, value })),
    memoryCapacityGb: null,
    facts: [
      ['chips per replica', String(e.chips_per_replica)],
      ['batch (concurrency cap)', e.batch !== undefined ? String(e.batch) : '–'],
      ['TTFT p99', fmt.duration(e.ttft_p99_s)],
      ['TPOT p99', `${fmt.num(e.tpot_p99_ms)} ms`],
      ['output tokens/s per chip', fmt.num(e.output_tokens_per_s_per_chip)],
      ['meets the SLOs', e.meets_slo ? 'yes' : `no${e.binding ? ` (${e.binding})` : ''}`],
      ['bound by', `prefill: ${e.prefill_bound ?? '–'}, decode: ${e.decode_bound ?? '–'}`],
    ],
    mismatch,
  };
}
