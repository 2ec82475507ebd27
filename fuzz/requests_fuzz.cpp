// Request bodies (a JSON object, as an HTTP body or the CLI's gathered flags
// carry them) through the api request readers and their checks: the first
// byte picks the job and whether fields are located as flags or pointers.
// No crash; every diagnostic is located at a field; a request read without
// errors passes the api's own check again (the reader and api agree).
#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "ingest/requests.h"

namespace {

// Model names that could name a file are replaced: the fuzzer reads no files.
void no_paths(nlohmann::json& j) {
  for (const char* k : {"model", "show", "cases", "models", "portfolio"}) {
    if (j.contains(k) && j[k].is_string()) {
      const std::string s = j[k].get<std::string>();
      if (s.find('/') != std::string::npos || s.find('.') != std::string::npos || s.find('\\') != std::string::npos) {
        j[k] = "llama3.1-8b";
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xpu;
  if (size < 1) return 0;
  nlohmann::json j = nlohmann::json::parse(fuzz::text_of(data + 1, size - 1), nullptr, false);
  if (j.is_discarded()) return 0;
  if (j.is_object()) no_paths(j);
  FieldStyle style;
  style.flags = (data[0] & 0x80) != 0;
  const DataSet& d = fuzz::shipped_data();
  switch (data[0] % 7) {
    case 0: {
      auto r = read_train_request(j, d, style);
      fuzz::require_located(r.diagnostics);
      if (r.request)
        fuzz::require(!has_errors(api::check(*r.request, d)), "a train request read clean fails its check");
      break;
    }
    case 1: {
      auto r = read_infer_request(j, d, style);
      fuzz::require_located(r.diagnostics);
      if (r.request)
        fuzz::require(!has_errors(api::check(*r.request, d)), "an infer request read clean fails its check");
      break;
    }
    case 2: {
      auto r = read_compare_request(j, d, style);
      fuzz::require_located(r.diagnostics);
      if (r.request)
        fuzz::require(!has_errors(api::check(*r.request, d)), "a compare request read clean fails its check");
      break;
    }
    case 3:
      fuzz::require_located(read_catalog_request(j, style).diagnostics);
      break;
    case 4:
      fuzz::require_located(read_prices_request(j, style).diagnostics);
      break;
    case 5:
      fuzz::require_located(read_models_request(j, d, style).diagnostics);
      break;
    default:
      fuzz::require_located(read_claims_request(j, style).diagnostics);
      break;
  }
  return 0;
}
