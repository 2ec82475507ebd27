// Near-miss suggestions for unknown names: "did you mean 'h200-sxm'?".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace xpu {

// Edit distance (insertions, deletions, substitutions, adjacent swaps).
int edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name`, if it is close enough to be a likely typo
// (distance <= max(2, |name|/3), case-insensitive); ties go to the first.
std::optional<std::string> closest_match(std::string_view name, std::span<const std::string> candidates);

// " (did you mean 'x'?)" or "" when nothing is close.
std::string did_you_mean(std::string_view name, std::span<const std::string> candidates);

}  // namespace xpu
