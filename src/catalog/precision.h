// Numeric formats of matmuls and stored tensors.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace xpu {

enum class Precision : unsigned char { fp32, tf32, bf16, fp16, fp8, fp4, int8 };
inline constexpr int kPrecisionCount = 7;
inline constexpr std::array<Precision, kPrecisionCount> kAllPrecisions{
    Precision::fp32, Precision::tf32, Precision::bf16, Precision::fp16,
    Precision::fp8,  Precision::fp4,  Precision::int8};

std::string_view to_string(Precision p);
std::optional<Precision> parse_precision(std::string_view s);

// Storage size of one element in bytes (fp4 is half a byte; tf32 is stored as fp32).
constexpr double bytes_per_element(Precision p) {
  switch (p) {
    case Precision::fp32:
    case Precision::tf32:
      return 4.0;
    case Precision::bf16:
    case Precision::fp16:
      return 2.0;
    case Precision::fp8:
    case Precision::int8:
      return 1.0;
    case Precision::fp4:
      return 0.5;
  }
  return 4.0;
}

}  // namespace xpu
