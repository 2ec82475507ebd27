// PriceBook lookups, merging and validation.
#include <gtest/gtest.h>

#include "catalog/offer.h"

namespace xpu {
namespace {

Offer offer(std::string provider, std::string region, std::string instance, std::string accel, int chips, Term term,
            double per_hour_price, int line = 1) {
  Offer o;
  o.provider = std::move(provider);
  o.region = std::move(region);
  o.instance = std::move(instance);
  o.accelerator = std::move(accel);
  o.chips = chips;
  o.term = term;
  o.price = dollars_per_hour(per_hour_price);
  o.defined_at = {"book.yaml", line, 5, ""};
  o.accelerator_at = {"book.yaml", line + 3, 18, ""};
  return o;
}

OfferFilter filter(std::string accelerator, std::string provider = "", std::string region = "",
                   std::optional<Term> term = std::nullopt) {
  OfferFilter f;
  f.accelerator = std::move(accelerator);
  f.provider = std::move(provider);
  f.region = std::move(region);
  f.term = term;
  return f;
}

PriceBook sample() {
  PriceBook b;
  b.offers = {offer("aws", "us-east-1", "p5.48xlarge", "h100-sxm", 8, Term::on_demand, 55.04, 1),
              offer("gcp", "us-east4", "a3-highgpu-8g", "h100-sxm", 8, Term::on_demand, 87.83, 10),
              offer("aws", "us-east-1", "p5.4xlarge", "h100-sxm", 1, Term::on_demand, 6.88, 20),
              offer("aws", "us-east-1", "p5.48xlarge", "h100-sxm", 8, Term::spot, 19.25, 30),
              offer("gcp", "us-central1", "v6e-1", "tpu-v6e", 1, Term::commit_1y, 1.89, 40)};
  sort_price_book(b);
  return b;
}

TEST(Term, NamesRoundTrip) {
  for (Term t : kAllTerms) EXPECT_EQ(parse_term(to_string(t)), t);
  EXPECT_EQ(term_names(), (std::vector<std::string>{"on-demand", "spot", "1y", "3y", "capacity-block"}));
  EXPECT_FALSE(parse_term("ondemand"));
  EXPECT_EQ(in_hours(commitment_length(Term::commit_1y)), 8760.0);
  EXPECT_EQ(in_hours(commitment_length(Term::commit_3y)), 3 * 8760.0);
  EXPECT_EQ(commitment_length(Term::spot).si(), 0.0);
}

TEST(Offer, KeyAndPerChipPrice) {
  Offer o = offer("aws", "us-east-1", "p5.48xlarge", "h100-sxm", 8, Term::on_demand, 55.04);
  EXPECT_EQ(o.key(), "aws/us-east-1/p5.48xlarge/on-demand");
  EXPECT_NEAR(per_hour(o.price_per_chip()), 6.88, 1e-12);
  o.region.clear();
  EXPECT_EQ(o.key(), "aws/any/p5.48xlarge/on-demand");
}

TEST(PriceBook, FindFiltersAndStaysInKeyOrder) {
  PriceBook b = sample();
  auto all_h100 = b.find(filter("h100-sxm"));
  ASSERT_EQ(all_h100.size(), 4u);
  EXPECT_EQ(all_h100[0]->key(), "aws/us-east-1/p5.48xlarge/on-demand");
  EXPECT_EQ(b.find(filter("", "gcp")).size(), 2u);
  EXPECT_EQ(b.find(filter("", "", "us-east-1", Term::spot)).size(), 1u);
  EXPECT_TRUE(b.find(filter("tpu-v7")).empty());
  EXPECT_EQ(b.priced_accelerators(), (std::vector<std::string>{"h100-sxm", "tpu-v6e"}));
  EXPECT_EQ(b.providers(), (std::vector<std::string>{"aws", "gcp"}));
}

TEST(PriceBook, BestPriceIsPerChipAndTiesGoToTheSmallerKey) {
  PriceBook b = sample();
  // p5.48xlarge and p5.4xlarge both cost 6.88 per chip-hour: the smaller key wins.
  const Offer* best = b.best_price("h100-sxm", Term::on_demand);
  ASSERT_NE(best, nullptr);
  EXPECT_EQ(best->key(), "aws/us-east-1/p5.48xlarge/on-demand");
  EXPECT_EQ(b.best_price("h100-sxm", Term::on_demand, "us-east4")->key(), "gcp/us-east4/a3-highgpu-8g/on-demand");
  EXPECT_EQ(b.best_price("h100-sxm", Term::commit_3y), nullptr);
  EXPECT_EQ(b.best_price("tpu-v6e", Term::commit_1y)->instance, "v6e-1");
}

TEST(PriceBook, MergeReplacesByKeyWithANote) {
  PriceBook base = sample();
  PriceBook mine;
  mine.offers = {offer("aws", "us-east-1", "p5.48xlarge", "h100-sxm", 8, Term::on_demand, 40.0, 3),
                 offer("lambda", "", "gpu_8x_h100", "h100-sxm", 8, Term::on_demand, 23.92, 9)};
  mine.offers[0].defined_at.file = "mine.yaml";
  Diagnostics notes = merge_price_book(base, mine);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(format_diagnostic(notes[0]),
            "mine.yaml:3:5: note: offer 'aws/us-east-1/p5.48xlarge/on-demand' replaces the one defined at "
            "book.yaml:1");
  EXPECT_EQ(base.offers.size(), 6u);
  EXPECT_NEAR(per_hour(base.find_key("aws/us-east-1/p5.48xlarge/on-demand")->price), 40.0, 1e-12);
  EXPECT_TRUE(std::is_sorted(base.offers.begin(), base.offers.end(),
                             [](const Offer& a, const Offer& b) { return a.key() < b.key(); }));
}

TEST(PriceBook, DuplicatesAndUnknownAcceleratorsAreErrors) {
  PriceBook b = sample();
  b.offers.push_back(offer("aws", "us-east-1", "p5.48xlarge", "h100-sxn", 8, Term::on_demand, 50.0, 50));
  Diagnostics dup = check_unique_prices(b);
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(format_diagnostic(dup[0]),
            "book.yaml:50:5: error: duplicate offer 'aws/us-east-1/p5.48xlarge/on-demand' (first defined at "
            "book.yaml:1)");
  Diagnostics unknown = validate_price_book(b, {"h100-sxm", "tpu-v6e"});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(format_diagnostic(unknown[0]),
            "book.yaml:53:18: error: offer 'aws/us-east-1/p5.48xlarge/on-demand': unknown accelerator 'h100-sxn' "
            "(did you mean 'h100-sxm'?)");
}

}  // namespace
}  // namespace xpu
