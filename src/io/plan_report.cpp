#include "io/plan_report.h"

#include "io/plan_text.h"

namespace xpu {

std::string plan_html(const Portfolio& p, const RateTable& rates, const PlanResult& r) {
  return "<!doctype html><html><body><pre>" + plan_text(p, rates, r) + "</pre></body></html>\n";
}

}  // namespace xpu
