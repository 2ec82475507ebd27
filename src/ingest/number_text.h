// Why a text is not a number, said the same way by every reader of plain
// numbers (YAML fields, request fields and flags, case CSV cells).
#pragma once

#include <string>
#include <string_view>

namespace xpu {

// Past a double ("'1e400' is out of range (numbers out of range: beyond a
// double, about 1.8e308)"), below its smallest, not finite ("'nan' is not a
// finite number"), else "must be a number, got 'text'". `per_year: 1e400`,
// `--pue 1e400` and a cases cell `1e400` were each "must be a number" (usertrial6).
std::string number_problem(std::string_view text);

}  // namespace xpu
