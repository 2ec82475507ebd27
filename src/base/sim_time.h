// Simulated time: integer nanoseconds, so event order never depends on
// floating-point rounding. SimTime is a point (nanoseconds since the start of
// a simulation); SimDuration is a span. Only meaningful arithmetic compiles:
// point + span -> point, point - point -> span, span +/- span -> span.
// Conversions from seconds round to the nearest nanosecond and saturate at
// about +/-292 years (SimTime::never() stands for "not scheduled").
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

#include "base/units.h"

namespace xpu {

class SimDuration {
 public:
  constexpr SimDuration() = default;
  static constexpr SimDuration from_ns(int64_t ns) { return SimDuration(ns); }
  // Rounds to the nearest nanosecond; NaN maps to zero, +/-inf and overflow saturate.
  static SimDuration from_seconds(double s) {
    if (std::isnan(s)) return SimDuration();
    const double ns = std::round(s * 1e9);
    if (ns >= 9.2e18) return max();
    if (ns <= -9.2e18) return SimDuration(-std::numeric_limits<int64_t>::max());
    return SimDuration(static_cast<int64_t>(ns));
  }
  static SimDuration from(Seconds s) { return from_seconds(s.si()); }
  static constexpr SimDuration max() { return SimDuration(std::numeric_limits<int64_t>::max()); }

  [[nodiscard]] constexpr int64_t ns() const { return ns_; }
  [[nodiscard]] constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }
  [[nodiscard]] constexpr double hours() const { return static_cast<double>(ns_) / 3.6e12; }
  [[nodiscard]] constexpr Seconds to_seconds() const { return Seconds(seconds()); }

  friend constexpr SimDuration operator+(SimDuration a, SimDuration b) { return SimDuration(a.ns_ + b.ns_); }
  friend constexpr SimDuration operator-(SimDuration a, SimDuration b) { return SimDuration(a.ns_ - b.ns_); }
  friend constexpr SimDuration operator*(SimDuration a, int64_t k) { return SimDuration(a.ns_ * k); }
  friend constexpr auto operator<=>(SimDuration, SimDuration) = default;
  friend constexpr bool operator==(SimDuration, SimDuration) = default;

 private:
  constexpr explicit SimDuration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

class SimTime {
 public:
  constexpr SimTime() = default;
  static constexpr SimTime from_ns(int64_t ns) { return SimTime(ns); }
  static constexpr SimTime start() { return SimTime(0); }
  // Later than any event: "not scheduled".
  static constexpr SimTime never() { return SimTime(std::numeric_limits<int64_t>::max()); }

  [[nodiscard]] constexpr int64_t ns() const { return ns_; }
  [[nodiscard]] constexpr double hours() const { return static_cast<double>(ns_) / 3.6e12; }
  [[nodiscard]] constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }

  // Saturates at never(): adding to never() stays never().
  friend constexpr SimTime operator+(SimTime t, SimDuration d) {
    if (t.ns_ == std::numeric_limits<int64_t>::max()) return t;
    if (d.ns() > 0 && t.ns_ > std::numeric_limits<int64_t>::max() - d.ns()) return never();
    return SimTime(t.ns_ + d.ns());
  }
  friend constexpr SimDuration operator-(SimTime a, SimTime b) { return SimDuration::from_ns(a.ns_ - b.ns_); }
  friend constexpr auto operator<=>(SimTime, SimTime) = default;
  friend constexpr bool operator==(SimTime, SimTime) = default;

 private:
  constexpr explicit SimTime(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

}  // namespace xpu
