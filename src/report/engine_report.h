// The engine jobs' reports (train, infer) as terminal text and canonical JSON:
// the one JSON rendering each, which `--json` prints. JSON carries no timings,
// so the same request gives byte-identical output.
#pragma once

#include <string>

#include "api/infer.h"
#include "api/train.h"
#include "report/json_out.h"

namespace xpu {

Json to_json(const api::TrainReport& r);
std::string to_text(const api::TrainReport& r);

Json to_json(const api::InferReport& r);
std::string to_text(const api::InferReport& r);

}  // namespace xpu
