// Checkpoint/restart arithmetic shared by the planner (the slack it plans for
// interruptions) and the simulator (the interval it checkpoints at), so that
// a plan and its simulation assume the same thing.
#pragma once

#include "base/units.h"

namespace xpu {

// Compute time between checkpoints that minimizes expected waste, for a
// checkpoint write time `write` and a mean time between interruptions `mtbf`
// (Daly 2006, "A higher order estimate of the optimum checkpoint interval for
// restart dumps", FGCS 22(3) 2006; Young 1974's sqrt(2 write mtbf) to first
// order). Infinite when mtbf is infinite; mtbf itself when write >= 2 mtbf.
Seconds young_daly_interval(Seconds write, Seconds mtbf);

// Expected fraction of a gang's wall time that trains, in [0, 1], when it is
// interrupted `per_s` times a second (a Poisson rate), writes a checkpoint
// of `write` seconds every young_daly_interval(write, 1 / per_s) compute
// seconds and stalls `restart` seconds per interruption (detection, reload).
// First order (Daly 2006, sec. 2): waste = write / tau + (tau / 2 + restart) / M
// with M = 1 / per_s; 1 when per_s is 0; restart / M only when write is 0.
double expected_goodput(Seconds write, Seconds restart, double per_s);

}  // namespace xpu
