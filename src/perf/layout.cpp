#include "perf/layout.h"

#include <fmt/format.h>

#include <array>

#include <utility>
#include "base/enum_names.h"

namespace xpu {
namespace {

constexpr std::array<std::pair<Recompute, std::string_view>, 3> kRecompute{
    {{Recompute::none, "none"}, {Recompute::selective, "selective"}, {Recompute::full, "full"}}};
constexpr std::array<std::pair<Sharding, std::string_view>, 5> kSharding{{{Sharding::none, "none"},
                                                                          {Sharding::zero1, "zero1"},
                                                                          {Sharding::zero2, "zero2"},
                                                                          {Sharding::zero3, "zero3"},
                                                                          {Sharding::fsdp, "fsdp"}}};

}  // namespace

std::string_view to_string(Recompute r) { return name_of(kRecompute, r); }
std::optional<Recompute> parse_recompute(std::string_view s) { return value_of(kRecompute, s); }
std::string_view to_string(Sharding s) { return name_of(kSharding, s); }
std::optional<Sharding> parse_sharding(std::string_view s) { return value_of(kSharding, s); }

std::string describe(const Layout& l) {
  std::string s = fmt::format("tp{} pp{} dp{}", l.tp, l.pp, l.dp);
  if (l.cp > 1) s += fmt::format(" cp{}", l.cp);
  if (l.ep > 1) s += fmt::format(" ep{}", l.ep);
  if (l.vpp > 1) s += fmt::format(" vpp{}", l.vpp);
  s += fmt::format(" mb{}", l.micro_batch);
  if (l.recompute != Recompute::none) s += fmt::format(" {}", to_string(l.recompute));
  if (l.sharding != Sharding::none) s += fmt::format(" {}", to_string(l.sharding));
  if (l.sequence_parallel) s += " sp";
  return s;
}

}  // namespace xpu
