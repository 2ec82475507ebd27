#include "catalog/stack.h"

namespace xpu {

const StackEfficiency* default_stack(const std::vector<StackEfficiency>& stacks, Runtime runtime, Mode mode) {
  const StackEfficiency* first = nullptr;
  for (const auto& s : stacks) {
    if (s.runtime != runtime || s.mode != mode) continue;
    if (s.is_default) return &s;
    if (first == nullptr) first = &s;
  }
  return first;
}

namespace {

// The fitted fields by name: fractions are plain numbers, the step overhead is seconds.
double* fraction_field(StackEfficiency& s, const std::string& name) {
  if (name == "gemm") return &s.gemm;
  if (name == "attention") return &s.attention;
  if (name == "memory") return &s.memory;
  if (name.starts_with("precision_factor.")) {
    if (auto p = parse_precision(name.substr(17))) return &s.precision_factor[static_cast<int>(*p)];
  }
  return nullptr;
}

}  // namespace

bool set_stack_parameter(StackEfficiency& s, const std::string& name, double value) {
  if (name == "step_overhead") {
    s.step_overhead = Seconds(value);
    return true;
  }
  // Serving-only fields: the decode attention's HBM fraction and the
  // per-kernel and per-collective fixed costs (seconds).
  if (name == "attention_memory") {
    s.attention_memory = value;
    return true;
  }
  if (name == "kernel_overhead") {
    s.kernel_overhead = Seconds(value);
    return true;
  }
  if (name == "collective_overhead") {
    s.collective_overhead = Seconds(value);
    return true;
  }
  double* f = fraction_field(s, name);
  if (f == nullptr) return false;
  *f = value;
  return true;
}

double get_stack_parameter(const StackEfficiency& s, const std::string& name) {
  if (name == "step_overhead") return s.step_overhead.si();
  // An unset attention fraction falls back to the stack's memory fraction.
  if (name == "attention_memory") return s.attention_memory > 0 ? s.attention_memory : s.memory;
  if (name == "kernel_overhead") return s.kernel_overhead.si();
  if (name == "collective_overhead") return s.collective_overhead.si();
  StackEfficiency copy = s;
  const double* f = fraction_field(copy, name);
  return f ? *f : 0.0;
}

const StackEfficiency* find_stack(const std::vector<StackEfficiency>& stacks, std::string_view key) {
  for (const auto& s : stacks) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

}  // namespace xpu
