// Requests from outside: one reader per api job, from a JSON object (field
// names = the CLI's flag names in snake_case, the same defaults, the same
// unit text: "40 ms", "15T") or from the CLI's flags gathered into the same
// kind of object. Each reads every field through request_fields.h, runs the
// api's own checks, and reports every problem at its field. Readers that
// name files (cases, models, a portfolio, a model's config.json) read them
// through the one file reader (ingest/text_file.h).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>

#include "api/catalog.h"
#include "api/compare.h"
#include "api/evidence.h"
#include "api/infer.h"
#include "api/plan.h"
#include "api/train.h"
#include "ingest/request_fields.h"

namespace xpu {

template <class T>
struct RequestRead {
  std::optional<T> request;  // set when no diagnostic is an error
  Diagnostics diagnostics;   // errors; warnings and notes (rows of a case file that could not be read)
};

RequestRead<api::CatalogRequest> read_catalog_request(const nlohmann::json& fields, const FieldStyle& style = {});
RequestRead<api::ModelsRequest> read_models_request(const nlohmann::json& fields, const DataSet& data,
                                                    const FieldStyle& style = {});
RequestRead<api::PricesRequest> read_prices_request(const nlohmann::json& fields, const FieldStyle& style = {});
// The same, with api::check's problems (an unknown accelerator, provider or
// region) among the fields' own, so that one pass reports them all.
RequestRead<api::PricesRequest> read_prices_request(const nlohmann::json& fields, const DataSet& data,
                                                    const FieldStyle& style = {});
RequestRead<api::TrainRequest> read_train_request(const nlohmann::json& fields, const DataSet& data,
                                                  const FieldStyle& style = {});
RequestRead<api::InferRequest> read_infer_request(const nlohmann::json& fields, const DataSet& data,
                                                  const FieldStyle& style = {});
RequestRead<api::CompareRequest> read_compare_request(const nlohmann::json& fields, const DataSet& data,
                                                      const FieldStyle& style = {});
RequestRead<api::ClaimsRequest> read_claims_request(const nlohmann::json& fields, const FieldStyle& style = {});
// "cases" (a CSV path; default: the shipped cases), "models" (a models.csv;
// default: the one beside the cases, if any), "mode", "threads".
RequestRead<api::ValidateRequest> read_validate_request(const nlohmann::json& fields, const FieldStyle& style = {});
// validate --components: "cases" (a component YAML file or a directory of
// them; default: the shipped data/components). Bad entries are warnings and
// left out; the rest are read.
RequestRead<api::ComponentsRequest> read_components_request(const nlohmann::json& fields, const FieldStyle& style = {});
// "cases" (one file or a list, fitted together; default: every shipped case file), "date" (default: empty, the shell's
// today), "threads".
RequestRead<api::CalibrateRequest> read_calibrate_request(const nlohmann::json& fields, const FieldStyle& style = {});
// "portfolio" (a file, resolved against `data`), "time_limit", "gap", "threads", "no_baselines".
RequestRead<api::PlanRequest> read_plan_request(const nlohmann::json& fields, const DataSet& data,
                                                const FieldStyle& style = {});

// A model field: a shipped key, else a Hugging Face config.json path (a name
// ending in .json or naming a file), read here; else the name as given (the
// api reports it unknown with a suggestion).
std::optional<api::ModelRef> read_model_ref(FieldReader& f, std::string_view field, const DataSet& data,
                                            Diagnostics& ds);

}  // namespace xpu
