// Enumerations named in data files and output: one table per enum, looked up
// both ways. Unknown values map to "?" / nullopt (callers add suggestions).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xpu {

template <class E, size_t N>
using EnumNames = std::array<std::pair<E, std::string_view>, N>;

template <class E, size_t N>
constexpr std::string_view name_of(const EnumNames<E, N>& table, E e) {
  for (const auto& [v, n] : table) {
    if (v == e) return n;
  }
  return "?";
}

template <class E, size_t N>
constexpr std::optional<E> value_of(const EnumNames<E, N>& table, std::string_view s) {
  for (const auto& [v, n] : table) {
    if (n == s) return v;
  }
  return std::nullopt;
}

// Every name in table order, for messages and near-miss suggestions.
template <class E, size_t N>
std::vector<std::string> names_of(const EnumNames<E, N>& table) {
  std::vector<std::string> out;
  out.reserve(N);
  for (const auto& entry : table) out.emplace_back(entry.second);
  return out;
}

}  // namespace xpu
