#include "perf/layout_rules.h"

#include <fmt/format.h>

#include <vector>

namespace xpu {
namespace {

std::string divisors_text(int n) {
  std::vector<int> out;
  for (int d = 1; d <= n && out.size() < 12; ++d) {
    if (n % d == 0) out.push_back(d);
  }
  return fmt::format("{}", fmt::join(out, ", "));
}

}  // namespace

Diagnostics check_fixed_degrees(const ModelArch& m, const FixedDegrees& d) {
  Diagnostics ds;
  auto at = [&](const char* field, std::string message) {
    ds.push_back(error_at({.pointer = std::string("/") + field}, std::move(message)));
  };
  const int pp = d.pp && *d.pp > 0 ? *d.pp : 1;
  if (d.pp && *d.pp > 0 && *d.pp > m.layers) {
    at("pp", fmt::format("pipeline stages split layers: {} has {} layers, got `pp` {}", m.key, m.layers, *d.pp));
  }
  // Serving without `tp`: each replica's chips are tp x pp.
  std::optional<int> tp = d.tp;
  const char* tp_field = "tp";
  if (!tp && d.chips_per_replica && *d.chips_per_replica > 0) {
    if (*d.chips_per_replica % pp != 0) {
      at("chips",
         fmt::format("must be a multiple of `pp` {} (chips per replica = tp x pp), got {}", pp, *d.chips_per_replica));
    } else {
      tp = *d.chips_per_replica / pp;
      tp_field = "chips";
    }
  }
  if (tp && *tp > 0 && m.n_heads > 0 && m.n_heads % *tp != 0) {
    const std::string what =
        tp_field == std::string("tp")
            ? fmt::format("got `tp` {}", *tp)
            : fmt::format("got `chips` {} = tensor parallelism {} x `pp` {}", *d.chips_per_replica, *tp, pp);
    at(tp_field, fmt::format("tensor parallelism splits attention heads and must divide {}'s {} heads ({}); {}", m.key,
                             m.n_heads, divisors_text(m.n_heads), what));
  }
  if (d.ep && *d.ep > 1) {
    if (!m.is_moe()) {
      at("ep",
         fmt::format("expert parallelism needs a mixture-of-experts model; {} is dense, got `ep` {}", m.key, *d.ep));
    } else if (m.moe.experts % *d.ep != 0) {
      at("ep", fmt::format("expert parallelism splits routed experts and must divide {}'s {} experts ({}); got `ep` {}",
                           m.key, m.moe.experts, divisors_text(m.moe.experts), *d.ep));
    }
  }
  return ds;
}

}  // namespace xpu
