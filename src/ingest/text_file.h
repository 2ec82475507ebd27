// Reading a whole input file; a missing or unreadable file is a diagnostic.
#pragma once

#include <optional>
#include <string>

#include "base/diagnostics.h"

namespace xpu {

std::optional<std::string> read_text_file(const std::string& path, Diagnostics& ds);

}  // namespace xpu
