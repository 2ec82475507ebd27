// xpuplan catalog [--vendor V] [--json] | catalog show KEY [--json] | catalog systems
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "base/suggest.h"
#include "base/unit_text.h"
#include "cli/command.h"
#include "report/json_out.h"
#include "report/table.h"

namespace xpu::cli {
namespace {

struct CatalogOptions {
  std::string vendor;
  bool json = false;
  std::string show_key;
  bool show_json = false;
  bool systems_json = false;
  std::string systems_accelerator;
};

std::string peak_cell(const Accelerator& a, Precision p) {
  return a.supports(p) ? fmt_num(in_tflops(a.peak_for(p))) : "-";
}

std::string domain_cell(const Accelerator& a) {
  std::string s = fmt::format("{} ({})", a.scale_up.domain, to_string(a.scale_up.topology));
  return s;
}

int list_accelerators(const CatalogOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  std::vector<const Accelerator*> shown;
  for (const auto& a : data.catalog.accelerators) {
    if (o.vendor.empty() || to_string(a.vendor) == o.vendor) shown.push_back(&a);
  }
  if (!o.vendor.empty() && shown.empty()) {
    std::vector<std::string> vendors{"nvidia", "google", "aws", "amd"};
    throw InputError({error_at({"", 0, 0, "--vendor"},
                               fmt::format("unknown vendor '{}'{}", o.vendor, did_you_mean(o.vendor, vendors)))});
  }
  if (o.json) {
    Json arr = Json::array();
    for (const auto* a : shown) arr.push_back(to_json(*a, false));
    st.io.out << dump_canonical(Json{{"accelerators", arr}});
    return 0;
  }
  TextTable t;
  t.header = {"key",         "vendor", "year",     "bf16 TFLOP/s",      "fp8 TFLOP/s",
              "fp4 TFLOP/s", "HBM GB", "HBM TB/s", "scale-up GB/s/dir", "domain",
              "TDP W",       "runtime"};
  t.right_align = {false, false, true, true, true, true, true, true, true, false, true, false};
  for (const auto* a : shown) {
    t.rows.push_back({a->key, std::string(to_string(a->vendor)), std::to_string(a->year),
                      peak_cell(*a, Precision::bf16), peak_cell(*a, Precision::fp8), peak_cell(*a, Precision::fp4),
                      fmt_num(in_gb(a->hbm_capacity)), fmt_num(a->hbm_bandwidth.si() * 1e-12, 3),
                      fmt_num(a->scale_up.bandwidth.si() * 1e-9), domain_cell(*a),
                      a->power.tdp.si() > 0 ? fmt_num(a->power.tdp.si()) : "n/p", std::string(to_string(a->runtime))});
  }
  st.io.out << render(t);
  st.io.out << fmt::format(
      "{} accelerators. Dense peaks (no sparsity). 'xpuplan catalog show KEY' lists every "
      "figure with its source.\n",
      shown.size());
  return 0;
}

void print_source(std::ostream& out, const std::string& field, const Provenance& p) {
  out << fmt::format("    {:<22} {}{} (retrieved {})\n", field, p.estimate ? "[estimate] " : "", p.source, p.retrieved);
  if (!p.note.empty()) out << fmt::format("    {:<22} note: {}\n", "", p.note);
}

int show_accelerator(const CatalogOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  const Accelerator* a = data.catalog.find_accelerator(o.show_key);
  if (a == nullptr) {
    const System* s = data.catalog.find_system(o.show_key);
    if (s != nullptr) {
      if (o.show_json) {
        st.io.out << dump_canonical(to_json(*s));
        return 0;
      }
      st.io.out << fmt::format("{} ({})\n  accelerator: {} x {} (hosts of {})\n  scale-up: {} chips, {}{}\n", s->name,
                               s->key, s->chips, s->accelerator, s->chips_per_host, s->scale_up_domain,
                               to_string(s->topology), s->max_slice ? fmt::format(", max slice {}", s->max_slice) : "");
      for (const auto& i : s->instances) st.io.out << fmt::format("  instance: {} {}\n", i.provider, i.name);
      print_source(st.io.out, "source", s->provenance);
      return 0;
    }
    auto keys = data.catalog.accelerator_keys();
    auto sys = data.catalog.system_keys();
    keys.insert(keys.end(), sys.begin(), sys.end());
    throw InputError({error_at({"", 0, 0, "KEY"}, fmt::format("unknown accelerator or system '{}'{}", o.show_key,
                                                              did_you_mean(o.show_key, keys)))});
  }
  if (o.show_json) {
    st.io.out << dump_canonical(to_json(*a, true));
    return 0;
  }
  auto& out = st.io.out;
  out << fmt::format("{} ({}), {} {}, runtime {}\n", a->name, a->key, to_string(a->vendor), a->year,
                     to_string(a->runtime));
  out << fmt::format("  defined at {}:{}\n", a->defined_at.file, a->defined_at.line);
  out << "  dense peak:\n";
  for (Precision p : kAllPrecisions) {
    if (a->supports(p)) out << fmt::format("    {:<6} {}\n", to_string(p), to_text(a->peak_for(p)));
  }
  out << fmt::format("  memory: {} at {}\n", to_text(a->hbm_capacity), to_text(a->hbm_bandwidth));
  out << fmt::format("  scale-up: {}, {} per chip per direction, {}, domain {}", a->scale_up.name,
                     to_text(a->scale_up.bandwidth), to_string(a->scale_up.topology), a->scale_up.domain);
  if (!a->scale_up.dims.empty()) out << fmt::format(" ({})", fmt::join(a->scale_up.dims, "x"));
  out << "\n";
  out << fmt::format("  scale-out: {}, {} per chip per direction\n", a->scale_out.name,
                     to_text(a->scale_out.bandwidth));
  out << fmt::format("  power: {} per chip", to_text(a->power.tdp));
  if (a->power.host_per_chip.si() > 0) out << fmt::format(" + {} host share", to_text(a->power.host_per_chip));
  out << "\n  sources:\n";
  for (const auto& [field, p] : a->sources) print_source(out, field, p);
  auto systems = data.catalog.systems_of(a->key);
  if (!systems.empty()) {
    out << "  systems:";
    for (const auto* s : systems) out << " " << s->key;
    out << "\n";
  }
  return 0;
}

int list_systems(const CatalogOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  if (o.systems_json) {
    Json arr = Json::array();
    for (const auto& s : data.catalog.systems) arr.push_back(to_json(s));
    st.io.out << dump_canonical(Json{{"systems", arr}});
    return 0;
  }
  TextTable t;
  t.header = {"key", "accelerator", "chips", "scale-up domain", "topology", "instances"};
  t.right_align = {false, false, true, true, false, false};
  for (const auto& s : data.catalog.systems) {
    if (!o.systems_accelerator.empty() && s.accelerator != o.systems_accelerator) continue;
    std::string inst;
    for (const auto& i : s.instances) inst += (inst.empty() ? "" : ", ") + i.provider + ":" + i.name;
    std::string topo(to_string(s.topology));
    if (!s.dims.empty()) topo += fmt::format(" {}", fmt::join(s.dims, "x"));
    t.rows.push_back({s.key, s.accelerator, std::to_string(s.chips), std::to_string(s.scale_up_domain), topo, inst});
  }
  st.io.out << render(t);
  return 0;
}

}  // namespace

void setup_catalog(CLI::App& app, RunState& st) {
  auto o = std::make_shared<CatalogOptions>();
  CLI::App* cmd = app.add_subcommand("catalog", "List the accelerators in the catalog, with sources");
  cmd->add_option("--vendor", o->vendor, "Only this vendor (nvidia, google, aws, amd)");
  cmd->add_flag("--json", o->json, "Print JSON instead of a table");
  cmd->footer("Examples:\n  xpuplan catalog --vendor amd\n  xpuplan catalog show tpu-v5p\n  xpuplan catalog systems");
  CLI::App* show = cmd->add_subcommand("show", "Show one accelerator (or system) with every figure's source");
  show->add_option("KEY", o->show_key, "Accelerator or system key, e.g. h100-sxm")->required();
  show->add_flag("--json", o->show_json, "Print JSON");
  CLI::App* systems = cmd->add_subcommand("systems", "List the systems (nodes, racks, pods, UltraServers)");
  systems->add_option("--accelerator", o->systems_accelerator, "Only systems of this accelerator");
  systems->add_flag("--json", o->systems_json, "Print JSON");
  show->callback([o, &st] { st.exit_code = show_accelerator(*o, st); });
  systems->callback([o, &st] { st.exit_code = list_systems(*o, st); });
  cmd->callback([o, &st, show, systems] {
    if (show->parsed() || systems->parsed()) return;
    st.exit_code = list_accelerators(*o, st);
  });
}

}  // namespace xpu::cli
