// Positions in a Portfolio's offers and workloads, as strong ids: a plan's
// decisions name the offer and the workload they are about, and one cannot
// stand for the other (Portfolio::offer(), Portfolio::workload()).
#pragma once

#include "base/id.h"

namespace xpu {

struct OfferTag {};
struct WorkloadTag {};
using OfferId = Id<OfferTag>;
using WorkloadId = Id<WorkloadTag>;

}  // namespace xpu
