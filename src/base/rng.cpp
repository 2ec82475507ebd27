#include "base/rng.h"

#include <cmath>
#include <numbers>

namespace xpu {
namespace {

// Philox4x32 multipliers and Weyl key increments (Salmon et al. 2011, table 2).
constexpr uint32_t kM0 = 0xD2511F53u;
constexpr uint32_t kM1 = 0xCD9E8D57u;
constexpr uint32_t kW0 = 0x9E3779B9u;
constexpr uint32_t kW1 = 0xBB67AE85u;

inline void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = static_cast<uint64_t>(a) * b;
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}

}  // namespace

std::array<uint32_t, 4> philox4x32_10(std::array<uint32_t, 4> c, std::array<uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0 = 0, lo0 = 0, hi1 = 0, lo1 = 0;
    mulhilo(kM0, c[0], hi0, lo0);
    mulhilo(kM1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    k[0] += kW0;
    k[1] += kW1;
  }
  return c;
}

uint64_t RngStream::next_u64() {
  const uint64_t half = index_ & 1u;
  if (half == 0) {
    const uint64_t block = index_ >> 1;
    block_ = philox4x32_10({static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), stream_, replica_}, key_);
  }
  ++index_;
  const uint32_t hi = block_[2 * half];
  const uint32_t lo = block_[2 * half + 1];
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

double RngStream::exponential() { return -std::log(uniform_pos()); }

double RngStream::normal() {
  const double u1 = uniform_pos();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace xpu
