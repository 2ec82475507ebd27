// Where a number comes from: every spec, price and efficiency figure carries one.
#pragma once

#include <string>

#include "base/diagnostics.h"

namespace xpu {

struct Provenance {
  std::string source;     // title + URL or document
  std::string retrieved;  // ISO date the source was read, "2026-11-26"
  bool estimate = false;  // true where the figure is uncertain or derived
  std::string note;       // why it is an estimate, or how it was derived

  friend bool operator==(const Provenance&, const Provenance&) = default;
};

}  // namespace xpu
