#include "ingest/text_file.h"

#include <fstream>
#include <sstream>

namespace xpu {

std::optional<std::string> read_text_file(const std::string& path, Diagnostics& ds) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ds.push_back(error_at({path, 0, 0, ""}, "cannot open file"));
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace xpu
