#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace xpu::detail {

void check_failed(const char* cond, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "%s:%d: internal error: check failed: %s%s%s\n", file, line, cond, *msg ? ": " : "", msg);
  std::abort();
}

}  // namespace xpu::detail
