// Energy and power of accelerator fleets: what a run draws from the grid and
// what a fleet needs from the facility.
//
// Formula (Patterson et al. 2021, "Carbon Emissions and Large Neural Network
// Training", arXiv:2104.10350, eq. 1, with a host share added per chip):
//
//   facility power = chips x (TDP x load_factor + host_per_chip) x PUE
//   energy         = facility power x duration
//
// load_factor is the chip's average draw during the run as a fraction of TDP
// (1.0 = TDP, the convention of the Llama 2 model card's emissions table, an
// upper bound for most runs). PUE is facility power over IT power.
#pragma once

#include "base/units.h"
#include "catalog/accelerator.h"

namespace xpu {

struct PowerModel {
  double load_factor = 1.0;  // average chip power / TDP while running (0, 1.5]
  Watts host_per_chip;       // CPU, memory, NICs, fans per chip; zero = not counted
  // 1.2 sits between hyperscale fleets (~1.1, the figure Patterson et al. use
  // for Google) and industry survey averages (~1.5); an assumption, not a fact.
  double pue = 1.2;
};

// The power model of `a` with its catalog host share (zero when unknown).
PowerModel power_model_for(const Accelerator& a, double load_factor = 1.0, double pue = 1.2);

// IT power of `chips` accelerators (chips and hosts, before PUE).
Watts it_power(int chips, Watts tdp, const PowerModel& m);
// Power drawn from the grid by `chips` accelerators: IT power x PUE.
Watts facility_power(int chips, Watts tdp, const PowerModel& m);
// Energy of a run of `duration` on `chips` accelerators, facility included.
Joules run_energy(int chips, Watts tdp, Seconds duration, const PowerModel& m);
// What that energy costs at `price` ($ per joule; see dollars_per_kwh()).
Dollars energy_cost(Joules energy, EnergyPrice price);

// Readers for output: megawatts.
constexpr double in_megawatts(Watts p) { return p.si() * 1e-6; }

// Efficiency: useful work per joule. Edge cases: zero power gives zero.
double flop_per_joule(FlopRate rate, Watts power);
double tokens_per_joule(double tokens_per_second, Watts power);
// Energy per token at `power` and `tokens_per_second` (zero throughput gives zero).
Joules energy_per_token(Watts power, double tokens_per_second);

}  // namespace xpu
