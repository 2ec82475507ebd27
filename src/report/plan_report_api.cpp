#include "report/plan_report_api.h"

#include "report/plan_json.h"
#include "report/plan_report.h"
#include "report/plan_text.h"

namespace xpu {

Json to_json(const api::PlanReport& r) { return to_json(r.portfolio, r.rates, r.result); }
std::string to_text(const api::PlanReport& r) { return plan_text(r.portfolio, r.rates, r.result); }
std::string to_html(const api::PlanReport& r) { return plan_html(r.portfolio, r.result); }

}  // namespace xpu
