#include "base/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>

namespace xpu {

std::string format_diagnostic(const Diagnostic& d) {
  std::string where;
  if (!d.where.file.empty()) {
    where = d.where.file;
    if (d.where.line > 0) {
      where += fmt::format(":{}", d.where.line);
      if (d.where.column > 0) where += fmt::format(":{}", d.where.column);
    }
  }
  if (!d.where.pointer.empty()) {
    where += where.empty() ? d.where.pointer : fmt::format(" ({})", d.where.pointer);
  }
  const char* sev = d.severity == Severity::error ? "error" : d.severity == Severity::warning ? "warning" : "note";
  if (where.empty()) return fmt::format("{}: {}", sev, d.message);
  return fmt::format("{}: {}: {}", where, sev, d.message);
}

std::string format_diagnostics(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds) {
    out += format_diagnostic(d);
    out += '\n';
  }
  return out;
}

bool has_errors(const Diagnostics& ds) {
  return std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.severity == Severity::error; });
}

InputError::InputError(Diagnostics diagnostics)
    : std::runtime_error(format_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

Diagnostic error_at(SourceLocation where, std::string message) {
  return Diagnostic{Severity::error, std::move(where), std::move(message)};
}

Diagnostic warning_at(SourceLocation where, std::string message) {
  return Diagnostic{Severity::warning, std::move(where), std::move(message)};
}

}  // namespace xpu
