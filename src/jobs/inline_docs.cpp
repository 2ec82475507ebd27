#include "jobs/inline_docs.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "base/suggest.h"
#include "ingest/text_file.h"
#include "jobs/jobs.h"

namespace xpu::jobs {
namespace {

const std::string kNoFiles = "this server opens no files";

// "examples/portfolio.yaml" rather than a document: one line, no spaces, a file's extension.
bool looks_like_file_name(const std::string& s) {
  if (s.empty() || s.find_first_of(" \t\r\n:{}[],") != std::string::npos) return false;
  for (const std::string_view ext : {".yaml", ".yml", ".csv", ".json", ".txt"}) {
    if (s.ends_with(ext)) return true;
  }
  return s.find('/') != std::string::npos;
}

// Appended, not "/" + string&&: GCC 12 at -O3 warns a false -Wrestrict on that (bug 105329).
std::string pointer(std::string_view field) {
  std::string p = "/";
  p += field;
  return p;
}

// The repo's name from "_name_or_path" ("Qwen/Qwen3-32B" -> "Qwen3-32B"), else "imported".
std::string model_folder(const nlohmann::json& config) {
  std::string name;
  if (config.contains("_name_or_path") && config["_name_or_path"].is_string()) {
    name = config["_name_or_path"].get<std::string>();
    name = name.substr(name.find_last_of('/') + 1);
  }
  const bool safe = !name.empty() && name != "." && name != ".." && name.size() <= 100 &&
                    std::all_of(name.begin(), name.end(),
                                [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; });
  return safe ? name : "imported";
}

bool is_model_field(std::string_view kind, std::string_view field) {
  return field == "model" || (kind == "models" && field == "show");
}

}  // namespace

InlineDocuments::InlineDocuments(std::string_view kind, nlohmann::json& request, const DataSet& data, Diagnostics& ds) {
  if (!request.is_object()) return;
  for (const auto field : document_fields(kind)) {
    const std::string key(field);
    if (!request.contains(key) || request.at(key).is_null()) continue;
    nlohmann::json& v = request.at(key);
    if (is_model_field(kind, field)) {
      if (v.is_object()) {
        // The CLI names a model after its config's folder (a Hugging Face repo's name).
        v = write(field, model_folder(v) + "/config.json", v.dump(2));
      } else if (v.is_string() && !data.find_model(v.get<std::string>())) {
        const auto name = v.get<std::string>();
        std::vector<std::string> keys;
        for (const auto& m : data.models) keys.push_back(m.key);
        ds.push_back(error_at({.pointer = pointer(field)},
                              fmt::format("unknown model '{}'{}; give a shipped key or a Hugging Face config.json "
                                          "object ({})",
                                          name, did_you_mean(name, keys), kNoFiles)));
        request.erase(key);
      }
      continue;  // other types: the reader's own message
    }
    // calibrate's cases are a list (comma text is a list of names there, and CSV has commas).
    if (kind == "calibrate" && v.is_string()) v = nlohmann::json::array({v});
    // A list of documents (calibrate's cases).
    if (v.is_array()) {
      nlohmann::json kept = nlohmann::json::array();
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string() || looks_like_file_name(v[i].get<std::string>())) {
          ds.push_back(error_at({.pointer = fmt::format("/{}/{}", field, i)},
                                fmt::format("expected the document's text, not a file name ({})", kNoFiles)));
          continue;
        }
        kept.push_back(write(field, fmt::format("{}-{}.csv", field, i), v[i].get<std::string>()));
      }
      if (kept.empty() && !v.empty()) {
        request.erase(key);
      } else {
        v = std::move(kept);
      }
      continue;
    }
    if (v.is_object() && field == "portfolio") {
      v = write(field, "portfolio.yaml", v.dump(2));  // JSON is YAML
      continue;
    }
    if (!v.is_string()) {
      ds.push_back(error_at({.pointer = pointer(field)}, "expected the document's text"));
      request.erase(key);
      continue;
    }
    const auto text = v.get<std::string>();
    if (looks_like_file_name(text)) {
      ds.push_back(
          error_at({.pointer = pointer(field)},
                   fmt::format("'{}' looks like a file name; send the document's text instead ({})", text, kNoFiles)));
      request.erase(key);
      continue;
    }
    const bool csv = field == "cases" && kind != "components";
    v = write(field, fmt::format("{}.{}", field, csv || field == "models" ? "csv" : "yaml"), text);
  }
}

InlineDocuments::~InlineDocuments() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string InlineDocuments::write(std::string_view field, const std::string& name, const std::string& text) {
  if (dir_.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "xpuplan-request-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("cannot create a temporary directory");
    dir_ = buf.data();
  }
  std::string path = (std::filesystem::path(dir_) / name).string();
  if (!write_text_file(path, text, /*create_directories=*/true)) throw std::runtime_error("cannot write " + path);
  files_[path] = std::string(field);
  return path;
}

std::string InlineDocuments::replaced(std::string s, bool label) const {
  for (const auto& [path, field] : files_) {
    const std::string name = !label                                ? field
                             : field == "model" || field == "show" ? "request body"
                                                                   : field + " (request body)";
    for (size_t at = s.find(path); at != std::string::npos; at = s.find(path, at + name.size())) {
      s.replace(at, path.size(), name);
    }
  }
  return s;
}

void InlineDocuments::map_back(Diagnostics& ds) const {
  if (files_.empty()) return;
  for (auto& d : ds) {
    if (const auto it = files_.find(d.where.file); it != files_.end()) d.where.file = it->second;
    d.message = replaced(std::move(d.message), false);
  }
}

void InlineDocuments::map_back(nlohmann::json& report) const {
  if (files_.empty()) return;
  if (report.is_string()) {
    report = replaced(report.get<std::string>(), true);
  } else if (report.is_structured()) {
    for (auto& v : report) map_back(v);
  }
}

}  // namespace xpu::jobs
