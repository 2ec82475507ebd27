#include "api/evidence.h"

#include <chrono>

#include "evidence/case_keys.h"

namespace xpu::api {

ValidationInputs validation_inputs(const DataSet& data, const std::vector<ModelArch>& models, ThreadBudget threads) {
  ValidationInputs in;
  in.catalog = &data.catalog;
  in.find_model = [&data, &models](const std::string& key) -> const ModelArch* {
    if (const ModelArch* m = data.find_model(key)) return m;
    for (const auto& m : models) {
      if (m.key == key) return &m;
    }
    return nullptr;
  };
  in.mlperf = data.mlperf;
  in.mlperf_inference = data.mlperf_inference;
  in.threads = threads;
  return in;
}

Expected<ValidateReport, Diagnostics> run_validate(const DataSet& data, const ValidateRequest& r,
                                                   ThreadBudget threads) {
  ValidateReport out;
  std::vector<ValidationCase> cases = r.cases;
  if (r.mode) std::erase_if(cases, [&](const ValidationCase& c) { return c.mode != *r.mode; });
  std::vector<std::string> models = data.model_keys();
  for (const auto& m : r.models) models.push_back(m.key);
  match_case_keys(cases, r.cases_name, data.catalog.accelerator_keys(), models, out.notes);
  out.results = predict_cases(cases, validation_inputs(data, r.models, threads));
  out.summary = summarize(out.results);
  return out;
}

Expected<ComponentsReport, Diagnostics> run_validate_components(const DataSet& data, const ComponentsRequest& r) {
  ComponentsReport out;
  out.results.reserve(r.cases.size());
  for (const auto& c : r.cases) out.results.push_back(predict_component(c, data.catalog));
  return out;
}

Expected<CalibrateReport, Diagnostics> run_calibrate(const DataSet& data, const CalibrateRequest& r,
                                                     ThreadBudget threads) {
  CalibrateReport out;
  out.cases_name = r.cases_name;
  out.cases_label = r.cases_label;
  out.date = r.date;
  std::vector<ValidationCase> cases = r.cases;
  std::erase_if(cases, [](const ValidationCase& c) { return !c.invalid.empty(); });
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<ModelArch> no_extra_models;
  out.fits = calibrate_stacks(cases, validation_inputs(data, no_extra_models, threads));
  std::vector<CaseResult> out_of_sample;
  for (const auto& f : out.fits) {
    for (size_t i = 0; i < f.results.size() && i < f.loo_pct.size(); ++i) {
      CaseResult c = f.results[i];
      c.error_pct = f.loo_pct[i];
      c.predicted = c.measured * (1.0 + c.error_pct / 100.0);
      out_of_sample.push_back(std::move(c));
    }
  }
  out.leave_one_out = summarize(out_of_sample);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace xpu::api
