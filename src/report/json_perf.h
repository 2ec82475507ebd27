// JSON for performance results (train, validate): canonical, see json_out.h.
#pragma once

#include "perf/search.h"
#include "perf/training.h"
#include "report/json_out.h"

namespace xpu {

Json to_json(const Layout& l);
Json to_json(const TrainingEstimate& e);

}  // namespace xpu
