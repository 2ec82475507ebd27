#include "cost/energy.h"

#include "base/check.h"

namespace xpu {

PowerModel power_model_for(const Accelerator& a, double load_factor, double pue) {
  return PowerModel{load_factor, a.power.host_per_chip, pue};
}

Watts it_power(int chips, Watts tdp, const PowerModel& m) {
  XPU_CHECK(chips >= 0);
  return (tdp * m.load_factor + m.host_per_chip) * static_cast<double>(chips);
}

Watts facility_power(int chips, Watts tdp, const PowerModel& m) { return it_power(chips, tdp, m) * m.pue; }

Joules run_energy(int chips, Watts tdp, Seconds duration, const PowerModel& m) {
  return facility_power(chips, tdp, m) * duration;
}

Dollars energy_cost(Joules energy, EnergyPrice price) { return price * energy; }

double flop_per_joule(FlopRate rate, Watts power) { return power.si() > 0 ? rate.si() / power.si() : 0.0; }

double tokens_per_joule(double tokens_per_second, Watts power) {
  return power.si() > 0 ? tokens_per_second / power.si() : 0.0;
}

Joules energy_per_token(Watts power, double tokens_per_second) {
  return tokens_per_second > 0 ? Joules(power.si() / tokens_per_second) : Joules(0);
}

}  // namespace xpu
