#include "catalog/data_set.h"

#include <algorithm>

namespace xpu {

const ModelArch* DataSet::find_model(std::string_view key) const {
  auto it = std::lower_bound(models.begin(), models.end(), key,
                             [](const ModelArch& m, std::string_view k) { return m.key < k; });
  return it != models.end() && it->key == key ? &*it : nullptr;
}

std::vector<std::string> DataSet::model_keys() const {
  std::vector<std::string> out;
  out.reserve(models.size());
  for (const auto& m : models) out.push_back(m.key);
  return out;
}

}  // namespace xpu
