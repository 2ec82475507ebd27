// What every CLI command gets: the global options, the output streams, and a
// way to load the data. Each command lives in its own cmd_*.cpp and registers
// itself through the one table in commands.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>
#include <vector>

#include "ingest/data_files.h"

namespace xpu::cli {

struct GlobalOptions {
  std::vector<std::string> catalogs;     // --catalog DIR, repeatable, after the shipped data
  std::vector<std::string> price_files;  // --prices FILE, repeatable, after every --catalog
  bool quiet = false;                    // no notes on stderr
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

// Loads the shipped data plus every --catalog directory; notes (user entries
// replacing shipped ones) go to stderr. Throws InputError on bad data.
DataSet load_data_for(RunState& st, bool apply_calibration = true);

// Registers a subcommand on `app`; the callback runs the command.
using CommandSetup = void (*)(CLI::App& app, RunState& st);

struct CommandEntry {
  const char* name;
  CommandSetup setup;
};

// The command table (commands.cpp).
const std::vector<CommandEntry>& command_table();

// Runs the CLI with `args` (argv without the program name). Returns the exit
// code: 0 ok, 1 failure, 2 bad input (flags or data files).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace xpu::cli
