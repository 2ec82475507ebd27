// Strong unit types for the physical and money quantities xpuplan computes.
//
// Each quantity is a double in SI units (seconds, bytes, FLOP, watts, joules,
// US dollars) wrapped in its own type, in the style of absl::Duration. Only
// physical identities compile: FlopCount / FlopRate -> Seconds, Bytes /
// ByteRate -> Seconds, DollarRate * Seconds -> Dollars, and so on. FlopCount
// and FlopRate are distinct types, which ends the FLOPs vs FLOP/s confusion.
// `.si()` unwraps the raw value and belongs at output boundaries only.
#pragma once

#include <compare>

namespace xpu {

template <class Tag>
class Quantity {
 public:
  constexpr Quantity() = default;
  constexpr explicit Quantity(double v) : v_(v) {}

  // The value in SI base units (s, B, FLOP, FLOP/s, W, J, $, $/s).
  [[nodiscard]] constexpr double si() const { return v_; }

  constexpr Quantity& operator+=(Quantity o) {
    v_ += o.v_;
    return *this;
  }
  constexpr Quantity& operator-=(Quantity o) {
    v_ -= o.v_;
    return *this;
  }
  constexpr Quantity& operator*=(double k) {
    v_ *= k;
    return *this;
  }
  constexpr Quantity& operator/=(double k) {
    v_ /= k;
    return *this;
  }

  friend constexpr Quantity operator+(Quantity a, Quantity b) { return Quantity(a.v_ + b.v_); }
  friend constexpr Quantity operator-(Quantity a, Quantity b) { return Quantity(a.v_ - b.v_); }
  friend constexpr Quantity operator-(Quantity a) { return Quantity(-a.v_); }
  friend constexpr Quantity operator*(Quantity a, double k) { return Quantity(a.v_ * k); }
  friend constexpr Quantity operator*(double k, Quantity a) { return Quantity(k * a.v_); }
  friend constexpr Quantity operator/(Quantity a, double k) { return Quantity(a.v_ / k); }
  // The ratio of two like quantities is a plain number.
  friend constexpr double operator/(Quantity a, Quantity b) { return a.v_ / b.v_; }
  friend constexpr auto operator<=>(Quantity, Quantity) = default;
  friend constexpr bool operator==(Quantity, Quantity) = default;

 private:
  double v_ = 0.0;
};

struct SecondsTag {};
struct BytesTag {};
struct ByteRateTag {};
struct FlopCountTag {};
struct FlopRateTag {};
struct WattsTag {};
struct JoulesTag {};
struct DollarsTag {};
struct DollarRateTag {};
struct EnergyPriceTag {};
struct HertzTag {};

using Seconds = Quantity<SecondsTag>;          // s
using Bytes = Quantity<BytesTag>;              // B
using ByteRate = Quantity<ByteRateTag>;        // B/s
using FlopCount = Quantity<FlopCountTag>;      // FLOP
using FlopRate = Quantity<FlopRateTag>;        // FLOP/s
using Watts = Quantity<WattsTag>;              // W
using Joules = Quantity<JoulesTag>;            // J
using Dollars = Quantity<DollarsTag>;          // USD
using DollarRate = Quantity<DollarRateTag>;    // USD/s (prices are quoted per hour; see per_hour())
using EnergyPrice = Quantity<EnergyPriceTag>;  // USD/J (electricity is quoted per kWh)
using Hertz = Quantity<HertzTag>;              // 1/s (clocks; only ratios of clocks enter the models)

// --- Physical identities (the only cross-type operators that exist) ---------

constexpr Seconds operator/(FlopCount f, FlopRate r) { return Seconds(f.si() / r.si()); }
constexpr FlopRate operator/(FlopCount f, Seconds t) { return FlopRate(f.si() / t.si()); }
constexpr FlopCount operator*(FlopRate r, Seconds t) { return FlopCount(r.si() * t.si()); }
constexpr FlopCount operator*(Seconds t, FlopRate r) { return r * t; }

constexpr Seconds operator/(Bytes b, ByteRate r) { return Seconds(b.si() / r.si()); }
constexpr ByteRate operator/(Bytes b, Seconds t) { return ByteRate(b.si() / t.si()); }
constexpr Bytes operator*(ByteRate r, Seconds t) { return Bytes(r.si() * t.si()); }
constexpr Bytes operator*(Seconds t, ByteRate r) { return r * t; }

constexpr Joules operator*(Watts p, Seconds t) { return Joules(p.si() * t.si()); }
constexpr Joules operator*(Seconds t, Watts p) { return p * t; }
constexpr Watts operator/(Joules e, Seconds t) { return Watts(e.si() / t.si()); }
constexpr Seconds operator/(Joules e, Watts p) { return Seconds(e.si() / p.si()); }

constexpr Dollars operator*(DollarRate r, Seconds t) { return Dollars(r.si() * t.si()); }
constexpr Dollars operator*(Seconds t, DollarRate r) { return r * t; }
constexpr DollarRate operator/(Dollars d, Seconds t) { return DollarRate(d.si() / t.si()); }
constexpr Seconds operator/(Dollars d, DollarRate r) { return Seconds(d.si() / r.si()); }

constexpr Dollars operator*(EnergyPrice p, Joules e) { return Dollars(p.si() * e.si()); }
constexpr Dollars operator*(Joules e, EnergyPrice p) { return p * e; }

// --- Constructors in the units people write ---------------------------------

constexpr Seconds seconds(double v) { return Seconds(v); }
constexpr Seconds milliseconds(double v) { return Seconds(v * 1e-3); }
constexpr Seconds microseconds(double v) { return Seconds(v * 1e-6); }
constexpr Seconds nanoseconds(double v) { return Seconds(v * 1e-9); }
constexpr Seconds hours(double v) { return Seconds(v * 3600.0); }
constexpr Seconds days(double v) { return Seconds(v * 86400.0); }

constexpr Bytes bytes(double v) { return Bytes(v); }
constexpr Bytes gigabytes(double v) { return Bytes(v * 1e9); }
constexpr Bytes gibibytes(double v) { return Bytes(v * 1073741824.0); }
constexpr ByteRate bytes_per_second(double v) { return ByteRate(v); }
constexpr ByteRate gigabytes_per_second(double v) { return ByteRate(v * 1e9); }
constexpr ByteRate terabytes_per_second(double v) { return ByteRate(v * 1e12); }

constexpr FlopCount flops(double v) { return FlopCount(v); }
constexpr FlopRate flop_per_second(double v) { return FlopRate(v); }
constexpr FlopRate teraflop_per_second(double v) { return FlopRate(v * 1e12); }

constexpr Watts watts(double v) { return Watts(v); }
constexpr Hertz megahertz(double v) { return Hertz(v * 1e6); }
constexpr Joules joules(double v) { return Joules(v); }
constexpr Dollars dollars(double v) { return Dollars(v); }
constexpr DollarRate dollars_per_hour(double v) { return DollarRate(v / 3600.0); }
constexpr EnergyPrice dollars_per_kwh(double v) { return EnergyPrice(v / 3.6e6); }

// Readers for output boundaries, in the units people read.
constexpr double in_hours(Seconds t) { return t.si() / 3600.0; }
constexpr double in_ms(Seconds t) { return t.si() * 1e3; }
constexpr double per_hour(DollarRate r) { return r.si() * 3600.0; }
constexpr double in_tflops(FlopRate r) { return r.si() * 1e-12; }
constexpr double in_gb(Bytes b) { return b.si() * 1e-9; }
constexpr double in_kwh(Joules e) { return e.si() / 3.6e6; }
constexpr double in_mwh(Joules e) { return e.si() / 3.6e9; }
constexpr double per_kwh(EnergyPrice p) { return p.si() * 3.6e6; }

}  // namespace xpu
