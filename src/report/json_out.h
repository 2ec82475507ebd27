// JSON output: canonical (sorted keys, numbers to 6 significant digits) so
// golden files diff cleanly and the same input gives byte-identical output.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "catalog/catalog.h"
#include "catalog/offer.h"
#include "workload/model.h"

namespace xpu {

using Json = nlohmann::json;

// A double rounded to `digits` significant digits (integers stay exact).
double round_sig(double v, int digits = 6);

// Two-space indented, sorted keys, trailing newline.
std::string dump_canonical(const Json& j);
// `j` as text: on one line (indent -1) or indented, numbers as they are; text
// that is not UTF-8 is written as U+FFFD, where dump() throws (an uncaught
// type_error aborted `plan --json` and made the server's 400 an empty 500:
// usertrial3). The one non-throwing dump of the CLI, the server and the job
// worker (sim/render.cpp, a lower layer, keeps its own).
std::string dump_text(const Json& j, int indent = -1);

Json to_json(const Provenance& p);
Json to_json(const Accelerator& a, bool with_sources);
Json to_json(const System& s);
Json to_json(const ModelArch& m);
// `prices --json`: prices per hour and per chip-hour in $, with provenance.
Json to_json(const Offer& o);
Json to_json(const PurchasePrice& p);

}  // namespace xpu
