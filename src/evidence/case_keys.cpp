#include "evidence/case_keys.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace xpu {
namespace {

std::string squash(const std::string& s) {
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '.') out += static_cast<char>(std::tolower(ch));
  }
  return out;
}

// Squashed name -> key, or "" where two keys squash alike.
std::map<std::string, std::string> squashed(const std::vector<std::string>& keys) {
  std::map<std::string, std::string> out;
  for (const auto& k : keys) {
    auto [it, fresh] = out.emplace(squash(k), k);
    if (!fresh) it->second.clear();
  }
  return out;
}

void match(std::string& name, const std::vector<std::string>& keys, const std::map<std::string, std::string>& by,
           const ValidationCase& c, const std::string& file, const char* what, Diagnostics& notes) {
  if (name.empty() || std::find(keys.begin(), keys.end(), name) != keys.end()) return;
  auto it = by.find(squash(name));
  if (it == by.end() || it->second.empty()) return;
  Diagnostic d;
  d.severity = Severity::note;
  d.where.file = file;
  d.where.line = c.line;
  d.message = fmt::format("case {}: {} '{}' read as '{}'", c.id, what, name, it->second);
  notes.push_back(std::move(d));
  name = it->second;
}

}  // namespace

void match_case_keys(std::vector<ValidationCase>& cases, const std::string& file,
                     const std::vector<std::string>& accelerators, const std::vector<std::string>& models,
                     Diagnostics& notes) {
  const auto acc = squashed(accelerators), mod = squashed(models);
  for (auto& c : cases) {
    match(c.accelerator, accelerators, acc, c, file, "accelerator", notes);
    match(c.model, models, mod, c, file, "model", notes);
  }
}

}  // namespace xpu
