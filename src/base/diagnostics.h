// Diagnostics: what is wrong with the user's input, and where.
//
// Validators return a list of diagnostics (empty = valid) and report every
// problem in one pass. Only io turns a non-empty list into an InputError; the
// CLI prints them as `file:line:col: error: <what>` and exits 2.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace xpu {

// Where a problem is: a file position (1-based line and column; 0 = unknown),
// or a JSON pointer ("/workloads/3/deadline") when the input has no lines,
// or a command-line flag ("--chips").
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string pointer;

  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

enum class Severity { error, warning, note };

struct Diagnostic {
  Severity severity = Severity::error;
  SourceLocation where;
  std::string message;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

using Diagnostics = std::vector<Diagnostic>;

// "file:line:col: error: message" (parts that are unknown are left out).
std::string format_diagnostic(const Diagnostic& d);
// One formatted diagnostic per line.
std::string format_diagnostics(const Diagnostics& ds);
bool has_errors(const Diagnostics& ds);

// Thrown by io (only) when input has errors; carries every diagnostic.
class InputError : public std::runtime_error {
 public:
  explicit InputError(Diagnostics diagnostics);
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

// Convenience constructors.
Diagnostic error_at(SourceLocation where, std::string message);
Diagnostic warning_at(SourceLocation where, std::string message);

}  // namespace xpu
