// The evidence jobs: validate (predict published measurements and report the
// error) and calibrate (refit each stack's few efficiency parameters to them).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/common.h"
#include "base/parallel.h"
#include "evidence/calibrate.h"
#include "evidence/summary.h"
#include "evidence/validate.h"
#include "perf/component_check.h"

namespace xpu::api {

struct ValidateRequest {
  std::vector<ValidationCase> cases;  // read by a shell (ingest/cases_io.h)
  std::string cases_name;             // where they came from, for notes
  std::vector<ModelArch> models;      // models the data set lacks (a models.csv beside the cases)
  std::optional<Mode> mode;           // only the cases of this mode
  unsigned threads = 0;               // the user's request; the shell passes the budget
};

struct ValidateReport {
  std::vector<CaseResult> results;  // in case order
  ErrorSummary summary;
  Diagnostics notes;  // names read as keys ("case A: accelerator 'H100 SXM' read as 'h100-sxm'")
  Outcome outcome = Outcome::answered;
};

Expected<ValidateReport, Diagnostics> run_validate(const DataSet& data, const ValidateRequest& request,
                                                   ThreadBudget threads);

struct CalibrateRequest {
  std::vector<ValidationCase> cases;  // rows that could not be read are left out, from every file
  std::string cases_name;             // the files they came from ("a.csv + b.csv")
  std::string cases_label;            // recorded in the calibration file ("data/validation/cases.csv + cases-2025.csv")
  std::string date;                   // recorded in the file (YYYY-MM-DD); a shell fills in today
  unsigned threads = 0;
};

struct CalibrateReport {
  std::vector<StackCalibration> fits;
  ErrorSummary leave_one_out;  // every fitted case's leave-one-out error, grouped as validate groups errors
  std::string cases_name, cases_label, date;
  double seconds = 0;  // wall time of the fit (text output only)
  Outcome outcome = Outcome::answered;
};

// validate --components: the component models against published
// microbenchmarks (data/components), separately from the end-to-end cases.
struct ComponentsRequest {
  std::vector<ComponentCase> cases;  // read by a shell (ingest/components_io.h)
};

struct ComponentsReport {
  std::vector<ComponentResult> results;  // in entry order
  Outcome outcome = Outcome::answered;
};

Expected<ComponentsReport, Diagnostics> run_validate_components(const DataSet& data, const ComponentsRequest& request);

// `data` must hold the stack priors (loaded without the calibration applied).
Expected<CalibrateReport, Diagnostics> run_calibrate(const DataSet& data, const CalibrateRequest& request,
                                                     ThreadBudget threads);

// The validator's view of `data` (and of extra `models`), which must outlive it.
ValidationInputs validation_inputs(const DataSet& data, const std::vector<ModelArch>& models, ThreadBudget threads);

}  // namespace xpu::api
