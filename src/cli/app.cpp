#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/suggest.h"
#include "cli/command.h"
#include "ingest/text_file.h"

#ifndef XPUPLAN_VERSION
#define XPUPLAN_VERSION "0.0.0"
#endif

namespace xpu::cli {

int exit_code(api::Outcome o) { return o == api::Outcome::answered ? 0 : 1; }

void note(RunState& st, const Diagnostics& ds) {
  if (!st.global.quiet) st.io.err << format_diagnostics(ds);
}

DataSet load_data_for(RunState& st, bool apply_calibration) {
  std::vector<std::string> dirs{shipped_data_dir()};
  dirs.insert(dirs.end(), st.global.catalogs.begin(), st.global.catalogs.end());
  Diagnostics notes;
  DataSet data = load_data(dirs, &notes, apply_calibration, st.global.price_files);
  note(st, notes);
  return data;
}

void write_output(const std::string& flag, const std::string& path, const std::string& text) {
  if (!write_text_file(path, text))
    throw InputError({error_at({.pointer = flag}, fmt::format("cannot write '{}'", path))});
}

CLI::Validator output_file_name() {
  return CLI::Validator(
      [](const std::string& v) { return v.empty() ? std::string("needs a file name, got ''") : std::string(); },
      "");  // no description: the help keeps "TEXT"
}

CLI::Validator number_from(double lo, double hi, bool whole) {
  return CLI::Validator(
      [lo, hi, whole](const std::string& v) {
        double d = 0;
        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
        const bool ok = !v.empty() && ec == std::errc() && p == v.data() + v.size() && d >= lo && d <= hi &&
                        (!whole || d == std::floor(d));
        return ok ? std::string()
                  : fmt::format("must be {} from {:g} to {:g}, got '{}'", whole ? "a whole number" : "a number", lo, hi,
                                v);
      },
      "");  // no description: the help keeps the type
}

CLI::Validator one_of(const std::vector<std::string>& names) {
  return CLI::Validator(
      [names](const std::string& v) {
        if (std::find(names.begin(), names.end(), v) != names.end()) return std::string();
        return fmt::format("must be one of {}; got '{}'{}", fmt::join(names, ", "), v, did_you_mean(v, names));
      },
      "");
}

namespace {

// The subcommand of `app` named `name` (or one of its aliases), or null.
const CLI::App* subcommand_named(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->check_name(name)) return sub;
  }
  return nullptr;
}

// Every spelling ("--tokens", "-n", "train") a command line may use at this
// point of `chain` (the app and the commands named so far), for near misses.
std::vector<std::string> option_names(const std::vector<const CLI::App*>& chain) {
  std::vector<std::string> names;
  for (const CLI::App* a : chain) {
    for (const CLI::Option* o : a->get_options()) {
      for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    }
  }
  return names;
}

// "xpuplan catalog show" for the chain root, catalog, show.
std::string command_path(const std::vector<const CLI::App*>& chain) {
  std::string path = "xpuplan";
  for (size_t i = 1; i < chain.size(); ++i) path += " " + chain[i]->get_name();
  return path;
}

// CLI11 words a misspelt option or command as "arguments were not expected"
// (and a misspelt required one as "--model is required"), losing the name the
// user typed. Before parsing, every option and command name is checked against
// the commands named so far; each unknown one is reported with its flag and the
// near miss.
Diagnostics unknown_names(const CLI::App& app, const std::vector<std::string>& args) {
  Diagnostics ds;
  std::vector<const CLI::App*> chain{&app};
  bool value_next = false;  // the previous argument was an option that takes a value
  std::string last_option;  // the last option that took a value, and that value
  std::string last_value;
  // A one-value option given twice was CLI11's "--chips: At Most 1 required
  // but received 2" (usertrial3): say so with both values, with the rest.
  std::map<const CLI::Option*, std::string> given;
  std::set<const CLI::Option*> reported;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (value_next) {
      value_next = false;
      last_value = last_option.empty() ? "" : arg;
      continue;
    }
    const bool long_opt = arg.size() > 2 && arg.starts_with("--");
    const bool short_opt = arg.size() > 1 && arg[0] == '-' && std::isalpha(static_cast<unsigned char>(arg[1]));
    if (long_opt || short_opt) {
      const std::string name = long_opt ? arg.substr(0, arg.find('=')) : arg.substr(0, 2);
      const CLI::Option* known = nullptr;
      for (const CLI::App* a : chain) {
        if (!known) known = a->get_option_no_throw(name);
      }
      if (!known) {
        const auto candidates = option_names(chain);
        ds.push_back(
            error_at({.pointer = name}, fmt::format("unknown option for '{}'{}; see '{} --help'", command_path(chain),
                                                    did_you_mean_field(name, candidates), command_path(chain))));
        // Its value, if it has one, is not reported again.
        last_option.clear();
        value_next =
            long_opt && arg.find('=') == std::string::npos && i + 1 < args.size() && !args[i + 1].starts_with("-");
        continue;
      }
      const bool inline_value = long_opt ? arg.find('=') != std::string::npos : arg.size() > 2;
      if (known->get_items_expected_max() == 1 && known->get_multi_option_policy() == CLI::MultiOptionPolicy::Throw) {
        const std::string value = inline_value          ? arg.substr(long_opt ? arg.find('=') + 1 : 2)
                                  : i + 1 < args.size() ? args[i + 1]
                                                        : "";
        if (const auto [first, fresh] = given.emplace(known, value); !fresh && reported.insert(known).second) {
          ds.push_back(error_at({.pointer = name},
                                fmt::format("given twice ('{}', then '{}'); give it once", first->second, value)));
        }
      }
      value_next = known->get_items_expected_max() > 0 && !inline_value;  // a flag expects none
      // An option that takes several values ("--catalog A B") takes what follows too.
      last_option = value_next && known->get_items_expected_max() <= 1 ? name : "";
      last_value.clear();
      continue;
    }
    const CLI::App* current = chain.back();
    if (const CLI::App* sub = subcommand_named(*current, arg)) {
      chain.push_back(sub);
      continue;
    }
    const auto subs = current->get_subcommands({});
    const bool takes_positional =
        std::ranges::any_of(current->get_options(), [](const CLI::Option* o) { return !o->nonpositional(); });
    if (!subs.empty() && !takes_positional) {
      std::vector<std::string> names;
      names.reserve(subs.size());
      for (const CLI::App* sub : subs) names.push_back(sub->get_name());
      ds.push_back(
          error_at({.pointer = arg}, fmt::format("unknown command for '{}'{}; see '{} --help'", command_path(chain),
                                                 did_you_mean(arg, names), command_path(chain))));
      break;  // what follows belongs to a command we cannot tell
    }
    if (subs.empty() && !takes_positional && !last_value.empty()) {
      // "--tpot-slo 40 ms": the shell split one value in two.
      ds.push_back(error_at({.pointer = last_option},
                            fmt::format("'{}' follows the value '{}' but is not an option; a value with a space "
                                        "needs quotes: {} '{} {}'",
                                        arg, last_value, last_option, last_value, arg)));
      last_value.clear();
    }
  }
  return ds;
}

// The first line of an option's help, for a message.
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// CLI11's own errors in the tool's form, saying what to do: "error: --model is
// required" named neither the command nor what the option takes, "--html: 1
// required TEXT missing" not that a file name was wanted, "The following
// argument was not expected: b" not which command (usertrial3).
Diagnostic parse_error_diagnostic(const CLI::App& app, const CLI::ParseError& e) {
  std::vector<const CLI::App*> chain{&app};
  for (;;) {
    const auto parsed = chain.back()->get_subcommands();
    if (parsed.empty()) break;
    chain.push_back(parsed.front());
  }
  const std::string see = fmt::format("see '{} --help'", command_path(chain));
  const auto option_named = [&](const std::string& name) -> const CLI::Option* {
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if (const CLI::Option* o = (*it)->get_option_no_throw(name)) return o;
    }
    return nullptr;
  };
  const std::string what = e.what();
  const auto is = [&]<class E>(const E*) { return dynamic_cast<const E*>(&e) != nullptr; };
  const size_t colon = what.find(": ");
  if (is(static_cast<const CLI::RequiredError*>(nullptr)) && what.ends_with(" is required")) {
    const std::string name = what.substr(0, what.size() - std::string_view(" is required").size());
    if (const CLI::Option* o = option_named(name)) {
      return error_at({.pointer = name}, fmt::format("is required: {}; {}", first_line(o->get_description()), see));
    }
  }
  if (is(static_cast<const CLI::RequiredError*>(nullptr)) && what.find("subcommand") != std::string::npos) {
    return error_at({.pointer = command_path(chain)}, fmt::format("give a command; {}", see));
  }
  if (is(static_cast<const CLI::ArgumentMismatch*>(nullptr)) && colon != std::string::npos &&
      what.ends_with(" missing")) {
    const std::string name = what.substr(0, colon);
    if (const CLI::Option* o = option_named(name)) {
      return error_at({.pointer = name},
                      fmt::format("needs a value after it: {}; {}", first_line(o->get_description()), see));
    }
  }
  if (is(static_cast<const CLI::ValidationError*>(nullptr)) && colon != std::string::npos) {
    // Our validators say what to do; CLI11's own get the command's help named.
    const std::string name = what.substr(0, colon);
    const std::string message = what.substr(colon + 2);
    const bool ours = message.starts_with("must be") || message.starts_with("needs");
    return error_at({.pointer = name}, ours ? message : fmt::format("{}; {}", message, see));
  }
  if (is(static_cast<const CLI::ConversionError*>(nullptr)) && what.starts_with("Could not convert: ")) {
    // "Could not convert: --threads = abc"
    const std::string rest = what.substr(std::string_view("Could not convert: ").size());
    const size_t eq = rest.find(" = ");
    if (eq != std::string::npos) {
      const std::string name = rest.substr(0, eq);
      const CLI::Option* o = option_named(name);
      const std::string type = o ? o->get_type_name() : "";
      const std::string want = type == "UINT"    ? "a whole number, 0 or more"
                               : type == "INT"   ? "a whole number"
                               : type == "FLOAT" ? "a number"
                                                 : "a " + type;
      return error_at({.pointer = name}, fmt::format("must be {}, got '{}'; {}", want, rest.substr(eq + 3), see));
    }
  }
  if (is(static_cast<const CLI::ExtrasError*>(nullptr)) && colon != std::string::npos) {
    // CLI11 lists them last first ("c b" for "a b c").
    std::vector<std::string> extras;
    std::istringstream words(what.substr(colon + 2));
    for (std::string w; words >> w;) extras.insert(extras.begin(), "'" + w + "'");
    return error_at(
        {.pointer = extras.empty() ? command_path(chain) : extras.front().substr(1, extras.front().size() - 2)},
        fmt::format("{} {}, and '{}' takes no more arguments (a value with a space needs quotes); {}",
                    fmt::join(extras, ", "), extras.size() == 1 ? "is not an option" : "are not options",
                    command_path(chain), see));
  }
  return error_at({.pointer = command_path(chain)}, fmt::format("{}; {}", what, see));
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  RunState st{{}, {out, err}, 0};
  CLI::App app{
      "xpuplan: what AI workloads cost and how fast they run on each vendor's accelerators,\n"
      "and which mix of vendors, clouds and purchase terms to buy.",
      "xpuplan"};
  app.set_version_flag("--version", std::string("xpuplan ") + XPUPLAN_VERSION);
  // Global options work before or after the command name: subcommands pass
  // options they do not know up to here.
  app.fallthrough();
  app.add_option("--catalog", st.global.catalogs,
                 "Extra data directory (accelerators, systems, models, prices) read after the shipped data;\n"
                 "an entry with a shipped key replaces it. Repeatable.");
  app.add_option("--prices", st.global.price_files,
                 "A price file (YAML with 'offers:' and/or 'purchase_prices:') read after every --catalog;\n"
                 "an offer with a shipped provider/region/instance/term replaces it. Repeatable.");
  app.add_flag("-q,--quiet", st.global.quiet, "Do not print notes or warnings on stderr");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  xpuplan catalog                         # the accelerators, one line each\n"
      "  xpuplan catalog show h100-sxm           # one accelerator with every source\n"
      "  xpuplan models show llama3.1-70b        # a model and its parameter counts\n"
      "  xpuplan prices --accelerator h100-sxm   # offers by provider, region and term\n"
      "  xpuplan train --model llama3.1-70b -a h100-sxm -n 1024 --tokens 15T   # best layout, time, MFU\n"
      "  xpuplan infer --model llama3.3-70b -a h200-sxm --rate 20 --ttft-slo '1 s' --tpot-slo '40 ms'\n"
      "  xpuplan compare --model llama3.1-70b --train --tokens 15T --chips 1024 --html compare.html\n"
      "  xpuplan plan examples/portfolio.yaml --html plan.html   # a year across vendors, clouds and terms\n"
      "Global options (--catalog, --prices, -q) go before or after the command.\n"
      "Exit status: 0 answered, 1 no option meets the request (no layout fits, no layout meets the SLOs,\n"
      "no plan), 2 bad input.\n"
      "Run 'xpuplan COMMAND --help' for a command's options.");
  for (const auto& entry : command_table()) entry.setup(app, st);

  if (const Diagnostics unknown = unknown_names(app, args); !unknown.empty()) {
    err << format_diagnostics(unknown);
    return 2;
  }
  std::vector<std::string> argv(args.rbegin(), args.rend());  // CLI11 takes them reversed
  try {
    app.parse(argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    out << "xpuplan " << XPUPLAN_VERSION << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    // Help for a subcommand arrives here too (as a CallForHelp from a sub-app).
    if (e.get_exit_code() == 0) {
      out << e.what();
      return 0;
    }
    err << format_diagnostic(parse_error_diagnostic(app, e)) << "\n";
    return 2;
  } catch (const InputError& e) {
    err << format_diagnostics(e.diagnostics());
    return 2;
  }
  return st.exit_code;
}

// --- FlagFields ---------------------------------------------------------------------

namespace {

// "--chips,-n" -> "chips"; "--seq-len" -> "seq_len".
std::string field_of(const std::string& flags) {
  std::string name = flags.substr(0, flags.find(','));
  while (!name.empty() && name.front() == '-') name.erase(name.begin());
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace

CLI::Option* FlagFields::option(CLI::App* cmd, const std::string& flags, const std::string& help,
                                const std::string& default_text) {
  const std::string field = field_of(flags);
  CLI::Option* o = cmd->add_option(flags, text_[field], help);
  if (!default_text.empty()) o->default_str(default_text);
  options_[field] = o;
  return o;
}

CLI::Option* FlagFields::positional(CLI::App* cmd, const std::string& name, const std::string& field,
                                    const std::string& help) {
  CLI::Option* o = cmd->add_option(name, text_[field], help);
  options_[field] = o;
  style_.spelled[field] = name;
  return o;
}

CLI::Option* FlagFields::flag(CLI::App* cmd, const std::string& flags, const std::string& help,
                              const std::string& field, bool value) {
  CLI::Option* o = cmd->add_flag(flags, help);
  flags_[flags] = {o, value};
  flag_fields_[flags] = field.empty() ? field_of(flags) : field;
  return o;
}

CLI::Option* FlagFields::list(CLI::App* cmd, const std::string& flags, const std::string& help) {
  const std::string field = field_of(flags);
  // No CLI11 delimiter: it drops empty items ("a,,b" read as "a,b", silently;
  // usertrial3). The text goes to FieldReader::list, which splits and checks it.
  CLI::Option* o = cmd->add_option(flags, lists_[field], help);
  options_[field] = o;
  comma_lists_.insert(field);
  return o;
}

CLI::Option* FlagFields::positional_list(CLI::App* cmd, const std::string& name, const std::string& field,
                                         const std::string& help) {
  CLI::Option* o = cmd->add_option(name, lists_[field], help);
  options_[field] = o;
  style_.spelled[field] = name;
  return o;
}

bool FlagFields::given(const std::string& field) const {
  auto it = options_.find(field);
  return it != options_.end() && it->second->count() > 0;
}

nlohmann::json FlagFields::json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [field, v] : fixed_) j[field] = v;
  for (const auto& [field, o] : options_) {
    if (o->count() == 0) continue;
    if (auto l = lists_.find(field); l != lists_.end()) {
      // A comma list given more than once ("--accelerators a --accelerators b") is one list.
      if (comma_lists_.contains(field)) {
        j[field] = fmt::format("{}", fmt::join(l->second, ","));
      } else {
        j[field] = l->second;
      }
    } else {
      j[field] = text_.at(field);
    }
  }
  for (const auto& [flags, ov] : flags_) {
    if (ov.first->count() > 0) j[flag_fields_.at(flags)] = ov.second;
  }
  return j;
}

}  // namespace xpu::cli
