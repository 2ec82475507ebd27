// Validation against a published run: Llama 3 405B on 16,384 H100 for 54
// days (Dubey et al. 2024, arXiv 2407.21783, sec. 3.3.4): 466 interruptions
// and more than 90% effective training time. Inputs: examples/llama3-405b-*.yaml
// (which say what is published and what is assumed).
#include <gtest/gtest.h>

#include <cmath>

#include "ingest/risks_io.h"
#include "ingest/sim_input_io.h"
#include "sim/simulate.h"

namespace xpu {
namespace {

TEST(Llama3, InterruptionsAndEffectiveTrainingTimeMatchThePaper) {
  const std::string dir = std::string(XPUPLAN_TEST_DIR) + "/../examples/";
  const SimInput in = load_sim_input(dir + "llama3-405b-scenario.yaml");
  const Risks risks = load_risks(dir + "llama3-405b-risks.yaml", in);
  const auto r = simulate(in, risks, {.replicas = 400, .seed = 2024, .threads = 2});
  ASSERT_TRUE(r.has_value());
  const RunSummary& run = r->policies[0].runs[0];
  // The count is consistent with 466 within sampling error (4 standard errors of the mean) ...
  EXPECT_NEAR(run.interruptions.mean, 466.0, 4 * run.interruptions.se);
  // ... and one run's count spreads as a Poisson count would (sd = sqrt(466) = 21.6).
  const double sd = run.interruptions.se * std::sqrt(400.0);
  EXPECT_GT(sd, 0.8 * std::sqrt(466.0));
  EXPECT_LT(sd, 1.2 * std::sqrt(466.0));
  // The paper: "higher than 90%" effective training time.
  EXPECT_GT(run.effective_training_time.mean - 2 * run.effective_training_time.se, 0.90);
  EXPECT_LT(run.effective_training_time.mean, 1.0);
  std::printf(
      "Llama 3 405B, 54 days, 400 replicas: interruptions %.1f +/- %.1f (published 466); effective "
      "training time %.2f%% +/- %.2f%% (published > 90%%)\n",
      run.interruptions.mean, run.interruptions.se, 100 * run.effective_training_time.mean,
      100 * run.effective_training_time.se);
}

}  // namespace
}  // namespace xpu
