#include "cli/resolve.h"

#include <fmt/format.h>

#include <filesystem>

#include "base/suggest.h"
#include "io/model_io.h"

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
