// An example of the proposed simulate result (docs/api/openapi.json,
// SimulateResult) for the mock server. There is no simulator yet: these numbers
// are SYNTHETIC, made from the plan fixture's cost by month with fixed spreads,
// only so that the dashboard's Simulate view has the proposed shape to draw.
// The result says so in `notes`, and the dashboard shows the notes.

const DESCRIPTIONS = {
  static: 'the plan as bought; lost capacity is not replaced',
  replan: 're-solve the planner for the remaining horizon at each shock',
  failover: 'on loss, the cheapest launchable on-demand offer with capacity',
  ordered: 'fixed preference: reserved, then on-demand, then spot',
};

// Spread and drift per policy: a made-up ordering (static drifts most, replan least).
const SHAPE = {
  static: { drift: 0.0, spread: 0.05, miss: 0.3 },
  replan: { drift: 0.02, spread: 0.025, miss: 0.08 },
  failover: { drift: 0.05, spread: 0.035, miss: 0.12 },
  ordered: { drift: 0.04, spread: 0.04, miss: 0.16 },
};

const monthIndex = (start, ym) => {
  const [y0, m0] = start.split('-').map(Number);
  const [y, m] = ym.split('-').map(Number);
  return (y - y0) * 12 + (m - m0);
};

const round = (x, digits = 6) => Number(x.toPrecision(digits));

/**
 * @param {any} plan      a PlanResult (the plan fixture)
 * @param {{policy?: string[], replicas?: number, seed?: number}} request
 */
export function simulateExample(plan, request = {}) {
  const months = plan.horizon.months;
  const byMonth = plan.summary.cost.by_month;
  const policies = (request.policy?.length ? request.policy : ['static', 'replan', 'failover']).filter((p) => p in SHAPE);
  const runs = plan.summary.workloads.filter((w) => w.kind === 'training');
  const services = plan.summary.workloads.filter((w) => w.kind === 'inference');
  return {
    portfolio: plan.portfolio,
    horizon: plan.horizon,
    replicas: request.replicas ?? 1000,
    seed: request.seed ?? 1,
    plan_cost_usd: plan.summary.cost.total,
    notes: [
      'SYNTHETIC: made by the mock server from the plan fixture with fixed spreads per policy; there is no simulator yet. It shows the proposed result shape, not a simulation.',
    ],
    policies: policies.map((name) => {
      const s = SHAPE[name];
      let cum = 0;
      const p10 = [], p50 = [], p90 = [];
      for (let m = 0; m < months; m++) {
        cum += byMonth[m] ?? 0;
        const mid = cum * (1 + s.drift * (m + 1) / months);
        const w = s.spread * Math.sqrt(m + 1);
        p10.push(round(mid * (1 - w)));
        p50.push(round(mid));
        p90.push(round(mid * (1 + 1.4 * w)));
      }
      const total = p50[months - 1];
      return {
        name,
        description: DESCRIPTIONS[name],
        cost_usd: {
          p10: p10[months - 1], p50: total, p90: p90[months - 1],
          mean: round(total * (1 + s.spread / 2)), stderr: round(total * s.spread / Math.sqrt(request.replicas ?? 1000)),
        },
        cumulative_cost_usd: { p10, p50, p90 },
        runs: runs.map((w, i) => {
          const due = monthIndex(plan.horizon.start, w.deadline);
          const miss = Math.min(0.95, s.miss * (1 + 0.4 * i) / 2);
          const finish = new Array(months).fill(0);
          // Finish at the deadline or within two months after it, most at the deadline.
          const onTime = 1 - miss;
          if (due - 1 >= 0) finish[due - 1] = round(onTime * 0.3);
          finish[due] = round(onTime * 0.7);
          let unfinished = 0;
          [0.6, 0.3, 0.1].forEach((share, k) => {
            const m = due + 1 + k;
            if (m < months) finish[m] = round(finish[m] + miss * share);
            else unfinished += miss * share;
          });
          return {
            workload: w.name,
            deadline: w.deadline,
            miss_probability: round(miss, 4),
            miss_stderr: round(Math.sqrt(miss * (1 - miss) / (request.replicas ?? 1000)), 3),
            finish_probability: finish,
            unfinished_probability: round(unfinished, 4),
            delay_months: { p10: 0, p50: 0, p90: round(miss > 0.1 ? 1 : 0.4, 3) },
          };
        }),
        services: services.map((w, i) => ({
          workload: w.name,
          slo_violation_hours: { p10: 0, p50: round(4 * s.miss * (i + 1), 3), p90: round(30 * s.miss * (i + 1), 3) },
        })),
      };
    }),
  };
}
