// compare on a data set written here: ranking by cost, what is left out and
// why, the system an offer rents, and fewer chips when a count has no layout.
#include "analysis/compare.h"

#include <gtest/gtest.h>

#include "perf/test_fixtures.h"

namespace xpu {
namespace {

Accelerator chip(const std::string& key, double tflops) {
  Accelerator a;
  a.key = key;
  a.name = key;
  a.vendor = Vendor::nvidia;
  a.runtime = Runtime::cuda;
  a.peak[static_cast<int>(Precision::bf16)] = teraflop_per_second(tflops);
  a.hbm_capacity = gigabytes(80);
  a.hbm_bandwidth = terabytes_per_second(3);
  a.scale_up = {"switch", gigabytes_per_second(450), TopologyKind::switched, 8, {}, microseconds(3)};
  a.scale_out = {"nic", gigabytes_per_second(50), microseconds(5)};
  a.power.tdp = watts(700);
  return a;
}

System node(const std::string& key, const std::string& accelerator, const std::string& instance) {
  System s;
  s.key = key;
  s.accelerator = accelerator;
  s.chips = 8;
  s.chips_per_host = 8;
  s.scale_up_domain = 8;
  s.instances = {{"cloud", instance}};
  return s;
}

Offer offer(const std::string& instance, const std::string& accelerator, int chips, double per_chip_hour) {
  Offer o;
  o.provider = "cloud";
  o.region = "r1";
  o.instance = instance;
  o.accelerator = accelerator;
  o.chips = chips;
  o.price = dollars_per_hour(per_chip_hour * chips);
  o.provenance = {"a test price", "2026-11-26", false, ""};
  return o;
}

// fast: twice the FLOPs at 3x the price; slow: the baseline; bare: no price;
// part: only an offer for part of a system the catalog does not describe.
DataSet fixture() {
  DataSet d;
  d.catalog.accelerators = {chip("bare", 989), chip("fast", 1978), chip("part", 989), chip("slow", 989)};
  d.catalog.systems = {node("bare-8", "bare", "bare8"), node("fast-8", "fast", "fast8"),
                       node("part-8", "part", "part8"), node("slow-8", "slow", "slow8")};
  StackEfficiency train = testing::test_stack(), serve = testing::test_stack();
  train.key = "train-cuda";
  train.is_default = true;
  serve.key = "serve-cuda";
  serve.mode = Mode::infer;
  serve.is_default = true;
  d.catalog.stacks = {serve, train};
  d.prices.offers = {offer("fast8", "fast", 8, 6.0), offer("part2", "part", 2, 1.0), offer("slow8", "slow", 8, 2.0)};
  sort_price_book(d.prices);
  return d;
}

CompareQuery training(int chips) {
  CompareQuery q;
  q.mode = Mode::train;
  q.model = testing::llama(32, 4096, 32, 8, 14336);
  q.model.key = "llama-8b";
  q.training.seq_len = 4096;
  q.training.global_batch = 512;
  q.training.tokens = 1e12;
  q.chips = chips;
  q.baseline = "slow";
  return q;
}

TEST(Compare, RanksByCostAndSaysWhatIsLeftOutAndWhy) {
  const DataSet d = fixture();
  const CompareResult r = run_compare(d, training(64));
  ASSERT_EQ(r.options.size(), 2u);
  // Twice the speed at three times the price: the slow chip is cheaper for the same work.
  EXPECT_EQ(r.options[0].accelerator, "slow");
  EXPECT_EQ(r.options[0].rank, 1);
  EXPECT_EQ(r.options[1].accelerator, "fast");
  EXPECT_LT(r.options[0].cost.total, r.options[1].cost.total);
  EXPECT_LT(r.options[1].time, r.options[0].time);
  ASSERT_TRUE(r.baseline.has_value());
  EXPECT_DOUBLE_EQ(*r.options[0].relative, 1.0);
  EXPECT_NEAR(*r.options[1].relative, r.options[0].cost.total / r.options[1].cost.total, 1e-12);
  EXPECT_EQ(r.options[0].system, "slow-8");  // the system its offer rents
  ASSERT_EQ(r.not_compared.size(), 2u);
  EXPECT_EQ(r.not_compared[0].accelerator, "bare");
  EXPECT_EQ(r.not_compared[0].reason, "no price in the price book (data/prices/README.md says why)");
  EXPECT_EQ(r.not_compared[1].accelerator, "part");
  EXPECT_EQ(r.not_compared[1].reason,
            "its on-demand offers rent part of a system only, e.g. part2 (2 chips), which the catalog has no "
            "system for");
}

TEST(Compare, AChipCountWithNoLayoutUsesTheLargestCountBelowThatHasOne) {
  const DataSet d = fixture();
  CompareQuery q = training(8 * 641);
  q.accelerators = {"slow"};
  const CompareResult r = run_compare(d, q);
  ASSERT_EQ(r.options.size(), 1u) << (r.not_compared.empty() ? "" : r.not_compared[0].reason);
  EXPECT_EQ(r.options[0].chips, 5120);
  EXPECT_EQ(r.options[0].note,
            "5128 chips have no valid layout (dp * micro_batch must divide the global batch); 5120 is the largest "
            "count tried below it that has one (whole 8-chip units, then powers of two)");
  // Whole instances are billed: 640 of the 8-chip offer.
  EXPECT_EQ(r.options[0].cost.billed_chips, 5120);
}

TEST(Compare, SystemForOfferNamesTheRentedSystem) {
  const DataSet d = fixture();
  const Offer whole = offer("slow8", "slow", 8, 2.0), unknown = offer("other8", "slow", 8, 2.0),
              partial = offer("other2", "slow", 2, 2.0);
  ASSERT_NE(system_for_offer(d.catalog, whole), nullptr);
  EXPECT_EQ(system_for_offer(d.catalog, whole)->key, "slow-8");
  // An instance the catalog does not list rents the default system when it is one whole unit of it.
  ASSERT_NE(system_for_offer(d.catalog, unknown), nullptr);
  EXPECT_EQ(system_for_offer(d.catalog, unknown)->key, "slow-8");
  EXPECT_EQ(system_for_offer(d.catalog, partial), nullptr);
}

TEST(Compare, SensitivityNamesEachAssumptionAndDoesNotDependOnThreads) {
  const DataSet d = fixture();
  CompareQuery q = training(64);
  q.sensitivity = true;
  q.threads = ThreadBudget(1);
  const CompareResult one = run_compare(d, q);
  q.threads = ThreadBudget(3);
  const CompareResult three = run_compare(d, q);
  std::vector<std::string> keys;
  for (const auto& f : one.sensitivity) keys.push_back(f.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"interval", "efficiency:train-cuda", "term"}));
  ASSERT_EQ(three.sensitivity.size(), one.sensitivity.size());
  for (size_t i = 0; i < one.sensitivity.size(); ++i) {
    EXPECT_EQ(three.sensitivity[i].cost, one.sensitivity[i].cost) << keys[i];
    EXPECT_EQ(three.sensitivity[i].swaps, one.sensitivity[i].swaps) << keys[i];
  }
}

}  // namespace
}  // namespace xpu
