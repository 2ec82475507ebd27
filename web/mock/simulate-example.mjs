// The mock server's simulate result: web/fixtures/simulate.json, what the real
// `xpuplan simulate --json` printed for the example portfolio and a saved plan
// of it under examples/risks.yaml, every policy on the same draws (200
// replicas, seed 1; the command is in web/fixtures/index.json).
// web/fixtures/regenerate.sh [BINARY] rebuilds it with the other fixtures. The mock does not simulate: it answers that one result whatever the
// request's replicas, seed, risks or plan, keeping only the policies asked for
// (in the order asked). A policy's figures do not depend on the others run
// beside it, so the subset is what the CLI prints for those policies alone.

/**
 * @param {any} fixture  the simulate fixture ({input, outcome, plan, simulation})
 * @param {{policy?: string[]}} request
 */
export function simulateExample(fixture, request = {}) {
  const asked = request.policy?.length ? request.policy : ['static']; // the CLI's default
  const byName = new Map(fixture.simulation.policies.map((p) => [p.policy, p]));
  return {
    ...fixture,
    simulation: { ...fixture.simulation, policies: asked.filter((p) => byName.has(p)).map((p) => byName.get(p)) },
  };
}
