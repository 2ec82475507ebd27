// The one way input files are read, and output files written.
//
// Every input file (data YAML, case and model CSVs, price catalogs, portfolio
// files, config.json, request files) goes through read_text_file(): it
// refuses what is not a regular file (a directory, /dev/zero, a FIFO) with a
// clear error, refuses a file larger than the input limit (64 MiB unless the
// XPUPLAN_MAX_INPUT_BYTES environment variable, e.g. "256M", says otherwise),
// drops a UTF-8 byte-order mark, turns CRLF line ends into LF, and refuses
// text that is not UTF-8 at the line and column of its first bad byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/diagnostics.h"

namespace xpu {

// The default input limit, and the one in force (the environment variable, when set and valid).
inline constexpr std::uintmax_t kDefaultMaxInputBytes = 64ULL << 20;
std::uintmax_t max_input_bytes();

// The whole file as text, or nullopt with a diagnostic at the path.
std::optional<std::string> read_text_file(const std::string& path, Diagnostics& ds);

// Text as read_text_file() leaves it: without a UTF-8 byte-order mark, CRLF as LF.
std::string normalize_text(std::string text);

// Line and 1-based column (in bytes) of a byte offset of `text`, for diagnostics.
SourceLocation position_in(const std::string& text, const std::string& file, size_t byte);

// Writes `text` to `path` (creating its directory first when asked); false when it cannot.
bool write_text_file(const std::string& path, const std::string& text, bool create_directories = false);

}  // namespace xpu
