// Plan view adapter: POST /api/jobs/plan (the portfolio as YAML), the
// PlanResult as chart series and tables, and GET /api/jobs/{id}/export/{fmt}.
// All JSON field names of the plan live here.
import { getJson } from './http';
import { submitJob, type JobState } from './jobs';

export interface PlanOptions {
  timeLimit: string;
  gap: string;
  noBaselines: boolean;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { timeLimit: '60', gap: '0.0001', noBaselines: false };

/** The request body (PlanRequest): the portfolio text as typed, the CLI's flags in snake_case. */
export function planRequest(portfolio: string, o: PlanOptions): Record<string, unknown> {
  const b: Record<string, unknown> = { portfolio };
  const num = (s: string) => (/^\s*[\d.eE+-]+\s*$/.test(s) && Number.isFinite(Number(s)) ? Number(s) : s.trim());
  if (o.timeLimit.trim()) b.time_limit = num(o.timeLimit);
  if (o.gap.trim()) b.gap = num(o.gap);
  if (o.noBaselines) b.no_baselines = true;
  return b;
}

/** Queue the plan; a bad portfolio throws an ApiError whose diagnostics carry line and column. */
export function submitPlan(portfolio: string, o: PlanOptions): Promise<JobState> {
  return submitJob('plan', planRequest(portfolio, o));
}

interface CheckerJson {
  ok: boolean;
  verdict: string;
  cost?: number;
  more?: number;
  violations?: { rule: string; message: string; amount?: number }[];
}

interface PlanJson {
  status: string;
  portfolio: string;
  objective?: string;
  horizon: { start: string; months: number };
  solver?: { objective?: number; best_bound?: number; gap?: number; nodes?: number; rows?: number; variables?: number; integers?: number };
  checker: CheckerJson;
  summary?: {
    cost?: {
      total: number;
      by_month?: number[];
      by_term?: Record<string, number>;
      by_vendor?: Record<string, number>;
      by_provider?: Record<string, number>;
      porting?: number;
      after_horizon?: number;
      by_term_month?: Record<string, number[]>;
    };
    chips_by_vendor?: Record<string, number[]>;
    vendor_share?: Record<string, number[]>;
    power_mw?: Record<string, number[]>;
    sites?: { name: string; power_mw: number }[];
    offers?: { offer: string; accelerator: string; vendor: string; provider: string; term: string; site?: string; price_per_chip_hour: number; provisioned: number[]; used: number[] }[];
    workloads?: { name: string; kind: string; model?: string; earliest?: string; deadline?: string; finish?: string; on_time?: boolean; lateness_months?: number; progress?: number[]; demand_rps?: number[]; served?: number[]; chips?: Record<string, number[]> }[];
  };
  binding?: { group: string; entity?: string; what?: string; message: string; months?: string; unit?: string; value?: number; resolve_change?: string; resolve_saving?: number | null }[];
  baselines?: { name: string; description?: string; found: boolean; cost?: number; saving?: number; saving_pct?: number; note?: string; checker?: CheckerJson }[];
}

export interface MonthValue {
  month: string;
  series: string;
  value: number;
}

export interface PlanView {
  status: string;
  portfolio: string;
  objective: string;
  months: string[];
  total: number | null;
  afterHorizon: number;
  porting: number;
  solver: { gap: number | null; nodes: number | null; variables: number | null; rows: number | null; integers: number | null; bestBound: number | null };
  checker: { ok: boolean; verdict: string; violations: { rule: string; message: string; amount: number | null }[]; more: number };
  chipsByVendor: MonthValue[];
  vendors: string[];
  costByTermMonth: MonthValue[];
  /** where the monthly split by term comes from: the plan JSON, or derived here from its offers */
  costByTermSource: 'plan' | 'derived' | 'none';
  /** set when the derived split does not add up to the plan's cost by month */
  costByTermWarning: string | null;
  costByTerm: { term: string; usd: number }[];
  costByMonth: number[];
  powerBySite: MonthValue[];
  siteBudgets: { site: string; mw: number }[];
  baselines: { name: string; description: string; found: boolean; cost: number | null; saving: number | null; savingPct: number | null; ok: boolean | null; verdict: string; note: string }[];
  binding: { group: string; what: string; message: string; months: string; unit: string; value: number | null; resolveChange: string; resolveSaving: number | null }[];
  workloads: { name: string; kind: string; model: string; window: string; finish: string; onTime: boolean | null }[];
}

/** "2027-01" plus i months. */
export function monthLabel(start: string, i: number): string {
  const [y, m] = start.split('-').map(Number);
  const k = y * 12 + (m - 1) + i;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

/** Hours in a calendar month "YYYY-MM" (docs/portfolio.md: January 744, February 672 or 696). */
export function hoursIn(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate() * 24;
}

function series(months: string[], byName: Record<string, number[]> | undefined): MonthValue[] {
  const out: MonthValue[] = [];
  for (const [name, values] of Object.entries(byName ?? {})) {
    months.forEach((month, i) => out.push({ month, series: name, value: values[i] ?? 0 }));
  }
  return out;
}

export function planView(json: PlanJson): PlanView {
  const months = Array.from({ length: json.horizon.months }, (_, i) => monthLabel(json.horizon.start, i));
  const s = json.summary ?? {};
  const cost = s.cost;
  const byMonth = cost?.by_month ?? [];

  // Cost by term per month: the plan's own when it gives it (proposed field);
  // otherwise each offer's provisioned chips x its price x the month's hours,
  // checked against the plan's cost by month.
  let costByTermMonth: MonthValue[] = [];
  let costByTermSource: PlanView['costByTermSource'] = 'none';
  let costByTermWarning: string | null = null;
  if (cost?.by_term_month) {
    costByTermMonth = series(months, cost.by_term_month);
    costByTermSource = 'plan';
  } else if (s.offers?.length) {
    const acc = new Map<string, number[]>();
    for (const o of s.offers) {
      const row = acc.get(o.term) ?? new Array(months.length).fill(0);
      months.forEach((m, i) => (row[i] += (o.provisioned[i] ?? 0) * o.price_per_chip_hour * hoursIn(m)));
      acc.set(o.term, row);
    }
    costByTermMonth = series(months, Object.fromEntries(acc));
    costByTermSource = 'derived';
    const worst = months.reduce((w, _m, i) => {
      const sum = [...acc.values()].reduce((t, r) => t + r[i], 0);
      const ref = byMonth[i] ?? 0;
      return Math.max(w, Math.abs(sum - ref) / Math.max(Math.abs(ref), 1));
    }, 0);
    if (worst > 0.001) costByTermWarning = `the split by term, derived from the offers, differs from the plan's cost by month by up to ${(worst * 100).toFixed(1)}%`;
  }

  const checkerOf = (c: CheckerJson | undefined) => ({
    ok: c?.ok ?? false,
    verdict: c?.verdict ?? '',
    violations: (c?.violations ?? []).map((v) => ({ rule: v.rule, message: v.message, amount: v.amount ?? null })),
    more: c?.more ?? 0,
  });
  const vendors = Object.keys(s.chips_by_vendor ?? {});

  return {
    status: json.status,
    portfolio: json.portfolio,
    objective: json.objective ?? 'cost',
    months,
    total: cost?.total ?? null,
    afterHorizon: cost?.after_horizon ?? 0,
    porting: cost?.porting ?? 0,
    solver: {
      gap: json.solver?.gap ?? null,
      nodes: json.solver?.nodes ?? null,
      variables: json.solver?.variables ?? null,
      rows: json.solver?.rows ?? null,
      integers: json.solver?.integers ?? null,
      bestBound: json.solver?.best_bound ?? null,
    },
    checker: checkerOf(json.checker),
    chipsByVendor: series(months, s.chips_by_vendor),
    vendors,
    costByTermMonth,
    costByTermSource,
    costByTermWarning,
    costByTerm: Object.entries(cost?.by_term ?? {}).map(([term, usd]) => ({ term, usd })),
    costByMonth: byMonth,
    powerBySite: series(months, s.power_mw),
    siteBudgets: (s.sites ?? []).map((x) => ({ site: x.name, mw: x.power_mw })),
    baselines: (json.baselines ?? []).map((b) => ({
      name: b.name,
      description: b.description ?? '',
      found: b.found,
      cost: b.cost ?? null,
      saving: b.saving ?? null,
      savingPct: b.saving_pct ?? null,
      ok: b.checker ? b.checker.ok : null,
      verdict: b.checker?.verdict ?? '',
      note: b.note ?? '',
    })),
    binding: (json.binding ?? []).map((b) => ({
      group: b.group,
      what: b.what ?? b.entity ?? '',
      message: b.message,
      months: b.months ?? '',
      unit: b.unit ?? '',
      value: b.value ?? null,
      resolveChange: b.resolve_change ?? '',
      resolveSaving: b.resolve_saving ?? null,
    })),
    workloads: (s.workloads ?? []).map((w) => ({
      name: w.name,
      kind: w.kind,
      model: w.model ?? '',
      window: w.kind === 'training' ? `${w.earliest ?? ''} – ${w.deadline ?? ''}` : 'every month',
      finish: w.finish ?? '',
      onTime: w.on_time ?? null,
    })),
  };
}

export type ExportFormat = 'kueue' | 'slurm' | 'skypilot';

/** The manifests of a finished plan job: file path -> text. */
export async function loadExport(jobId: string, format: ExportFormat): Promise<Record<string, string>> {
  const j = await getJson<{ format: string; files: Record<string, string> }>(`api/jobs/${encodeURIComponent(jobId)}/export/${format}`);
  return j.files;
}

export type { PlanJson };
