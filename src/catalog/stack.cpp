#include "catalog/stack.h"

namespace xpu {

const StackEfficiency* default_stack(const std::vector<StackEfficiency>& stacks, Runtime runtime, StackMode mode) {
  const StackEfficiency* first = nullptr;
  for (const auto& s : stacks) {
    if (s.runtime != runtime || s.mode != mode) continue;
    if (s.is_default) return &s;
    if (first == nullptr) first = &s;
  }
  return first;
}

const StackEfficiency* find_stack(const std::vector<StackEfficiency>& stacks, std::string_view key) {
  for (const auto& s : stacks) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

}  // namespace xpu
