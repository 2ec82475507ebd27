// Simulate view adapter: POST /api/jobs/simulate, whose result is what
// `xpuplan simulate ... --json` prints (src/report/simulate_report.cpp,
// src/sim/render.cpp): {input, outcome, plan, note?, simulation?}. Read here as
// fan-chart bands of cost and run progress, deadline risks and finish months.
// All JSON field names of the simulate request and result live here.
import { health } from './health';
import { submitJob, type JobState } from './jobs';

export const POLICIES: { name: string; text: string }[] = [
  { name: 'static', text: 'the plan as bought; lost capacity is not replaced' },
  { name: 'failover', text: 'SkyPilot-like: on a loss, the cheapest launchable on-demand pool with room' },
  { name: 'ordered', text: 'Kueue-like fixed preference: idle reserved chips, then on-demand, then spot' },
  { name: 'replan', text: 're-solves the planner for the remaining horizon at each loss (slow: a solve per loss)' },
];

export interface SimulateForm {
  replicas: string;
  seed: string;
  policies: string[];
  /** A risks document (YAML text, docs/simulate.md); empty: the portfolio's risks: section, else none. */
  risks: string;
}

export const DEFAULT_SIMULATE: Omit<SimulateForm, 'risks'> = { replicas: '200', seed: '1', policies: ['static', 'failover', 'ordered'] };

/** A finished plan and the portfolio text it was made for: sent inline so the job does not plan again. */
export interface SavedPlan {
  portfolio: string;
  result: unknown;
}

/** Whether this server runs simulate jobs (GET /api/health lists the job kinds). */
export async function simulateAvailable(): Promise<boolean> {
  return (await health()).jobKinds.includes('simulate');
}

/** The job's fields are the CLI's flags in snake_case; documents (portfolio, plan, risks) go as their text. */
export function simulateRequest(portfolio: string, f: SimulateForm, plan: SavedPlan | null): Record<string, unknown> {
  const whole = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : s.trim());
  const q: Record<string, unknown> = { portfolio, replicas: whole(f.replicas), seed: f.seed.trim(), policy: f.policies };
  if (f.risks.trim()) q.risks = f.risks;
  if (plan && plan.portfolio === portfolio) q.plan = JSON.stringify(plan.result);
  return q;
}

export function submitSimulate(portfolio: string, f: SimulateForm, plan: SavedPlan | null): Promise<JobState> {
  return submitJob('simulate', simulateRequest(portfolio, f, plan));
}

interface Spread {
  p10: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

interface MeanSe {
  mean: number | null;
  se: number | null;
}

interface SimulateJson {
  input: { start: string; months: number; pools: number; runs: number; services: number };
  outcome: 'answered' | 'no plan';
  plan?: { portfolio: string; status: string; cost?: number; checker?: { verdict: string } };
  note?: string;
  simulation?: {
    replicas: number;
    seed: number;
    months: string[];
    plan_cost: number | null;
    policies: {
      policy: string;
      cost: Spread;
      cost_mean: MeanSe;
      cost_vs_plan: number | null;
      cost_by_month: Spread[];
      runs: {
        name: string;
        deadline: string;
        planned_finish: string;
        finish_month_p: number[]; // one per month, then "after the horizon"
        p_miss_deadline: MeanSe;
        plan_finishes?: boolean; // false: the plan itself does not finish the run, so there is no delay to measure
        delay_days: Spread;
        delay_censored_days?: number; // an unfinished replica counts this: a percentile equal to it is a lower bound
        progress_by_month: Spread[];
        planned_progress: number[];
      }[];
      services: { name: string; slo_violation_hours: MeanSe; slo_violation_hours_spread: Spread }[];
      breaches: MeanSe;
    }[];
  };
}

export interface FanPoint {
  policy: string;
  month: string;
  p10: number;
  p50: number;
  p90: number;
}

export interface ProgressPoint extends FanPoint {
  run: string;
  planned: number;
}

export const LATER = 'after the horizon';

export interface SimulateView {
  portfolio: string;
  planStatus: string;
  months: string[];
  replicas: number;
  seed: number;
  planCost: number | null;
  notes: string[];
  policies: { name: string; p10: number; p50: number; p90: number; mean: number | null; se: number | null; vsPlan: number | null; breaches: number | null }[];
  fan: FanPoint[];
  progress: ProgressPoint[];
  misses: { policy: string; workload: string; deadline: string; plannedFinish: string; probability: number; stderr: number | null; delayP50: number | null; delayP90: number | null; censoredAt: number | null }[];
  finish: { policy: string; workload: string; month: string; probability: number }[];
  services: { policy: string; workload: string; mean: number | null; p50: number | null; p90: number | null }[];
}

const n = (x: number | null | undefined) => x ?? 0;

/** The view of an answered simulation, or null with `notes` when there was no plan to simulate. */
export function simulateView(json: SimulateJson): SimulateView {
  const sim = json.simulation;
  const notes = json.note ? [json.note] : [];
  const months = sim?.months ?? [];
  const fan: FanPoint[] = [];
  const progress: ProgressPoint[] = [];
  const misses: SimulateView['misses'] = [];
  const finish: SimulateView['finish'] = [];
  const services: SimulateView['services'] = [];
  for (const p of sim?.policies ?? []) {
    months.forEach((month, i) => {
      const s = p.cost_by_month[i];
      fan.push({ policy: p.policy, month, p10: n(s?.p10), p50: n(s?.p50), p90: n(s?.p90) });
    });
    for (const r of p.runs) {
      misses.push({
        policy: p.policy, workload: r.name, deadline: r.deadline, plannedFinish: r.planned_finish,
        probability: n(r.p_miss_deadline.mean), stderr: r.p_miss_deadline.se, delayP50: r.plan_finishes === false ? null : r.delay_days.p50, delayP90: r.plan_finishes === false ? null : r.delay_days.p90,
        censoredAt: r.finish_month_p[r.finish_month_p.length - 1] > 0 ? (r.delay_censored_days ?? null) : null,
      });
      months.forEach((month, i) => {
        const s = r.progress_by_month[i];
        progress.push({ policy: p.policy, run: r.name, month, p10: n(s?.p10), p50: n(s?.p50), p90: n(s?.p90), planned: n(r.planned_progress[i]) });
      });
      [...months, LATER].forEach((month, i) => finish.push({ policy: p.policy, workload: r.name, month, probability: r.finish_month_p[i] ?? 0 }));
    }
    for (const s of p.services) services.push({ policy: p.policy, workload: s.name, mean: s.slo_violation_hours.mean, p50: s.slo_violation_hours_spread.p50, p90: s.slo_violation_hours_spread.p90 });
  }
  return {
    portfolio: json.plan?.portfolio ?? '',
    planStatus: json.plan?.status ?? '',
    months,
    replicas: sim?.replicas ?? 0,
    seed: sim?.seed ?? 0,
    planCost: sim?.plan_cost ?? null,
    notes,
    policies: (sim?.policies ?? []).map((p) => ({
      name: p.policy, p10: n(p.cost.p10), p50: n(p.cost.p50), p90: n(p.cost.p90),
      mean: p.cost_mean.mean, se: p.cost_mean.se, vsPlan: p.cost_vs_plan, breaches: p.breaches.mean,
    })),
    fan,
    progress,
    misses,
    finish,
    services,
  };
}

export type { SimulateJson };
