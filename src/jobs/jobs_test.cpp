#include "jobs/jobs.h"

#include <gtest/gtest.h>

#include "ingest/data_files.h"

namespace xpu::jobs {
namespace {

const Data& shipped() {
  static const auto data = Data::shipped();
  return *data;
}

TEST(Jobs, EveryKindHasAOneLineSummary) {
  ASSERT_GE(kinds().size(), 12U);
  for (const auto& k : kinds()) {
    EXPECT_FALSE(k.name.empty());
    EXPECT_FALSE(k.summary.empty());
    EXPECT_EQ(k.summary.find('\n'), std::string_view::npos) << k.name;
  }
}

TEST(Jobs, TrainAnswersWithTheReportJson) {
  const auto r = run("train", {{"model", "llama3.1-8b"}, {"accelerator", "h100-sxm"}, {"chips", 8}}, shipped());
  ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics.front().message);
  EXPECT_EQ(r.outcome, api::Outcome::answered);
  EXPECT_TRUE(r.report->contains("layouts") || r.report->contains("best")) << r.report->dump().substr(0, 300);
}

TEST(Jobs, BadFieldsComeBackAtTheirPointerWithoutAReport) {
  const auto r = run("train", {{"model", "llama3.1-8b"}, {"accelerator", "h100-sxm"}, {"chips", "many"}}, shipped());
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.front().where.pointer, "/chips");
}

TEST(Jobs, UnknownKindSuggestsTheNearMiss) {
  const auto r = run("trian", nlohmann::json::object(), shipped());
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1U);
  EXPECT_NE(r.diagnostics.front().message.find("train"), std::string::npos) << r.diagnostics.front().message;
}

TEST(Jobs, ARequestIsAnObject) {
  const auto r = run("catalog", nlohmann::json::array(), shipped());
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1U);
}

TEST(Jobs, ThreadCapDoesNotChangeTheAnswer) {
  const nlohmann::json q{{"model", "llama3.1-70b"}, {"accelerator", "h100-sxm"}, {"chips", 64}};
  const auto a = run("train", q, shipped(), {.max_threads = 1});
  const auto b = run("train", q, shipped());
  ASSERT_TRUE(a.ok() && b.ok());
  auto ja = *a.report, jb = *b.report;
  ja.erase("threads");
  jb.erase("threads");
  EXPECT_EQ(ja, jb);
}

}  // namespace
}  // namespace xpu::jobs
