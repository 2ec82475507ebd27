// Simulate view adapter: POST /api/jobs/simulate (proposed in the contract;
// the simulator does not exist yet) and its SimulateResult as fan-chart bands.
// All JSON field names of the simulate result live here.
import { health } from './health';
import { submitJob, type JobState } from './jobs';
import { monthLabel } from './plan';

export const POLICIES: { name: string; text: string }[] = [
  { name: 'static', text: 'the plan as bought; lost capacity is not replaced' },
  { name: 'replan', text: 're-solve the planner for the remaining horizon at each shock' },
  { name: 'failover', text: 'on loss, the cheapest launchable on-demand offer (SkyPilot-like)' },
  { name: 'ordered', text: 'fixed preference: reserved, then on-demand, then spot (Kueue-like)' },
];

export interface SimulateForm {
  replicas: string;
  seed: string;
  policies: string[];
}

export const DEFAULT_SIMULATE: SimulateForm = { replicas: '1000', seed: '1', policies: ['static', 'replan', 'failover'] };

/** Whether this server runs simulate jobs (GET /api/health lists the job kinds). */
export async function simulateAvailable(): Promise<boolean> {
  return (await health()).jobKinds.includes('simulate');
}

export function simulateRequest(portfolio: string, f: SimulateForm): Record<string, unknown> {
  const whole = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : s.trim());
  return { portfolio, replicas: whole(f.replicas), seed: whole(f.seed), policy: f.policies };
}

export function submitSimulate(portfolio: string, f: SimulateForm): Promise<JobState> {
  return submitJob('simulate', simulateRequest(portfolio, f));
}

interface Quantiles {
  p10: number;
  p50: number;
  p90: number;
  mean?: number;
  stderr?: number;
}

interface SimulateJson {
  portfolio: string;
  horizon: { start: string; months: number };
  replicas: number;
  seed: number;
  plan_cost_usd?: number;
  notes?: string[];
  policies: {
    name: string;
    description?: string;
    cost_usd: Quantiles;
    cumulative_cost_usd: { p10: number[]; p50: number[]; p90: number[] };
    runs: { workload: string; deadline: string; miss_probability: number; miss_stderr?: number; finish_probability: number[]; unfinished_probability?: number }[];
    services?: { workload: string; slo_violation_hours?: Quantiles }[];
  }[];
}

export interface FanPoint {
  policy: string;
  month: string;
  p10: number;
  p50: number;
  p90: number;
}

export interface SimulateView {
  portfolio: string;
  months: string[];
  replicas: number;
  seed: number;
  planCost: number | null;
  notes: string[];
  policies: { name: string; description: string; p10: number; p50: number; p90: number; stderr: number | null }[];
  fan: FanPoint[];
  misses: { policy: string; workload: string; deadline: string; probability: number; stderr: number | null }[];
  finish: { policy: string; workload: string; month: string; probability: number }[];
  services: { policy: string; workload: string; p50: number | null; p90: number | null }[];
}

export function simulateView(json: SimulateJson): SimulateView {
  const months = Array.from({ length: json.horizon.months }, (_, i) => monthLabel(json.horizon.start, i));
  const fan: FanPoint[] = [];
  const misses: SimulateView['misses'] = [];
  const finish: SimulateView['finish'] = [];
  const services: SimulateView['services'] = [];
  for (const p of json.policies) {
    months.forEach((month, i) =>
      fan.push({ policy: p.name, month, p10: p.cumulative_cost_usd.p10[i], p50: p.cumulative_cost_usd.p50[i], p90: p.cumulative_cost_usd.p90[i] }),
    );
    for (const r of p.runs) {
      misses.push({ policy: p.name, workload: r.workload, deadline: r.deadline, probability: r.miss_probability, stderr: r.miss_stderr ?? null });
      months.forEach((month, i) => finish.push({ policy: p.name, workload: r.workload, month, probability: r.finish_probability[i] ?? 0 }));
      if (r.unfinished_probability) finish.push({ policy: p.name, workload: r.workload, month: 'later', probability: r.unfinished_probability });
    }
    for (const s of p.services ?? []) services.push({ policy: p.name, workload: s.workload, p50: s.slo_violation_hours?.p50 ?? null, p90: s.slo_violation_hours?.p90 ?? null });
  }
  return {
    portfolio: json.portfolio,
    months,
    replicas: json.replicas,
    seed: json.seed,
    planCost: json.plan_cost_usd ?? null,
    notes: json.notes ?? [],
    policies: json.policies.map((p) => ({ name: p.name, description: p.description ?? '', p10: p.cost_usd.p10, p50: p.cost_usd.p50, p90: p.cost_usd.p90, stderr: p.cost_usd.stderr ?? null })),
    fan,
    misses,
    finish,
    services,
  };
}

export type { SimulateJson };
