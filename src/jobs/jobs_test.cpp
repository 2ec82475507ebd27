#include "jobs/jobs.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "api/infer.h"
#include "api/train.h"
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

// Issue 14: a server's requests share the searches of earlier ones that
// differ only in fields the search does not read (api/shared.h: a train's
// tokens, an infer's rate). Each second request's answer equals that of a
// process that never saw the first; the pairs that differ in a field the
// search does read (chips, a degree, a target, the lengths) check the key.
TEST(Jobs, SharedSearchesAnswerAsAFreshProcess) {
  const nlohmann::json train{{"model", "llama3.1-8b"}, {"accelerator", "h100-sxm"}, {"chips", 64}, {"tokens", "1T"}};
  const nlohmann::json infer{{"model", "llama3.1-8b"}, {"accelerator", "h100-sxm"}, {"rate", 5}};
  auto with = [](nlohmann::json q, const char* field, nlohmann::json v) {
    q[field] = std::move(v);
    return q;
  };
  const std::vector<std::tuple<const char*, nlohmann::json, nlohmann::json>> pairs = {
      {"train", train, with(train, "tokens", "2T")},
      {"train", train, with(train, "chips", 32)},
      {"train", train, with(train, "tp", 2)},
      {"train", train, with(train, "memory_margin", 0.3)},
      {"infer", infer, with(infer, "rate", 5.000001)},
      {"infer", infer, with(infer, "rate", 300)},
      {"infer", infer, with(infer, "tpot_slo", "15ms")},
      {"infer", infer, with(infer, "input_len", 4096)},
  };
  const auto warm = Data::shipped();
  for (const auto& [kind, first, second] : pairs) {
    SCOPED_TRACE(fmt::format("{} {} then {}", kind, first.dump(), second.dump()));
    ASSERT_TRUE(run(kind, first, *warm).ok());
    const auto shared = run(kind, second, *warm);
    const auto fresh = run(kind, second, *Data::shipped());
    ASSERT_TRUE(shared.ok() && fresh.ok());
    const std::string a = shared.report->dump(), b = fresh.report->dump();
    EXPECT_TRUE(a == b) << "shared: " << a.substr(0, 300) << "...\nfresh:  " << b.substr(0, 300) << "...";
  }
}

// The keys the shared searches are kept under (api/train.cpp, api/infer.cpp)
// change with every request field the search reads and with no other: one
// change per field of the request structs (a field added to them stops the
// key functions compiling until it is placed). Dropping a field from a key
// fails here, as does keying the token count or the rate (no sharing).
TEST(Jobs, SharedSearchKeysChangeWithEveryFieldTheSearchReads) {
  api::TrainRequest t;
  t.model.name = "llama3.1-8b";
  t.accelerator = "h100-sxm";
  t.chips = 64;
  t.tokens = 1e12;
  auto train_key = [](const api::TrainRequest& r) {
    return api::train_search_key(r, r.stack.empty() ? "default" : r.stack);
  };
  using TrainEdit = void (*)(api::TrainRequest&);
  const std::vector<std::tuple<const char*, TrainEdit, bool>> train_edits = {
      {"model", [](api::TrainRequest& r) { r.model.name = "llama3.1-70b"; }, false},
      {"accelerator", [](api::TrainRequest& r) { r.accelerator = "h200-sxm"; }, false},
      {"stack", [](api::TrainRequest& r) { r.stack = "other"; }, false},
      {"chips", [](api::TrainRequest& r) { r.chips = 32; }, false},
      {"seq_len", [](api::TrainRequest& r) { r.seq_len = 4096; }, false},
      {"global_batch", [](api::TrainRequest& r) { r.global_batch = 1024; }, false},
      {"precision", [](api::TrainRequest& r) { r.precision = Precision::fp8; }, false},
      {"tokens", [](api::TrainRequest& r) { r.tokens = 2e12; }, true},
      {"fixed.tp", [](api::TrainRequest& r) { r.fixed.tp = 2; }, false},
      {"fixed.pp", [](api::TrainRequest& r) { r.fixed.pp = 2; }, false},
      {"fixed.dp", [](api::TrainRequest& r) { r.fixed.dp = 2; }, false},
      {"fixed.cp", [](api::TrainRequest& r) { r.fixed.cp = 2; }, false},
      {"fixed.ep", [](api::TrainRequest& r) { r.fixed.ep = 1; }, false},
      {"fixed.vpp", [](api::TrainRequest& r) { r.fixed.vpp = 2; }, false},
      {"fixed.micro_batch", [](api::TrainRequest& r) { r.fixed.micro_batch = 1; }, false},
      {"fixed.recompute", [](api::TrainRequest& r) { r.fixed.recompute = Recompute::none; }, false},
      {"fixed.sharding", [](api::TrainRequest& r) { r.fixed.sharding = Sharding::none; }, false},
      {"fixed.sequence_parallel", [](api::TrainRequest& r) { r.fixed.sequence_parallel = false; }, false},
      {"top", [](api::TrainRequest& r) { r.top = 6; }, false},
      {"memory_margin", [](api::TrainRequest& r) { r.memory_margin = 0.100000001; }, false},
      {"threads", [](api::TrainRequest& r) { r.threads = 7; }, true},
  };
  const std::string base_train = train_key(t);
  for (const auto& [field, edit, same] : train_edits) {
    api::TrainRequest r = t;
    edit(r);
    EXPECT_EQ(train_key(r) == base_train, same) << "train: " << field << (same ? " is" : " is not") << " to be shared";
  }

  api::InferRequest q;
  q.model.name = "llama3.1-8b";
  q.accelerator = "h100-sxm";
  q.rate = 5;
  auto infer_key = [](const api::InferRequest& r) {
    return api::infer_table_key(r, r.stack.empty() ? "default" : r.stack);
  };
  using InferEdit = void (*)(api::InferRequest&);
  const std::vector<std::tuple<const char*, InferEdit, bool>> infer_edits = {
      {"model", [](api::InferRequest& r) { r.model.name = "llama3.1-70b"; }, false},
      {"accelerator", [](api::InferRequest& r) { r.accelerator = "h200-sxm"; }, false},
      {"stack", [](api::InferRequest& r) { r.stack = "other"; }, false},
      {"chips", [](api::InferRequest& r) { r.chips = 2; }, false},
      {"tp", [](api::InferRequest& r) { r.tp = 2; }, false},
      {"pp", [](api::InferRequest& r) { r.pp = 2; }, false},
      {"ep", [](api::InferRequest& r) { r.ep = 2; }, false},
      {"attn_dp", [](api::InferRequest& r) { r.attn_dp = 2; }, false},
      {"precision", [](api::InferRequest& r) { r.precision = Precision::fp8; }, false},
      {"kv_precision", [](api::InferRequest& r) { r.kv_precision = Precision::fp8; }, false},
      {"attention_precision", [](api::InferRequest& r) { r.attention_precision = Precision::bf16; }, false},
      {"weight_only", [](api::InferRequest& r) { r.weight_only = true; }, false},
      {"input_len", [](api::InferRequest& r) { r.input_len = 2049; }, false},
      {"output_len", [](api::InferRequest& r) { r.output_len = 257; }, false},
      {"batch", [](api::InferRequest& r) { r.batch = 8; }, false},
      {"rate", [](api::InferRequest& r) { r.rate = 5.000001; }, true},
      {"ttft_slo", [](api::InferRequest& r) { r.ttft_slo = Seconds(0.2); }, false},
      {"tpot_slo", [](api::InferRequest& r) { r.tpot_slo = Seconds(0.01); }, false},
      {"max_num_tokens", [](api::InferRequest& r) { r.max_num_tokens = 768; }, false},
      // The scenario changes the table only through its pruning: offline with targets does not prune.
      {"scenario", [](api::InferRequest& r) { r.scenario = ServingScenario::server; }, true},
      {"scenario offline, targets",
       [](api::InferRequest& r) {
         r.scenario = ServingScenario::offline;
         r.tpot_slo = Seconds(0.01);
       },
       false},
  };
  const std::string base_infer = infer_key(q);
  for (const auto& [field, edit, same] : infer_edits) {
    api::InferRequest r = q;
    edit(r);
    EXPECT_EQ(infer_key(r) == base_infer, same) << "infer: " << field << (same ? " is" : " is not") << " to be shared";
  }
  // Targets against targets: the offline request that does not prune has its own table.
  api::InferRequest with_targets = q;
  with_targets.tpot_slo = Seconds(0.01);
  api::InferRequest offline = with_targets;
  offline.scenario = ServingScenario::offline;
  EXPECT_NE(infer_key(offline), infer_key(with_targets));
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

TEST(Jobs, WithoutFilesAPathIsRefusedAtItsPointer) {
  const Options no_files{.allow_files = false};
  for (const auto& [kind, q, pointer] : std::vector<std::tuple<std::string, nlohmann::json, std::string>>{
           {"train", {{"model", "/etc/passwd"}, {"accelerator", "h100-sxm"}, {"chips", 8}}, "/model"},
           {"plan", {{"portfolio", "examples/portfolio.yaml"}}, "/portfolio"},
           {"validate", {{"cases", "data/validation/cases.csv"}}, "/cases"},
           {"calibrate", {{"cases", {"a.csv"}}}, "/cases/0"},
           {"simulate", {{"portfolio", "p.yaml"}, {"risks", "../risks.yaml"}}, "/portfolio"},
       }) {
    const auto r = run(kind, q, shipped(), no_files);
    EXPECT_FALSE(r.ok()) << kind;
    ASSERT_FALSE(r.diagnostics.empty()) << kind;
    EXPECT_EQ(r.diagnostics.front().where.pointer, pointer) << kind;
    EXPECT_NE(r.diagnostics.front().message.find("opens no files"), std::string::npos) << r.diagnostics.front().message;
  }
  // A shipped key names no file.
  const auto r =
      run("train", {{"model", "llama3.1-8b"}, {"accelerator", "h100-sxm"}, {"chips", 8}}, shipped(), no_files);
  EXPECT_TRUE(r.ok());
}

TEST(Jobs, WithoutFilesAnUnknownModelHidesNoOtherProblem) {
  // The server refuses an unknown model key before reading the request; the
  // other fields' problems used to be dropped with it (the CLI lists all four).
  const auto r = run("train", {{"model", "lama3.1-8b"}, {"accelerator", "h100"}, {"chips", 0}, {"precision", "bf17"}},
                     shipped(), {.allow_files = false});
  EXPECT_FALSE(r.ok());
  std::vector<std::string> pointers;
  for (const auto& d : r.diagnostics) pointers.push_back(d.where.pointer);
  EXPECT_EQ(pointers, (std::vector<std::string>{"/model", "/accelerator", "/chips", "/precision"}))
      << format_diagnostics(r.diagnostics);
}

TEST(Jobs, WithoutFilesEveryRefusalIsReportedWithTheRestInOnePass) {
  // A refused entry of a list, or a refused document beside a bad field: the
  // request used to be re-read only when every refusal was a whole top-level
  // field, so these lost the other fields' problems (usertrial2).
  const Options no_files{.allow_files = false};
  auto pointers = [](const Result& r) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics) out.push_back(d.where.pointer);
    return out;
  };
  auto r = run("calibrate", {{"cases", {"a.csv", "id,value\n"}}, {"threads", -1}, {"dat", "x"}}, shipped(), no_files);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(pointers(r), (std::vector<std::string>{"/cases/0", "/threads", "/dat"}))
      << format_diagnostics(r.diagnostics);
  // A refused model is not also "required", and the api's "unknown model" is not repeated.
  r = run("infer", {{"model", "./m.json"}, {"accelerator", "h100-sxn"}, {"rate", "fast"}}, shipped(), no_files);
  EXPECT_EQ(pointers(r), (std::vector<std::string>{"/model", "/accelerator", "/rate"}))
      << format_diagnostics(r.diagnostics);
  // Only the refusals when nothing else is wrong, and no report.
  r = run("plan", {{"portfolio", "examples/portfolio.yaml"}}, shipped(), no_files);
  EXPECT_FALSE(r.report);
  EXPECT_EQ(pointers(r), (std::vector<std::string>{"/portfolio"})) << format_diagnostics(r.diagnostics);
}

TEST(Jobs, WithoutFilesADocumentComesInlineAndItsProblemsAreLocatedInIt) {
  const Options no_files{.allow_files = false};
  const std::string bad = "horizon: {start: 2027-01, months: 3}\nworkloads:\n  - name: x\n    kind: trainin\n";
  const auto r = run("plan", {{"portfolio", bad}}, shipped(), no_files);
  ASSERT_FALSE(r.ok());
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.front().where.file, "portfolio");
  EXPECT_GT(r.diagnostics.front().where.line, 0);
  for (const auto& d : r.diagnostics) EXPECT_EQ(d.message.find("xpuplan-request-"), std::string::npos) << d.message;
}

TEST(Jobs, ACompareReportsTheOptionsEvaluated) {
  std::vector<std::pair<uint32_t, uint32_t>> calls;
  Options o;
  o.progress = [&](uint32_t done, uint32_t total) { calls.emplace_back(done, total); };
  const nlohmann::json q{{"model", "llama3.1-8b"}, {"train", true}, {"tokens", "1T"}, {"chips", 8}};
  const auto r = run("compare", q, shipped(), o);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(calls.empty());
  const uint32_t total = calls.front().second;
  // One call per candidate offer, counting up to the total (more candidates than options: one per accelerator kept).
  ASSERT_EQ(calls.size(), total);
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].first, i + 1);
    EXPECT_EQ(calls[i].second, total);
  }
  EXPECT_GE(total, (*r.report)["options"].size());
  // The same report as without progress.
  EXPECT_EQ(*r.report, *run("compare", q, shipped()).report);
}

}  // namespace
}  // namespace xpu::jobs
