#include "ingest/text_file.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/unit_text.h"

namespace xpu {

namespace fs = std::filesystem;

std::uintmax_t max_input_bytes() {
  if (const char* env = std::getenv("XPUPLAN_MAX_INPUT_BYTES"); env && *env) {
    if (auto v = parse_count_text(env); v && *v >= 1 && *v < 1e18) return static_cast<std::uintmax_t>(*v);
  }
  return kDefaultMaxInputBytes;
}

std::string normalize_text(std::string text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

std::optional<std::string> read_text_file(const std::string& path, Diagnostics& ds) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    ds.push_back(error_at({path, 0, 0, ""}, "cannot open file: it does not exist"));
    return std::nullopt;
  }
  if (fs::is_directory(st)) {
    ds.push_back(error_at({path, 0, 0, ""}, "is a directory, not a file"));
    return std::nullopt;
  }
  if (!fs::is_regular_file(st)) {
    ds.push_back(error_at({path, 0, 0, ""}, "is not a regular file (a device, a pipe or a socket); give a file"));
    return std::nullopt;
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  const std::uintmax_t limit = max_input_bytes();
  if (!ec && size > limit) {
    ds.push_back(error_at({path, 0, 0, ""},
                          fmt::format("is {} bytes, over the {}-byte input limit (set XPUPLAN_MAX_INPUT_BYTES to "
                                      "raise it)",
                                      size, limit)));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ds.push_back(error_at({path, 0, 0, ""}, "cannot open file"));
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    ds.push_back(error_at({path, 0, 0, ""}, "cannot read file"));
    return std::nullopt;
  }
  return normalize_text(std::move(text));
}

bool write_text_file(const std::string& path, const std::string& text, bool create_directories) {
  if (create_directories) {
    std::error_code ec;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
  }
  std::ofstream f(path, std::ios::binary);
  f << text;
  return static_cast<bool>(f);
}

}  // namespace xpu
