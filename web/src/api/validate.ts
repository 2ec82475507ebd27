// Validate view adapter: POST /api/validate (empty body: the shipped cases;
// a cases CSV as text/csv) and the result as rows for the scatter and table.
// The vendor of each case comes from the catalog (the validate JSON names the
// accelerator only). All JSON field names of validate live here.
import { postJson } from './http';
import { vendorsByKey } from './catalog';

interface Stats {
  count: number;
  mean_abs_error_pct?: number;
  median_abs_error_pct: number;
  median_signed_error_pct?: number;
}

interface ValidateJson {
  cases: {
    id: string;
    accelerator: string;
    stack?: string;
    mode: string;
    metric: string;
    measured: number;
    predicted: number | null;
    error_pct: number | null;
    status: string;
    reason?: string;
  }[];
  summary: {
    overall: Stats;
    by_mode?: Record<string, Stats>;
    by_vendor?: Record<string, Stats>;
    by_metric?: Record<string, Stats>;
    skipped?: number;
  };
}

/** The unit each metric is measured in (the metric names of data/validation/CASES.md). */
const METRIC_UNITS: Record<string, string> = {
  train_tokens_per_s_per_chip: 'tokens/s per chip',
  model_tflops_per_chip: 'TFLOP/s per chip',
  mfu: 'fraction of peak',
  step_time_s: 's',
  time_to_train_min: 'min',
  infer_output_tokens_per_s: 'output tokens/s',
  tpot_ms: 'ms',
  ttft_ms: 'ms',
  e2e_latency_s: 's',
};

export function metricUnit(metric: string): string {
  if (metric in METRIC_UNITS) return METRIC_UNITS[metric];
  const m = /_(s|ms|min|h)$/.exec(metric);
  return m ? m[1] : 'the metric’s unit';
}

export interface CaseRow {
  id: string;
  accelerator: string;
  vendor: string;
  stack: string;
  mode: string;
  metric: string;
  unit: string;
  measured: number;
  predicted: number | null;
  errorPct: number | null;
  status: string;
  reason: string;
}

export interface StatRow {
  group: string;
  count: number;
  medianAbsPct: number;
  meanAbsPct: number | null;
  medianSignedPct: number | null;
}

export interface ValidateView {
  cases: CaseRow[];
  overall: StatRow;
  byMode: StatRow[];
  byVendor: StatRow[];
  skipped: number;
}

const stats = (group: string, s: Stats): StatRow => ({
  group,
  count: s.count,
  medianAbsPct: s.median_abs_error_pct,
  meanAbsPct: s.mean_abs_error_pct ?? null,
  medianSignedPct: s.median_signed_error_pct ?? null,
});

export function validateView(json: ValidateJson, vendors: Map<string, string>): ValidateView {
  return {
    cases: json.cases.map((c) => ({
      id: c.id,
      accelerator: c.accelerator,
      vendor: vendors.get(c.accelerator) ?? 'unknown',
      stack: c.stack ?? '',
      mode: c.mode,
      metric: c.metric,
      unit: metricUnit(c.metric),
      measured: c.measured,
      predicted: c.predicted,
      errorPct: c.error_pct,
      status: c.status,
      reason: c.reason ?? '',
    })),
    overall: stats('all', json.summary.overall),
    byMode: Object.entries(json.summary.by_mode ?? {}).map(([k, s]) => stats(k, s)),
    byVendor: Object.entries(json.summary.by_vendor ?? {}).map(([k, s]) => stats(k, s)),
    skipped: json.summary.skipped ?? 0,
  };
}

/** Validate the shipped cases, or a cases CSV given as text. */
export async function runValidate(casesCsv?: string): Promise<ValidateView> {
  // An empty body means the shipped cases.
  const request = casesCsv ? postJson<ValidateJson>('api/validate', casesCsv, { contentType: 'text/csv' }) : postJson<ValidateJson>('api/validate', undefined);
  const [json, vendors] = await Promise.all([request, vendorsByKey()]);
  return validateView(json, vendors);
}
