// Requests read from JSON objects (what a server or a Python binding hands
// over) through the same field parsers the CLI's flags go through: values,
// defaults, unit text, and every problem at its JSON pointer.
#include "ingest/requests.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "perf/test_fixtures.h"

namespace xpu {
namespace {

using nlohmann::json;

// A data set written here: one accelerator with a system, a training and a
// serving stack, one model and one priced region.
DataSet fixture() {
  DataSet d;
  Accelerator a;
  a.key = "gpu-a";
  a.name = "GPU A";
  a.runtime = Runtime::cuda;
  a.scale_up.domain = 8;
  d.catalog.accelerators.push_back(a);
  System s;
  s.key = "node-a";
  s.accelerator = "gpu-a";
  s.chips = 8;
  s.scale_up_domain = 8;
  d.catalog.systems.push_back(s);
  StackEfficiency train = testing::test_stack(), serve = testing::test_stack();
  train.key = "train-cuda";
  train.is_default = true;
  serve.key = "serve-cuda";
  serve.mode = Mode::infer;
  serve.is_default = true;
  d.catalog.stacks = {serve, train};
  ModelArch m = testing::llama(32, 4096, 32, 8, 14336);
  m.key = "llama-8b";
  d.models.push_back(m);
  Offer o;
  o.provider = "cloud";
  o.region = "us-east-1";
  o.instance = "node-a";
  o.accelerator = "gpu-a";
  o.chips = 8;
  d.prices.offers.push_back(o);
  return d;
}

TEST(Requests, TrainFromJsonTakesUnitTextAndTheApiDefaults) {
  const DataSet d = fixture();
  const auto r = read_train_request(json{{"model", "llama-8b"},
                                         {"accelerator", "gpu-a"},
                                         {"chips", 64},
                                         {"tokens", "2.5T"},
                                         {"tp", "8"},
                                         {"recompute", "selective"},
                                         {"sequence_parallel", false}},
                                    d);
  ASSERT_TRUE(r.request) << format_diagnostics(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty());
  const api::TrainRequest& t = *r.request;
  EXPECT_EQ(t.model.name, "llama-8b");
  EXPECT_EQ(t.chips, 64);
  EXPECT_DOUBLE_EQ(t.tokens, 2.5e12);
  EXPECT_EQ(t.fixed.tp, 8);
  EXPECT_EQ(t.fixed.recompute, Recompute::selective);
  EXPECT_EQ(t.fixed.sequence_parallel, false);
  // Defaults are the api's: the same as the CLI's.
  EXPECT_EQ(t.seq_len, api::TrainRequest{}.seq_len);
  EXPECT_EQ(t.precision, Precision::bf16);
  EXPECT_EQ(t.global_batch, 0);
}

TEST(Requests, TrainProblemsAreReportedAtTheirPointersInFieldOrder) {
  const DataSet d = fixture();
  const auto r = read_train_request(json{{"model", "llama-8c"},
                                         {"accelerator", "gpu-b"},
                                         {"chips", 0},
                                         {"precision", "fp9"},
                                         {"tokens", "lots"},
                                         {"memory_margin", 1.5},
                                         {"tpp", 2}},
                                    d);
  EXPECT_FALSE(r.request);
  EXPECT_EQ(format_diagnostics(r.diagnostics),
            "/model: error: unknown model 'llama-8c' (did you mean 'llama-8b'?); give a shipped key ('xpuplan "
            "models') or a Hugging Face config.json path\n"
            "/accelerator: error: unknown accelerator or system 'gpu-b' (did you mean 'gpu-a'?); see 'xpuplan "
            "catalog'\n"
            "/chips: error: must be positive, got 0\n"
            "/precision: error: must be one of bf16, fp16, fp8, fp4, int8; got 'fp9' (did you mean 'fp8'?)\n"
            "/tokens: error: expected a positive count such as 15T, 2.5e12 or 300B; got 'lots'\n"
            "/memory_margin: error: must be in [0, 1), got 1.5\n"
            "/tpp: error: unknown field 'tpp' (did you mean 'tp'?)\n");
}

TEST(Requests, InferNeedsUnitsOnLatencyTargets) {
  const DataSet d = fixture();
  const auto r = read_infer_request(json{{"model", "llama-8b"},
                                         {"accelerator", "node-a"},
                                         {"rate", 20},
                                         {"ttft_slo", "1 s"},
                                         {"tpot_slo", "40"},
                                         {"scenario", "serv"}},
                                    d);
  EXPECT_FALSE(r.request);
  EXPECT_EQ(format_diagnostics(r.diagnostics),
            "/tpot_slo: error: '40' has no unit; write it with one (e.g. '40 ms')\n"
            "/scenario: error: must be one of offline, server, latency; got 'serv' (did you mean 'server'?)\n");
  const auto ok = read_infer_request(
      json{{"model", "llama-8b"}, {"accelerator", "node-a"}, {"rate", "1.5k"}, {"tpot_slo", "40 ms"}}, d);
  ASSERT_TRUE(ok.request) << format_diagnostics(ok.diagnostics);
  EXPECT_DOUBLE_EQ(*ok.request->rate, 1500);
  EXPECT_DOUBLE_EQ(ok.request->tpot_slo->si(), 0.04);
  EXPECT_DOUBLE_EQ(ok.request->input_len, api::InferRequest{}.input_len);
}

// A JSON number is the quantity in SI units (an HTTP body, a Python call);
// text still needs its unit.
TEST(Requests, JsonNumbersAreQuantitiesInSiUnits) {
  const DataSet d = fixture();
  const auto ok = read_infer_request(
      json{{"model", "llama-8b"}, {"accelerator", "node-a"}, {"rate", 20}, {"tpot_slo", 0.04}, {"ttft_slo", 2}}, d);
  ASSERT_TRUE(ok.request) << format_diagnostics(ok.diagnostics);
  EXPECT_DOUBLE_EQ(ok.request->tpot_slo->si(), 0.04);
  EXPECT_DOUBLE_EQ(ok.request->ttft_slo->si(), 2.0);
  const auto bad =
      read_infer_request(json{{"model", "llama-8b"}, {"accelerator", "node-a"}, {"rate", 20}, {"tpot_slo", -0.04}}, d);
  EXPECT_FALSE(bad.request);
  EXPECT_EQ(format_diagnostics(bad.diagnostics),
            "/tpot_slo: error: must be a positive number in SI units, got -0.04\n");
}

// Found by fuzzing: a body that is not an object had no location when read as flags.
TEST(Requests, ABodyThatIsNotAnObjectIsAtTheRoot) {
  const DataSet d = fixture();
  for (bool flags : {false, true}) {
    const auto r = read_train_request(json::array({1, 2}), d, FieldStyle{.flags = flags});
    EXPECT_FALSE(r.request);
    EXPECT_TRUE(std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [](const Diagnostic& diag) {
      return format_diagnostic(diag) == "/: error: must be a JSON object";
    })) << format_diagnostics(r.diagnostics);
  }
}

// A rate reads as a count or with its unit, as portfolio files write it (issue 12).
TEST(Requests, RatesReadWithOrWithoutTheirUnit) {
  const DataSet d = fixture();
  for (const json& rate : {json(5), json("5"), json("5 req/s"), json("5 requests/s"), json("5rps")}) {
    const auto r = read_infer_request(json{{"model", "llama-8b"}, {"accelerator", "node-a"}, {"rate", rate}}, d);
    ASSERT_TRUE(r.request) << rate.dump() << ": " << format_diagnostics(r.diagnostics);
    EXPECT_DOUBLE_EQ(*r.request->rate, 5);
  }
  const auto bad = read_infer_request(json{{"model", "llama-8b"}, {"accelerator", "node-a"}, {"rate", "5 tok/s"}}, d);
  EXPECT_EQ(format_diagnostics(bad.diagnostics),
            "/rate: error: expected a positive request rate such as 20, 1.5k or '20 req/s'; got '5 tok/s'\n");
}

TEST(Requests, CompareNamesTheOtherFieldTheJsonWay) {
  const DataSet d = fixture();
  const auto both = read_compare_request(json{{"model", "llama-8b"}, {"train", true}, {"infer", true}}, d);
  EXPECT_EQ(format_diagnostics(both.diagnostics), "/infer: error: train and infer exclude each other\n");
  const auto r = read_compare_request(json{{"model", "llama-8b"},
                                           {"train", true},
                                           {"tokens", "15T"},
                                           {"chips", 16},
                                           {"deadline", "90 days"},
                                           {"accelerators", json::array({"gpu-a", "gpu-x"})},
                                           {"region", "us-east-2"}},
                                      d);
  EXPECT_EQ(format_diagnostics(r.diagnostics),
            "/deadline: error: chips and deadline exclude each other\n"
            "/accelerators: error: unknown accelerator 'gpu-x' (did you mean 'gpu-a'?)\n"
            "/region: error: no offers in region 'us-east-2' (did you mean 'us-east-1'?)\n");
  const auto ok = read_compare_request(json{{"model", "llama-8b"}, {"infer", true}, {"rate", 5}, {"term", "owned"}}, d);
  ASSERT_TRUE(ok.request) << format_diagnostics(ok.diagnostics);
  EXPECT_EQ(ok.request->mode, Mode::infer);
  EXPECT_TRUE(ok.request->owned);
  EXPECT_EQ(ok.request->baseline, "h100-sxm");
}

TEST(Requests, OddValuesANewUserGivesAreEachNamed) {
  // usertrial5: a JSON integer past 2^63 wrapped negative ("must be positive,
  // got -8"); an empty provider was "any provider"; 100000 threads were taken.
  const DataSet d = fixture();
  const auto r = read_compare_request(json::parse(R"({"model": "llama-8b", "train": true, "tokens": "1T",
      "chips": 18446744073709551608, "provider": "", "region": " ", "threads": 100000})"),
                                      d);
  EXPECT_EQ(format_diagnostics(r.diagnostics),
            "/chips: error: must be at most 16777216 (numbers out of range), got 18446744073709551608\n"
            "/region: error: is empty; give a value or leave it out\n"
            "/provider: error: is empty; give a value or leave it out\n"
            "/threads: error: must be at most 1024 (far past any machine's cores), got 100000\n");
  const auto big =
      read_compare_request(json::parse(R"({"model": "llama-8b", "train": true, "tokens": "1T", "chips": 1e20})"), d);
  EXPECT_EQ(format_diagnostics(big.diagnostics),
            "/chips: error: must be at most 16777216 (numbers out of range), got 1e+20\n");
  // A number below an int's range names the lower bound, not "at most".
  for (const char* chips : {"-99999999999", "\"-99999999999\""}) {
    const auto low = read_compare_request(
        json::parse(std::string(R"({"model": "llama-8b", "train": true, "tokens": "1T", "chips": )") + chips + "}"), d);
    EXPECT_NE(format_diagnostics(low.diagnostics).find("(numbers out of range: at least -2147483647)"),
              std::string::npos)
        << chips << ": " << format_diagnostics(low.diagnostics);
  }
  // usertrial6: chips past an int and chips past 2^24 said two bounds; one now, whatever the size or form.
  for (const char* chips : {"20000000", "\"20000000\"", "99999999999", "\"99999999999999999999\""}) {
    const auto past = read_compare_request(
        json::parse(std::string(R"({"model": "llama-8b", "train": true, "tokens": "1T", "chips": )") + chips + "}"), d);
    EXPECT_NE(format_diagnostics(past.diagnostics)
                  .find("/chips: error: must be at most 16777216 (numbers out of "
                        "range), got "),
              std::string::npos)
        << chips << ": " << format_diagnostics(past.diagnostics);
  }
}

TEST(Requests, ANumberPastADoubleOrNotFiniteIsSaidSo) {
  // usertrial6: `--pue 1e400` and `--utilization nan` were "must be a number".
  const DataSet d = fixture();
  const auto r = read_compare_request(
      json::parse(R"({"model": "llama-8b", "train": true, "tokens": "1T", "pue": "1e400", "utilization": "nan"})"), d);
  EXPECT_NE(format_diagnostics(r.diagnostics)
                .find("/pue: error: '1e400' is out of range (numbers out of range: beyond a double, about 1.8e308)\n"),
            std::string::npos)
      << format_diagnostics(r.diagnostics);
  EXPECT_NE(format_diagnostics(r.diagnostics).find("/utilization: error: 'nan' is not a finite number\n"),
            std::string::npos)
      << format_diagnostics(r.diagnostics);
}

TEST(Requests, ACostFlagATermDoesNotUseIsSaidToChangeNothing) {
  // usertrial5: `--utilization 0.5` on demand and `--electricity`/`--life` on a rented term were ignored silently.
  DataSet d = fixture();
  Offer committed = d.prices.offers[0];
  committed.term = Term::commit_1y;
  d.prices.offers.push_back(committed);
  const auto r = read_compare_request(json{{"model", "llama-8b"},
                                           {"train", true},
                                           {"tokens", "1T"},
                                           {"chips", 8},
                                           {"utilization", 0.5},
                                           {"electricity", "0.2 $/kWh"},
                                           {"life", 3}},
                                      d);
  ASSERT_TRUE(r.request) << format_diagnostics(r.diagnostics);
  EXPECT_EQ(format_diagnostics(r.diagnostics),
            "/utilization: warning: applies to committed (1y, 3y) and owned hours; on-demand hours are paid only "
            "when used, so it changes nothing here\n"
            "/electricity: warning: applies to owned hardware (term owned); a rented price includes power and the "
            "hardware, so it changes nothing here\n"
            "/life: warning: applies to owned hardware (term owned); a rented price includes power and the "
            "hardware, so it changes nothing here\n");
  // A form's default (utilization 1), a commitment's utilization and an owned life are said nothing of.
  for (const json& quiet : {json{{"utilization", 1}}, json{{"utilization", 0.5}, {"term", "1y"}},
                            json{{"utilization", 0.5}, {"life", 3}, {"term", "owned"}}}) {
    json j{{"model", "llama-8b"}, {"train", true}, {"tokens", "1T"}, {"chips", 8}};
    j.update(quiet);
    EXPECT_EQ(format_diagnostics(read_compare_request(j, d).diagnostics), "") << quiet.dump();
  }
}

TEST(Requests, FiltersThatEachNameSomethingButTogetherNoOfferAreAnError) {
  // usertrial5: `--provider aws --provider-class neocloud` listed every
  // accelerator as "no price from aws from a neocloud provider", exit 1.
  DataSet d = fixture();
  Offer far = d.prices.offers[0];
  far.provider = "other-cloud";
  far.region = "eu-west-1";
  far.provider_class = ProviderClass::neocloud;
  d.prices.offers.push_back(far);
  const auto base = json{{"model", "llama-8b"}, {"train", true}, {"tokens", "1T"}, {"chips", 8}};
  auto with = [&](json extra) {
    json j = base;
    j.update(extra);
    return format_diagnostics(read_compare_request(j, d).diagnostics);
  };
  EXPECT_EQ(with({{"provider", "cloud"}, {"provider_class", "neocloud"}}),
            "/provider_class: error: no neocloud offers from provider 'cloud' (class: unclassified)\n");
  EXPECT_EQ(with({{"provider", "cloud"}, {"region", "eu-west-1"}}),
            "/region: error: no offers in region 'eu-west-1' from provider 'cloud'; their regions: us-east-1\n");
  EXPECT_EQ(with({{"provider_class", "neocloud"}, {"term", "spot"}}),
            "/term: error: no spot offers from neocloud providers; their terms: on-demand\n");
  EXPECT_EQ(with({{"provider", "other-cloud"}, {"region", "eu-west-1"}}), "");
}

TEST(Requests, FlagsSpellTheSameProblemsTheCliWay) {
  const DataSet d = fixture();
  const FieldStyle flags{.flags = true, .spelled = {}};
  const auto r = read_compare_request(json{{"model", "llama-8b"}, {"train", true}, {"tokens", "15T"}}, d, flags);
  EXPECT_EQ(format_diagnostics(r.diagnostics),
            "--chips: error: give --chips N, or --deadline to find the fewest chips\n");
}

TEST(Requests, CompareSaysWhichWorkloadAFieldOfTheOtherIsFor) {
  // `compare --infer --rate 5 --tokens 1T` answered without a word about --tokens (usertrial2).
  const DataSet d = fixture();
  const FieldStyle flags{.flags = true, .spelled = {}};
  const auto r = read_compare_request(
      json{{"model", "llama-8b"}, {"infer", true}, {"rate", "5"}, {"tokens", "1T"}, {"seq_len", "4096"}}, d, flags);
  EXPECT_EQ(format_diagnostics(r.diagnostics),
            "--tokens: error: is for a training comparison (--train), not this serving one\n"
            "--seq-len: error: is for a training comparison (--train), not this serving one\n");
  const auto j = read_compare_request(
      json{{"model", "llama-8b"}, {"train", true}, {"tokens", "1T"}, {"chips", 8}, {"rate", 5}}, d);
  EXPECT_EQ(format_diagnostics(j.diagnostics),
            "/rate: error: is for a serving comparison (infer), not this training one\n");
}

TEST(Requests, ACountOfTokensIsAtLeastOne) {
  // `train --tokens 1e-300` and `infer --output-len 1e-3` were answered (usertrial2).
  const DataSet d = fixture();
  const auto r = read_infer_request(
      json{{"model", "llama-8b"}, {"accelerator", "gpu-a"}, {"input_len", "0.5"}, {"output_len", 1e-3}}, d);
  EXPECT_EQ(format_diagnostics(r.diagnostics),
            "/input_len: error: '0.5' is less than one token; a count is at least 1\n"
            "/output_len: error: '0.001' is less than one token; a count is at least 1\n");
  const auto t =
      read_train_request(json{{"model", "llama-8b"}, {"accelerator", "gpu-a"}, {"chips", 8}, {"tokens", "1e-300"}}, d);
  EXPECT_EQ(format_diagnostics(t.diagnostics),
            "/tokens: error: '1e-300' is less than one token; a count is at least 1\n");
}

// The engine's per-iteration token budget (TensorRT-LLM max_num_tokens, vLLM
// max_num_batched_tokens): read as a whole number, checked at its pointer,
// and the names other tools give it suggested.
TEST(Requests, MaxNumTokensIsReadCheckedAndOtherToolsNamesSuggested) {
  const DataSet d = fixture();
  const json base{{"model", "llama-8b"}, {"accelerator", "node-a"}, {"rate", 5}};
  auto with = [&](const std::string& key, const json& v) {
    json q = base;
    q[key] = v;
    return read_infer_request(q, d);
  };
  for (const json& v : {json(768), json("768")}) {
    const auto ok = with("max_num_tokens", v);
    ASSERT_TRUE(ok.request) << format_diagnostics(ok.diagnostics);
    EXPECT_EQ(ok.request->max_num_tokens, 768);
  }
  EXPECT_FALSE(read_infer_request(base, d).request->max_num_tokens);
  EXPECT_EQ(format_diagnostics(with("max_num_tokens", 0).diagnostics),
            "/max_num_tokens: error: must be positive, got 0\n");
  EXPECT_EQ(format_diagnostics(with("max_num_tokens", -8).diagnostics),
            "/max_num_tokens: error: must be positive, got -8\n");
  EXPECT_EQ(format_diagnostics(with("max_num_tokens", 2097152).diagnostics),
            "/max_num_tokens: error: must be at most 1048576 (numbers out of range), got 2097152\n");
  EXPECT_EQ(format_diagnostics(with("max_num_tokens", 7.5).diagnostics).substr(0, 23), "/max_num_tokens: error:");
  // The api's own check, for a request built in C++ (no reader in between).
  api::InferRequest r = *read_infer_request(base, d).request;
  r.max_num_tokens = api::kMaxNumTokens + 1;
  EXPECT_EQ(format_diagnostics(api::check(r, d)),
            "/max_num_tokens: error: must be at most 1048576 (numbers out of range), got 1048577\n");
  // vLLM's name, and an OpenAI-style max_tokens (which may mean either).
  EXPECT_EQ(format_diagnostics(with("max_num_batched_tokens", 768).diagnostics),
            "/max_num_batched_tokens: error: unknown field 'max_num_batched_tokens' (did you mean 'max_num_tokens', "
            "vLLM's max_num_batched_tokens?)\n");
  EXPECT_EQ(format_diagnostics(with("max_tokens", 768).diagnostics),
            "/max_tokens: error: unknown field 'max_tokens' (did you mean 'max_num_tokens', the tokens per engine "
            "iteration, or 'output_len', the tokens generated per request?)\n");
  EXPECT_EQ(format_diagnostics(with("max_num_token", 768).diagnostics),
            "/max_num_token: error: unknown field 'max_num_token' (did you mean 'max_num_tokens'?)\n");
  // compare takes it for serving, checked alike; a training comparison says whose it is.
  const auto serving =
      read_compare_request(json{{"model", "llama-8b"}, {"infer", true}, {"rate", 5}, {"max_num_tokens", 768}}, d);
  ASSERT_TRUE(serving.request) << format_diagnostics(serving.diagnostics);
  EXPECT_EQ(serving.request->max_num_tokens, 768);
  EXPECT_EQ(format_diagnostics(read_compare_request(
                                   json{{"model", "llama-8b"}, {"infer", true}, {"rate", 5}, {"max_num_tokens", 0}}, d)
                                   .diagnostics),
            "/max_num_tokens: error: must be positive, got 0\n");
  EXPECT_EQ(
      format_diagnostics(
          read_compare_request(
              json{{"model", "llama-8b"}, {"train", true}, {"tokens", "1T"}, {"chips", 8}, {"max_num_tokens", 768}}, d)
              .diagnostics),
      "/max_num_tokens: error: is for a serving comparison (infer), not this training one\n");
}

TEST(Requests, NotAnObjectIsAnError) {
  const DataSet d = fixture();
  const auto r = read_train_request(json::array({1, 2}), d);
  EXPECT_FALSE(r.request);
  EXPECT_NE(format_diagnostics(r.diagnostics).find("/: error: must be a JSON object\n"), std::string::npos)
      << format_diagnostics(r.diagnostics);
}

TEST(Requests, AListNamesAnEmptyItemAndARepeatedOne) {
  // `--accelerators a,,b` (and a JSON "a,,b" or ["a", ""]) dropped the empty
  // item without a word (usertrial3); a name given twice counts once, said.
  for (const json& given : {json("gpu-a,,gpu-a"), json::array({"gpu-a", "", "gpu-a"})}) {
    SCOPED_TRACE(given.dump());
    const auto r = read_compare_request(
        {{"model", "llama-8b"}, {"train", true}, {"tokens", "1T"}, {"chips", 8}, {"accelerators", given}}, fixture(),
        FieldStyle{});
    EXPECT_FALSE(r.request);
    const std::string at = given.is_array() ? "/accelerators/1" : "/accelerators";
    const std::string whole = given.is_array() ? R"(["gpu-a","","gpu-a"])" : "'gpu-a,,gpu-a'";
    EXPECT_EQ(format_diagnostics(r.diagnostics),
              at + ": error: item 2 of " + whole +
                  (given.is_array() ? " is empty; name it or leave it out\n"
                                    : " is empty (two commas, or one at an end?); name it or remove the comma\n") +
                  (given.is_array() ? "/accelerators/2" : "/accelerators") + ": warning: 'gpu-a' is listed twice in " +
                  whole + "; it counts once\n");
  }
  const auto spaced = read_compare_request(
      {{"model", "llama-8b"}, {"train", true}, {"tokens", "1T"}, {"chips", 8}, {"accelerators", "gpu-a, "}}, fixture(),
      FieldStyle{});
  EXPECT_EQ(format_diagnostics(spaced.diagnostics),
            "/accelerators: error: item 2 of 'gpu-a, ' is empty (two commas, or one at an end?); name it or remove "
            "the comma\n");
}

}  // namespace
}  // namespace xpu
