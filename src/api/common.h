// What every api job shares: how a report says whether it answered, how a
// request names a model, and the lookups that turn names into data with
// diagnostics located at the request field (a JSON pointer such as "/model";
// the CLI shows it as its flag, "--model").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostics.h"
#include "base/expected.h"
#include "catalog/data_set.h"
#include "workload/mode.h"
#include "workload/model.h"

namespace xpu::api {

// What a report answers. Shells map it to an exit status: 0 answered, 1 no
// option meets the request (no layout fits, no layout meets the SLOs, no plan);
// bad input never reaches a report (it is Diagnostics, exit status 2).
enum class Outcome : unsigned char { answered, none_meets };

// A model named by a shipped key, or given whole (a Hugging Face config.json
// read by a shell): `config`, when set, is used and `name` only names it.
struct ModelRef {
  std::string name;
  std::optional<ModelArch> config;
};

// A problem with request field `field` ("chips"): located at "/chips". A
// message names other fields in backticks ("`chips` and `deadline` exclude
// each other"); the shell shows them its way ("--chips", "chips").
Diagnostic field_error(std::string_view field, std::string message);

// A model with a learned position table embeds at most that many positions,
// and a rotary model was trained for its context (max_positions, from its
// config.json's max_position_embeddings and rope_scaling; 0 = unknown): a
// longer sequence (`tokens`, `what` they are, from `field`) is a warning
// there. The estimate still runs, as for the same shape with a longer table
// or context, whose extra rows the parameter count leaves out.
void check_positions(const ModelArch& m, double tokens, std::string_view field, std::string_view what, Diagnostics& ds);

// The model `ref` names, or an error at `field` with a near-miss suggestion.
Expected<ModelArch, Diagnostic> resolve_model(const DataSet& data, const ModelRef& ref, std::string_view field);

struct Hardware {
  const Accelerator* accelerator = nullptr;
  const System* system = nullptr;  // the accelerator's default system, or the named system
};
// An accelerator key (its default system) or a system key ("gb200-nvl72").
Expected<Hardware, Diagnostic> resolve_hardware(const DataSet& data, const std::string& name, std::string_view field);

// The named stack, or the default one for the accelerator's runtime and `mode`.
Expected<const StackEfficiency*, Diagnostic> resolve_stack(const DataSet& data, const Accelerator& a, Mode mode,
                                                           const std::string& name, std::string_view field);

// The model, the hardware and the stack a request names for `mode`, each
// problem at its field ("model", "accelerator", "stack").
void check_names(const DataSet& data, const ModelRef& model, const std::string& accelerator, const std::string& stack,
                 Mode mode, Diagnostics& ds);

// Checks that `name` (when not empty) is one of `known`: "<what> '<name>'" with a near miss.
void check_known(const std::string& name, const std::vector<std::string>& known, std::string_view field,
                 std::string_view what, Diagnostics& ds);

// Offer filters that each name something in the price book but together
// match no offer (`--provider aws --provider-class neocloud`, `--provider gcp
// --region us-east-1`, `--provider tensorwave --term spot`): an error at the
// first filter, in the order provider, provider_class, region, term, that
// leaves nothing, saying what the filters before it allow. Each accelerator
// was listed as "no price from aws from a neocloud provider", exit 1
// (usertrial5). The fields are named provider, provider_class,
// region and term.
void check_offer_filters(const PriceBook& book, const OfferFilter& f, Diagnostics& ds);

}  // namespace xpu::api
