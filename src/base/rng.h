// Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw,
// "Parallel random numbers: as easy as 1, 2, 3", SC'11; Random123).
//
// A stream is keyed by (seed, replica, stream): the seed is the Philox key and
// (draw index, stream, replica) the counter, so draw k of a stream is a pure
// function of those four numbers. Any split of replicas over threads or MPI
// ranks sees the same numbers, and two policies that open the same stream of
// the same replica see the same draws (common random numbers).
#pragma once

#include <array>
#include <cstdint>

namespace xpu {

// One Philox4x32-10 block: 10 rounds over a 128-bit counter with a 64-bit key.
std::array<uint32_t, 4> philox4x32_10(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key);

class RngStream {
 public:
  RngStream(uint64_t seed, uint32_t replica, uint32_t stream)
      : key_{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}, replica_(replica), stream_(stream) {}

  // 64 uniformly distributed bits (two 32-bit outputs of a block).
  uint64_t next_u64();
  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1]: safe under log().
  double uniform_pos() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
  // Exp(1): the inverse CDF, -log(U) with U in (0, 1].
  double exponential();
  // Standard normal (Box-Muller; one value per call, the pair's second is dropped
  // so a stream's k-th normal does not depend on earlier calls of other kinds).
  double normal();

  // Draws taken so far (each 64-bit value counts one).
  uint64_t position() const { return index_; }

 private:
  std::array<uint32_t, 2> key_;
  uint32_t replica_;
  uint32_t stream_;
  uint64_t index_ = 0;  // 64-bit draws taken; block = index_ / 2
  std::array<uint32_t, 4> block_{};
};

// Stream numbers for the kinds of randomness one replica uses, so that two
// kinds never share a stream: top 4 bits the kind, low 28 bits an index.
constexpr uint32_t stream_id(uint32_t kind, uint32_t index) { return (kind << 28) | (index & 0x0fffffffu); }

}  // namespace xpu
