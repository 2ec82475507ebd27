// What every CLI command gets: the global options, the output streams, data
// loading, and the path from flags to an api report. Each command lives in
// its own cmd_*.cpp (parse -> one api call -> render) and registers itself
// through the one table in commands.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/common.h"
#include "base/expected.h"
#include "ingest/data_files.h"
#include "ingest/requests.h"

namespace xpu::cli {

struct GlobalOptions {
  std::vector<std::string> catalogs;     // --catalog DIR, repeatable, after the shipped data
  std::vector<std::string> price_files;  // --prices FILE, repeatable, after every --catalog
  bool quiet = false;                    // no notes or warnings on stderr
};

struct Streams {
  std::ostream& out;
  std::ostream& err;
};

// Shared state of one CLI run; commands set `exit_code` from their callback.
struct RunState {
  GlobalOptions global;
  Streams io;
  int exit_code = 0;
};

// Exit status: 0 answered, 1 answered that no option meets the request, 2 bad input.
int exit_code(api::Outcome o);

// Loads the shipped data plus every --catalog directory and --prices file;
// notes (user entries replacing shipped ones) go to stderr. Throws InputError on bad data.
DataSet load_data_for(RunState& st, bool apply_calibration = true);

// A command's flags gathered into the request object the ingest readers
// take (ingest/requests.h): option values as text under their field name
// (the long flag in snake_case), flags given as true.
class FlagFields {
 public:
  // "--seq-len" or "--chips,-n": a value flag. `default_text` is shown in --help only.
  CLI::Option* option(CLI::App* cmd, const std::string& flags, const std::string& help,
                      const std::string& default_text = "");
  // A positional argument stored as field `field`, shown in messages as `name`.
  CLI::Option* positional(CLI::App* cmd, const std::string& name, const std::string& field, const std::string& help);
  // A flag: its field is set to `value` when given ("--no-sequence-parallel" sets sequence_parallel to false).
  CLI::Option* flag(CLI::App* cmd, const std::string& flags, const std::string& help, const std::string& field = "",
                    bool value = true);
  // A field the command itself fixes (a subcommand: "catalog systems" sets systems).
  void set(const std::string& field, nlohmann::json value) { fixed_[field] = std::move(value); }
  // Positional arguments, any number, stored as list field `field`.
  CLI::Option* positional_list(CLI::App* cmd, const std::string& name, const std::string& field,
                               const std::string& help);
  // A comma-separated list.
  CLI::Option* list(CLI::App* cmd, const std::string& flags, const std::string& help);

  [[nodiscard]] nlohmann::json json() const;
  [[nodiscard]] const FieldStyle& style() const { return style_; }
  [[nodiscard]] bool given(const std::string& field) const;

 private:
  std::map<std::string, std::string> text_;
  std::map<std::string, std::vector<std::string>> lists_;
  std::set<std::string> comma_lists_;  // lists_ given as comma-separated text (list(), not positional_list())
  std::map<std::string, std::pair<CLI::Option*, bool>> flags_;  // flags -> (option, value)
  std::map<std::string, std::string> flag_fields_;              // flags -> field
  std::map<std::string, CLI::Option*> options_;
  std::map<std::string, nlohmann::json> fixed_;
  FieldStyle style_{.flags = true, .spelled = {}};
};

// The request from a reader, or InputError with every problem; warnings and
// notes (bad case rows, names read as keys) go to stderr unless -q.
template <class T>
T take(RequestRead<T> read, RunState& st);

// An api report, or InputError with its diagnostics located at the flags.
template <class T>
T answer(Expected<T, Diagnostics> report, const FlagFields& fields) {
  if (!report) throw InputError(relocate(report.error(), fields.style()));
  return std::move(report).value();
}

// Warnings and notes to stderr unless -q.
void note(RunState& st, const Diagnostics& ds);

template <class T>
T take(RequestRead<T> read, RunState& st) {
  if (!read.request) throw InputError(std::move(read.diagnostics));
  note(st, read.diagnostics);
  return std::move(*read.request);
}

// Writes an output file named by `flag`; InputError at the flag when it cannot.
void write_output(const std::string& flag, const std::string& path, const std::string& text);

// The check of an output file option (--html FILE, --write FILE): an empty
// name is refused. `--html ""` read as "no --html" and wrote nothing, silently
// (usertrial3).
CLI::Validator output_file_name();

// A number from `lo` to `hi` (a whole one when `whole`), worded as the tool's
// own errors: "--port: error: must be a whole number from 0 to 65535, got
// 'abc'" (CLI11's Range said "Value abc not in range 0 to 65535").
CLI::Validator number_from(double lo, double hi, bool whole);
// One of `names`, with the near miss: "PROVIDER: error: must be one of aws,
// gcp; got 'azure'" (CLI11's IsMember said "azure not in {aws,gcp}").
CLI::Validator one_of(const std::vector<std::string>& names);

// Registers a subcommand on `app`; the callback runs the command.
using CommandSetup = void (*)(CLI::App& app, RunState& st);

struct CommandEntry {
  const char* name;
  CommandSetup setup;
};

// The command table (commands.cpp).
const std::vector<CommandEntry>& command_table();

// Runs the CLI with `args` (argv without the program name). Returns the exit
// status: 0 answered, 1 no option meets the request, 2 bad input (flags or files).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace xpu::cli
