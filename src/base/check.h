// XPU_CHECK(cond): a bug, not bad input. Prints the condition with file and
// line and aborts. Bad input is reported as Diagnostics instead (diagnostics.h).
#pragma once

namespace xpu::detail {
[[noreturn]] void check_failed(const char* cond, const char* file, int line, const char* msg);
}  // namespace xpu::detail

#define XPU_CHECK(cond)                                                      \
  do {                                                                       \
    if (!(cond)) ::xpu::detail::check_failed(#cond, __FILE__, __LINE__, ""); \
  } while (0)

#define XPU_CHECK_MSG(cond, msg)                                              \
  do {                                                                        \
    if (!(cond)) ::xpu::detail::check_failed(#cond, __FILE__, __LINE__, msg); \
  } while (0)
