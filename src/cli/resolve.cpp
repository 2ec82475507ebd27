#include "cli/resolve.h"

#include <fmt/format.h>

#include <filesystem>

#include "base/suggest.h"
#include "ingest/model_io.h"

namespace xpu::cli {

ModelArch resolve_model(const DataSet& data, const std::string& name, const std::string& flag) {
  if (const ModelArch* m = data.find_model(name)) return *m;
  if (name.ends_with(".json") || std::filesystem::is_regular_file(name)) {
    Diagnostics ds;
    auto m = read_hf_config(name, ds);
    if (!m || has_errors(ds)) throw InputError(std::move(ds));
    return *m;
  }
  throw InputError(
      {error_at({"", 0, 0, flag}, fmt::format("unknown model '{}'{}; give a shipped key ('xpuplan models') "
                                              "or a Hugging Face config.json path",
                                              name, did_you_mean(name, data.model_keys())))});
}

}  // namespace xpu::cli

namespace xpu::cli {

HardwareChoice resolve_hardware(const DataSet& data, const std::string& name, const std::string& flag) {
  const Catalog& c = data.catalog;
  if (const Accelerator* a = c.find_accelerator(name)) return {a, default_system(c, name)};
  if (const System* s = c.find_system(name)) return {c.find_accelerator(s->accelerator), s};
  auto keys = c.accelerator_keys();
  auto sys = c.system_keys();
  keys.insert(keys.end(), sys.begin(), sys.end());
  throw InputError(
      {error_at({"", 0, 0, flag}, fmt::format("unknown accelerator or system '{}'{}; see 'xpuplan catalog'", name,
                                              did_you_mean(name, keys)))});
}

const StackEfficiency& resolve_stack(const DataSet& data, const Accelerator& a, Mode mode, const std::string& name,
                                     const std::string& flag) {
  const auto& stacks = data.catalog.stacks;
  if (name.empty()) {
    if (const StackEfficiency* s = default_stack(stacks, a.runtime, mode)) return *s;
    throw InputError({error_at({"", 0, 0, flag},
                               fmt::format("no {} stack for runtime '{}' in the data",
                                           mode == Mode::train ? "training" : "inference", to_string(a.runtime)))});
  }
  if (const StackEfficiency* s = find_stack(stacks, name)) return *s;
  std::vector<std::string> keys;
  for (const auto& s : stacks) keys.push_back(s.key);
  throw InputError({error_at({"", 0, 0, flag}, fmt::format("unknown stack '{}'{}", name, did_you_mean(name, keys)))});
}

}  // namespace xpu::cli
