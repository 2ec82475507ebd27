#include "base/suggest.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace xpu {

int edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance (Damerau-Levenshtein without repeated edits).
  const size_t n = a.size(), m = b.size();
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
}  // namespace

std::optional<std::string> closest_match(std::string_view name, std::span<const std::string> candidates) {
  const std::string key = lower(name);
  const int limit = std::max(2, static_cast<int>(name.size()) / 3);
  // A name that starts a candidate ("h100" for "h100-sxm") is the likeliest
  // miss: prefix matches rank first, the shortest (then the first) winning;
  // otherwise the nearest by edit distance within `limit`.
  std::optional<std::string> best;
  size_t best_prefix = std::string::npos;
  int best_d = limit + 1;
  for (const auto& c : candidates) {
    const std::string lc = lower(c);
    if (lc == key) return c;
    if (key.size() >= 2 && lc.size() > key.size() && lc.starts_with(key)) {
      if (best_prefix == std::string::npos || lc.size() < best_prefix) {
        best_prefix = lc.size();
        best = c;
      }
      continue;
    }
    if (best_prefix != std::string::npos) continue;
    const int d = edit_distance(key, lc);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view name, std::span<const std::string> candidates) {
  auto m = closest_match(name, candidates);
  return m ? fmt::format(" (did you mean '{}'?)", *m) : std::string();
}

}  // namespace xpu
