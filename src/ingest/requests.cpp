#include "ingest/requests.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "ingest/cases_io.h"
#include "ingest/components_io.h"
#include "ingest/data_files.h"
#include "ingest/model_io.h"
#include "ingest/portfolio_io.h"
#include "ingest/risks_io.h"
#include "perf/layout_rules.h"
#include "sim/from_plan.h"

namespace xpu {
namespace {

// A prompt or an answer longer than this many tokens is out of range (the
// longest context windows shipped are about 10M tokens).
constexpr double kMaxSequenceTokens = 1e8;

const std::vector<std::string> kPrecisions{"bf16", "fp16", "fp8", "fp4", "int8"};

// Runs the api's checks of `r` into `f`, sorts, and packs the result.
template <class T>
RequestRead<T> finish(FieldReader& f, T r, Diagnostics& ds, Diagnostics checks = {}) {
  f.adopt(std::move(checks));
  f.finish();
  RequestRead<T> out;
  if (!has_errors(ds)) out.request = std::move(r);
  out.diagnostics = std::move(ds);
  return out;
}

Precision precision_or(FieldReader& f, std::string_view name, Precision fallback) {
  return f.choice<Precision>(name, parse_precision, kPrecisions).value_or(fallback);
}

// The attention projections' weight format; empty: the checkpoint's rule (attention_weight_precision).
std::optional<Precision> attention_precision_of(FieldReader& f) {
  return f.choice<Precision>("attention_precision", parse_precision, kPrecisions);
}

// The global batch in sequences: given, it must be positive (leaving it out
// picks the default); 0 used to stand for the default, silently.
int global_batch_of(FieldReader& f, int fallback) {
  const auto b = f.integer("global_batch");
  if (b && *b <= 0) f.error("global_batch", fmt::format("must be positive (leave it out for the default), got {}", *b));
  return b && *b > 0 ? *b : fallback;
}

unsigned threads_of(FieldReader& f) {
  const auto t = f.integer("threads");
  if (t && *t < 0) f.error("threads", fmt::format("must be 0 (all cores) or positive, got {}", *t));
  if (t && *t > kMaxThreads) f.error("threads", too_many_threads(*t));
  return t && *t > 0 ? static_cast<unsigned>(std::min(*t, kMaxThreads)) : 0;
}

}  // namespace

std::optional<api::ModelRef> read_model_ref(FieldReader& f, std::string_view field, const DataSet& data,
                                            Diagnostics& ds) {
  auto name = f.text(field);
  if (!name) return std::nullopt;
  api::ModelRef ref{*name, std::nullopt};
  std::error_code ec;
  // Anything on disk that is not a shipped key is read as a config, so that a
  // folder or a device gets the file reader's "is a directory", not "unknown
  // model"; a Hugging Face model folder is read through its config.json.
  if (!data.find_model(*name) && (name->ends_with(".json") || std::filesystem::exists(*name, ec))) {
    std::string path = *name;
    if (const auto inner = std::filesystem::path(path) / "config.json";
        std::filesystem::is_directory(path, ec) && std::filesystem::exists(inner, ec)) {
      path = inner.string();
    }
    Diagnostics file;
    ref.config = read_hf_config(path, file);
    const bool bad = has_errors(file);
    if (bad) ref.config.reset();
    for (auto& d : file) ds.push_back(std::move(d));
    if (!ref.config && !bad) f.error(field, fmt::format("cannot read model config '{}'", *name));
  }
  return ref;
}

namespace {

// The api's "unknown model" when the model named a config file whose own
// errors are already reported: noise, dropped.
Diagnostics without_unknown_config(Diagnostics checks, const Diagnostics& ds, const api::ModelRef& model) {
  const bool config_failed = std::any_of(ds.begin(), ds.end(), [&](const Diagnostic& d) {
    return d.severity == Severity::error && !model.name.empty() &&
           (d.where.file == model.name || d.where.file.starts_with(model.name + "/"));  // a model folder's config.json
  });
  if (config_failed) std::erase_if(checks, [](const Diagnostic& d) { return d.where.pointer == "/model"; });
  return checks;
}

// The two fields every engine job needs: "model" and "accelerator".
void read_model_and_hardware(FieldReader& f, const DataSet& data, Diagnostics& ds, api::ModelRef& model,
                             std::string& accelerator) {
  if (auto m = read_model_ref(f, "model", data, ds)) {
    model = *m;
  } else {
    f.error("model", "is required");
  }
  if (auto a = f.text("accelerator")) {
    accelerator = *a;
  } else {
    f.error("accelerator", "is required");
  }
}

}  // namespace

RequestRead<api::CatalogRequest> read_catalog_request(const nlohmann::json& fields, const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::CatalogRequest r;
  r.vendor = f.text("vendor").value_or("");
  if (auto show = f.text("show")) {
    r.view = api::CatalogView::show;
    r.show = *show;
  }
  if (f.boolean("systems").value_or(false)) r.view = api::CatalogView::systems;
  r.accelerator = f.text("accelerator").value_or("");
  return finish(f, std::move(r), ds);
}

RequestRead<api::ModelsRequest> read_models_request(const nlohmann::json& fields, const DataSet& data,
                                                    const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::ModelsRequest r;
  r.show = read_model_ref(f, "show", data, ds);
  return finish(f, std::move(r), ds);
}

namespace {

api::PricesRequest read_prices_fields(FieldReader& f) {
  api::PricesRequest r;
  r.purchase = f.boolean("purchase").value_or(false);
  r.accelerator = f.text("accelerator").value_or("");
  r.provider = f.text("provider").value_or("");
  r.term = f.choice<Term>("term", parse_term, term_names());
  r.region = f.text("region").value_or("");
  r.provider_class = f.choice<ProviderClass>("provider_class", parse_provider_class, provider_class_names());
  return r;
}

}  // namespace

RequestRead<api::PricesRequest> read_prices_request(const nlohmann::json& fields, const DataSet& data,
                                                    const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::PricesRequest r = read_prices_fields(f);
  Diagnostics checks = api::check(r, data);
  return finish(f, std::move(r), ds, std::move(checks));
}

RequestRead<api::PricesRequest> read_prices_request(const nlohmann::json& fields, const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::PricesRequest r = read_prices_fields(f);
  return finish(f, std::move(r), ds);
}

RequestRead<api::TrainRequest> read_train_request(const nlohmann::json& fields, const DataSet& data,
                                                  const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::TrainRequest r;
  read_model_and_hardware(f, data, ds, r.model, r.accelerator);
  if (auto n = f.integer("chips", static_cast<int>(kMaxChipsSized)))
    r.chips = *n;
  else if (!f.has("chips"))
    f.error("chips", "is required");
  r.seq_len = f.integer("seq_len").value_or(r.seq_len);
  r.global_batch = global_batch_of(f, r.global_batch);
  r.precision = precision_or(f, "precision", r.precision);
  r.tokens = f.count("tokens").value_or(0);
  r.stack = f.text("stack").value_or("");
  LayoutConstraints& c = r.fixed;
  c.tp = f.integer("tp");
  c.pp = f.integer("pp");
  c.dp = f.integer("dp");
  c.cp = f.integer("cp");
  c.ep = f.integer("ep");
  c.vpp = f.integer("vpp");
  c.micro_batch = f.integer("micro_batch");
  c.recompute = f.choice<Recompute>("recompute", parse_recompute, {"none", "selective", "full"});
  c.sharding = f.choice<Sharding>("sharding", parse_sharding, {"none", "zero1", "zero2", "zero3", "fsdp"});
  c.sequence_parallel = f.boolean("sequence_parallel");
  r.top = f.integer("top").value_or(r.top);
  r.memory_margin = f.number("memory_margin").value_or(r.memory_margin);
  r.threads = threads_of(f);
  Diagnostics checks = without_unknown_config(api::check(r, data), ds, r.model);
  return finish(f, std::move(r), ds, std::move(checks));
}

RequestRead<api::InferRequest> read_infer_request(const nlohmann::json& fields, const DataSet& data,
                                                  const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::InferRequest r;
  read_model_and_hardware(f, data, ds, r.model, r.accelerator);
  r.chips = f.integer("chips", static_cast<int>(kMaxChipsSized));
  r.tp = f.integer("tp");
  r.pp = f.integer("pp");
  r.ep = f.integer("ep");
  r.attn_dp = f.integer("attn_dp");
  r.precision = precision_or(f, "precision", r.precision);
  r.kv_precision = f.choice<Precision>("kv_precision", parse_precision, {"bf16", "fp8"});
  r.attention_precision = attention_precision_of(f);
  r.weight_only = f.boolean("weight_only").value_or(false);
  r.input_len = f.count("input_len", kMaxSequenceTokens).value_or(r.input_len);
  r.output_len = f.count("output_len", kMaxSequenceTokens).value_or(r.output_len);
  r.batch = f.integer("batch");
  r.rate = f.rate("rate");
  r.ttft_slo = f.quantity<Seconds>("ttft_slo");
  r.tpot_slo = f.quantity<Seconds>("tpot_slo");
  r.scenario = f.choice<ServingScenario>("scenario", parse_scenario, scenario_names());
  r.max_num_tokens = f.integer("max_num_tokens", api::kMaxNumTokens);
  r.stack = f.text("stack").value_or("");
  Diagnostics checks = without_unknown_config(api::check(r, data), ds, r.model);
  return finish(f, std::move(r), ds, std::move(checks));
}

RequestRead<api::CompareRequest> read_compare_request(const nlohmann::json& fields, const DataSet& data,
                                                      const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::CompareRequest r;
  if (auto m = read_model_ref(f, "model", data, ds))
    r.model = *m;
  else
    f.error("model", "is required");
  const bool train = f.boolean("train").value_or(false), infer = f.boolean("infer").value_or(false);
  if (train == infer) {
    f.error(train ? "infer" : "train", train ? "`train` and `infer` exclude each other" : "give `train` or `infer`");
  }
  r.mode = infer ? Mode::infer : Mode::train;
  // Which workload is meant decides which fields are read (and checked).
  const bool known = train != infer;
  if (known && r.mode == Mode::train) {
    r.tokens = f.count("tokens").value_or(0);
    r.chips = f.integer("chips", static_cast<int>(kMaxChipsSized));
    if (f.has("chips") && f.has("deadline")) f.error("deadline", "`chips` and `deadline` exclude each other");
    r.deadline = f.quantity<Seconds>("deadline", "days");
    r.seq_len = f.integer("seq_len").value_or(r.seq_len);
    r.global_batch = global_batch_of(f, r.global_batch);
    r.precision = precision_or(f, "precision", r.precision);
  } else if (known) {
    r.rate = f.rate("rate").value_or(0);
    r.input_len = f.count("input_len", kMaxSequenceTokens).value_or(r.input_len);
    r.output_len = f.count("output_len", kMaxSequenceTokens).value_or(r.output_len);
    r.precision = precision_or(f, "precision", r.precision);
    r.kv_precision = f.choice<Precision>("kv_precision", parse_precision, {"bf16", "fp8"});
    r.attention_precision = attention_precision_of(f);
    r.ttft_slo = f.quantity<Seconds>("ttft_slo");
    r.tpot_slo = f.quantity<Seconds>("tpot_slo");
    r.max_num_tokens = f.integer("max_num_tokens", api::kMaxNumTokens);
  }
  // A field of the other workload was ignored silently from flags (`infer`
  // with `tokens`) and called unknown in JSON: say whose it is (usertrial2).
  if (known) {
    static const std::vector<std::string> train_only{"tokens", "chips", "deadline", "seq_len", "global_batch"};
    static const std::vector<std::string> infer_only{"rate",         "input_len",           "output_len",
                                                     "kv_precision", "attention_precision", "ttft_slo",
                                                     "tpot_slo",     "max_num_tokens"};
    const bool training = r.mode == Mode::train;
    for (const std::string& name : training ? infer_only : train_only) {
      if (!f.has(name)) continue;
      (void)f.text(name);  // read, so that JSON does not also call it unknown
      f.error(name, fmt::format("is for a {} comparison (`{}`), not this {} one", training ? "serving" : "training",
                                training ? "infer" : "train", training ? "training" : "serving"));
    }
  }
  std::vector<std::string> bases = term_names();
  bases.emplace_back("owned");
  const auto term = f.choice<std::string>(
      "term", [](std::string_view s) { return std::optional<std::string>(s); }, bases);
  if (term) {
    r.owned = *term == "owned";
    if (!r.owned) r.term = *parse_term(*term);
  }
  // Whether a flag changes anything depends on the term: not said of a term
  // that could not be read (`--term spott` is not on-demand).
  const bool term_known = term.has_value() || !f.has("term");
  const auto utilization = f.number("utilization");
  const auto electricity = f.quantity<EnergyPrice>("electricity");
  r.pue = f.number("pue").value_or(r.pue);
  const auto life = f.number("life");
  r.utilization = utilization.value_or(r.utilization);
  r.electricity = electricity.value_or(r.electricity);
  r.life = life.value_or(r.life);
  // A flag is honoured or said to change nothing: `--utilization 0.5` on
  // demand and `--electricity` or `--life` on a rented term were ignored
  // silently (usertrial5). Warnings, since a form may send its defaults.
  // Nor of a value that could not be read: its error says enough.
  if (term_known && utilization && r.utilization != 1.0 && !r.owned && commitment_length(r.term).si() == 0) {
    ds.push_back(warning_at({.pointer = f.where("utilization")},
                            fmt::format("applies to committed (1y, 3y) and owned hours; {} hours are paid only when "
                                        "used, so it changes nothing here",
                                        to_string(r.term))));
  }
  for (const auto& [name, read] :
       {std::pair{"electricity", electricity.has_value()}, std::pair{"life", life.has_value()}}) {
    if (term_known && read && !r.owned) {
      ds.push_back(warning_at({.pointer = f.where(name)},
                              "applies to owned hardware (term owned); a rented price includes power and the "
                              "hardware, so it changes nothing here"));
    }
  }
  r.baseline = f.text("baseline").value_or(r.baseline);
  r.accelerators = f.list("accelerators").value_or(std::vector<std::string>{});
  r.region = f.text("region").value_or("");
  r.provider = f.text("provider").value_or("");
  r.provider_class = f.choice<ProviderClass>("provider_class", parse_provider_class, provider_class_names());
  r.sensitivity = f.boolean("sensitivity").value_or(false);
  r.threads = threads_of(f);
  Diagnostics checks = known ? without_unknown_config(api::check(r, data), ds, r.model) : Diagnostics{};
  // "give chips or deadline" is noise when one was given but could not be read.
  if ((f.has("chips") || f.has("deadline")) && !r.chips && !r.deadline) {
    std::erase_if(checks, [](const Diagnostic& d) { return d.where.pointer == "/chips"; });
  }
  return finish(f, std::move(r), ds, std::move(checks));
}

RequestRead<api::ClaimsRequest> read_claims_request(const nlohmann::json& fields, const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::ClaimsRequest r;
  r.threads = threads_of(f);
  return finish(f, r, ds);
}

RequestRead<api::ValidateRequest> read_validate_request(const nlohmann::json& fields, const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::ValidateRequest r;
  const std::string cases = f.text("cases").value_or(shipped_cases_path());
  std::string models = f.text("models").value_or("");
  r.mode = f.choice<Mode>("mode", parse_mode, mode_names());
  r.threads = threads_of(f);
  f.finish();
  if (!f.ok()) return {std::nullopt, std::move(ds)};
  r.cases_name = cases;
  r.cases = read_cases(cases, ds);
  // Models the shipped data lacks may come from a models.csv beside the cases
  // (CASES.md's companion file) or be named with "models".
  if (models.empty()) {
    const auto beside = std::filesystem::path(cases).parent_path() / "models.csv";
    std::error_code ec;
    if (std::filesystem::exists(beside, ec)) models = beside.string();
  }
  if (!models.empty() && !has_errors(ds)) r.models = read_models_csv(models, ds);
  RequestRead<api::ValidateRequest> out;
  if (!has_errors(ds)) out.request = std::move(r);
  out.diagnostics = std::move(ds);
  return out;
}

RequestRead<api::ComponentsRequest> read_components_request(const nlohmann::json& fields, const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  const std::string path = f.text("cases").value_or("");
  f.finish();
  if (!f.ok()) return {std::nullopt, std::move(ds)};
  std::vector<std::string> files;
  std::error_code ec;
  if (path.empty()) {
    files = component_files(shipped_data_dir());
  } else if (std::filesystem::is_directory(path, ec)) {
    for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
      if (e.path().extension() == ".yaml") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  api::ComponentsRequest r;
  for (const auto& file : files) {
    for (auto& c : read_components(file, ds)) r.cases.push_back(std::move(c));
  }
  RequestRead<api::ComponentsRequest> out;
  // A file that cannot be read is an error; a bad entry in it is left out with a warning.
  if (!has_errors(ds) || !r.cases.empty()) out.request = std::move(r);
  out.diagnostics = std::move(ds);
  return out;
}

RequestRead<api::CalibrateRequest> read_calibrate_request(const nlohmann::json& fields, const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::CalibrateRequest r;
  // One file or several, fitted together (default: every shipped case file).
  const auto given = f.list("cases");
  r.date = f.text("date").value_or("");
  r.threads = threads_of(f);
  f.finish();
  if (!f.ok()) return {std::nullopt, std::move(ds)};
  const bool shipped = !given || given->empty();
  const std::vector<std::string> paths = shipped ? shipped_case_files() : *given;
  for (const auto& p : paths) {
    for (auto& c : read_cases(p, ds)) r.cases.push_back(std::move(c));
    r.cases_name += (r.cases_name.empty() ? "" : " + ") + p;
  }
  r.cases_label = shipped ? "data/validation/cases.csv + cases-2025.csv" : r.cases_name;
  RequestRead<api::CalibrateRequest> out;
  if (!has_errors(ds)) out.request = std::move(r);
  out.diagnostics = std::move(ds);
  return out;
}

RequestRead<api::PlanRequest> read_plan_request(const nlohmann::json& fields, const DataSet& data,
                                                const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::PlanRequest r;
  const auto portfolio = f.text("portfolio");
  if (!portfolio) f.error("portfolio", "is required");
  r.time_limit = f.number("time_limit").value_or(r.time_limit);
  r.gap = f.number("gap").value_or(r.gap);
  r.threads = f.integer("threads").value_or(r.threads);
  if (r.threads > kMaxThreads) f.error("threads", too_many_threads(r.threads));
  r.baselines = !f.boolean("no_baselines").value_or(false);
  r.fluid = f.boolean("fluid").value_or(false);
  const auto risks = f.text("risks");
  const bool no_interruptions = f.boolean("no_interruptions").value_or(false);
  if (risks && no_interruptions) f.error("no_interruptions", "give either `risks` or `no_interruptions`, not both");
  f.adopt(api::check(r));
  f.finish();
  if (!f.ok()) return {std::nullopt, std::move(ds)};
  r.portfolio = read_portfolio(*portfolio, data, ds);
  if (!has_errors(ds)) {
    // The interruptions planned for: the portfolio's `risks:` section and --risks, as `simulate` reads them.
    const auto given = no_interruptions
                           ? std::nullopt
                           : read_portfolio_risks(*portfolio, risks, sim_pools_from_portfolio(r.portfolio), ds);
    set_planned_interruptions(r.portfolio, given, no_interruptions);
  }
  RequestRead<api::PlanRequest> out;
  if (!has_errors(ds)) out.request = std::move(r);
  out.diagnostics = std::move(ds);
  return out;
}

}  // namespace xpu
