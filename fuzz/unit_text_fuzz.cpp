// Unit text ("989 TFLOP/s", "80 GB", "1.2 $/chip/h") and counts ("15T"):
// no crash; a parsed value is finite and within max_magnitude(); a value
// written back with to_text() parses to the same quantity (4 digits).
#include <cmath>

#include "base/unit_text.h"
#include "fuzz_support.h"

namespace {

using namespace xpu;

template <class Q>
void round_trip(double si, const std::string& input) {
  const std::string written = to_text(Q(si));
  auto back = parse_quantity<Q>(written);
  fuzz::require(back.has_value(), "'" + input + "' written as '" + written + "' does not parse back");
  const double b = back->si();
  fuzz::require(std::fabs(b - si) <= 1e-3 * std::fabs(si) + 1e-300,
                "'" + input + "' written as '" + written + "' parses back to another value");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string t = fuzz::text_of(data, size);
  if (auto q = parse_unit_text(t)) {
    fuzz::require(std::isfinite(q->si), "'" + t + "' parses to a non-finite value");
    if (!out_of_range(*q)) {
      switch (q->dim) {
        case Dimension::time:
          round_trip<Seconds>(q->si, t);
          break;
        case Dimension::bytes:
          round_trip<Bytes>(q->si, t);
          break;
        case Dimension::flop_rate:
          round_trip<FlopRate>(q->si, t);
          break;
        case Dimension::power:
          round_trip<Watts>(q->si, t);
          break;
        default:
          break;
      }
    }
  }
  for (Dimension d : {Dimension::time, Dimension::money_rate, Dimension::energy_price}) {
    if (auto q = parse_unit_text_as(t, d)) fuzz::require(q->dim == d, "parse_unit_text_as gave another dimension");
  }
  if (auto c = parse_count_text(t)) {
    fuzz::require(!std::isnan(*c), "'" + t + "' counts as NaN");
    if (std::isfinite(*c) && *c > 0 && *c < 1e30) {
      const std::string written = to_count_text(*c, 6);
      auto back = parse_count_text(written);
      fuzz::require(back && std::fabs(*back - *c) <= 1e-5 * *c,
                    "count '" + t + "' written as '" + written + "' does not parse back");
    }
  }
  return 0;
}
