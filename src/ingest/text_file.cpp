#include "ingest/text_file.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>

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

namespace {

// The offset of the first byte that does not belong to well-formed UTF-8
// (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), or npos.
size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

}  // namespace

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
  text = normalize_text(std::move(text));
  // Text that is not UTF-8 (a Latin-1 export, a binary file) went on into
  // names that JSON output could not write: `plan --json` aborted on a
  // portfolio name with a 0xFF byte (usertrial3). Refused here, for every input.
  if (const size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    ds.push_back(error_at(position_in(text, path, bad),
                          fmt::format("is not UTF-8 text: byte 0x{:02X} here (save the file as UTF-8)",
                                      static_cast<unsigned char>(text[bad]))));
    return std::nullopt;
  }
  return text;
}

SourceLocation position_in(const std::string& text, const std::string& file, size_t byte) {
  int line = 1, col = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return SourceLocation{file, line, col, ""};
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
