#include "api/common.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "analysis/compare.h"
#include "base/suggest.h"

namespace xpu::api {

void check_positions(const ModelArch& m, double tokens, std::string_view field, std::string_view what,
                     Diagnostics& ds) {
  if (m.max_positions <= 0 || !(tokens > m.max_positions)) return;
  // A warning, not a refusal: the estimate is still the cost of that many
  // tokens (a user may plan a longer-context variant), but the model as
  // shipped does not take them (vLLM refuses a max_model_len past the
  // config's context). usertrial6: a rotary model's context was not checked.
  const std::string message =
      m.positions == PositionKind::learned
          ? fmt::format(
                "{:.0f} tokens ({}) is longer than {}'s learned position table ({} positions): the "
                "model as published cannot take it; estimated as if the table were longer",
                tokens, what, m.key, m.max_positions)
          : fmt::format(
                "{:.0f} tokens ({}) is longer than the {}-token context {} takes (max_position_embeddings "
                "in its config.json, with any rope_scaling): the model as published was not trained for it; "
                "estimated as if it were",
                tokens, what, m.max_positions, m.key);
  ds.push_back(Diagnostic{Severity::warning, {.pointer = std::string("/").append(field)}, message});
}

Diagnostic field_error(std::string_view field, std::string message) {
  return error_at({.pointer = std::string("/").append(field)}, std::move(message));
}

Expected<ModelArch, Diagnostic> resolve_model(const DataSet& data, const ModelRef& ref, std::string_view field) {
  if (ref.config) return *ref.config;
  if (const ModelArch* m = data.find_model(ref.name)) return *m;
  return Unexpected{field_error(field, fmt::format("unknown model '{}'{}; give a shipped key ('xpuplan models') "
                                                   "or a Hugging Face config.json path",
                                                   ref.name, did_you_mean(ref.name, data.model_keys())))};
}

Expected<Hardware, Diagnostic> resolve_hardware(const DataSet& data, const std::string& name, std::string_view field) {
  const Catalog& c = data.catalog;
  if (const Accelerator* a = c.find_accelerator(name)) return Hardware{a, default_system(c, name)};
  if (const System* s = c.find_system(name)) {
    if (const Accelerator* a = c.find_accelerator(s->accelerator)) return Hardware{a, s};
  }
  auto keys = c.accelerator_keys();
  auto sys = c.system_keys();
  keys.insert(keys.end(), sys.begin(), sys.end());
  return Unexpected{field_error(field, fmt::format("unknown accelerator or system '{}'{}; see 'xpuplan catalog'", name,
                                                   did_you_mean(name, keys)))};
}

Expected<const StackEfficiency*, Diagnostic> resolve_stack(const DataSet& data, const Accelerator& a, Mode mode,
                                                           const std::string& name, std::string_view field) {
  const auto& stacks = data.catalog.stacks;
  if (name.empty()) {
    if (const StackEfficiency* s = default_stack(stacks, a.runtime, stack_mode(mode))) return s;
    return Unexpected{
        field_error(field, fmt::format("no {} stack for runtime '{}' in the data",
                                       is_training(mode) ? "training" : "inference", to_string(a.runtime)))};
  }
  if (const StackEfficiency* s = find_stack(stacks, name)) return s;
  std::vector<std::string> keys;
  keys.reserve(stacks.size());
  for (const auto& s : stacks) keys.push_back(s.key);
  return Unexpected{field_error(field, fmt::format("unknown stack '{}'{}", name, did_you_mean(name, keys)))};
}

void check_names(const DataSet& data, const ModelRef& model, const std::string& accelerator, const std::string& stack,
                 Mode mode, Diagnostics& ds) {
  if (auto m = resolve_model(data, model, "model"); !m) ds.push_back(m.error());
  if (auto hw = resolve_hardware(data, accelerator, "accelerator"); !hw) {
    ds.push_back(hw.error());
  } else if (auto s = resolve_stack(data, *hw->accelerator, mode, stack, "stack"); !s) {
    ds.push_back(s.error());
  }
}

void check_known(const std::string& name, const std::vector<std::string>& known, std::string_view field,
                 std::string_view what, Diagnostics& ds) {
  if (name.empty() || std::find(known.begin(), known.end(), name) != known.end()) return;
  ds.push_back(field_error(field, fmt::format("{} '{}'{}", what, name, did_you_mean(name, known))));
}

void check_offer_filters(const PriceBook& book, const OfferFilter& f, Diagnostics& ds) {
  // As compare matches offers: the price book's filter, then compare's
  // region rule (an offer without a region holds in every region).
  const auto find = [&](const OfferFilter& g) {
    OfferFilter any_region = g;
    any_region.region.clear();
    std::vector<const Offer*> out = book.find(any_region);
    std::erase_if(out, [&](const Offer* o) { return !in_region(*o, g.region); });
    return out;
  };
  if (book.offers.empty() || !find(f).empty()) return;
  OfferFilter g;
  std::string before = " in the price book";  // what the filters applied so far allow, in words
  const auto listed = [](std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    if (names.size() > 12) {
      const size_t more = names.size() - 10;
      names.resize(10);
      return fmt::format("{}, and {} more", fmt::join(names, ", "), more);
    }
    return fmt::format("{}", fmt::join(names, ", "));
  };
  const auto blame = [&](std::string_view field, const std::string& message) {
    ds.push_back(field_error(field, message));
  };
  if (!f.provider.empty()) {
    g.provider = f.provider;
    before = fmt::format(" from provider '{}'", f.provider);
  }
  if (f.provider_class) {
    OfferFilter h = g;
    h.provider_class = f.provider_class;
    if (find(h).empty()) {
      std::vector<std::string> classes;
      for (const Offer* o : find(g)) classes.emplace_back(to_string(o->provider_class));
      blame("provider_class",
            fmt::format("no {} offers{} (class: {})", to_string(*f.provider_class), before, listed(classes)));
      return;
    }
    g = h;
    before = fmt::format(" from {} providers{}", to_string(*f.provider_class),
                         f.provider.empty() ? "" : fmt::format(" ('{}')", f.provider));
  }
  if (!f.region.empty()) {
    OfferFilter h = g;
    h.region = f.region;
    if (find(h).empty()) {
      std::vector<std::string> regions;
      for (const Offer* o : find(g)) {
        if (!o->region.empty()) regions.push_back(o->region);
      }
      blame("region", fmt::format("no offers in region '{}'{}{}; their regions: {}", f.region, before,
                                  did_you_mean(f.region, regions), listed(regions)));
      return;
    }
    g = h;
    before =
        (f.provider.empty() && !f.provider_class ? std::string() : before) + fmt::format(" in region '{}'", f.region);
  }
  if (f.term) {
    std::vector<std::string> terms;
    for (const Offer* o : find(g)) terms.emplace_back(to_string(o->term));
    blame("term", fmt::format("no {} offers{}; their terms: {}", to_string(*f.term), before, listed(terms)));
  }
}

}  // namespace xpu::api
