// The simulate job's request from flags or JSON (fields as in
// ingest/requests.h): "portfolio" (a file) with optional "plan" (a saved plan,
// ingest/saved_plan_io.h), or "scenario" (a simulator input file,
// ingest/sim_input_io.h); "risks" (a risks file, ingest/risks_io.h, resolved
// against the input's pools), "replicas", "seed", "policy" (a list),
// "months", "threads", "time_limit", "gap".
#pragma once

#include "api/simulate.h"
#include "ingest/requests.h"

namespace xpu {

RequestRead<api::SimulateRequest> read_simulate_request(const nlohmann::json& fields, const DataSet& data,
                                                        const FieldStyle& style = {});

}  // namespace xpu
