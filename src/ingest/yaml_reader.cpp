#include "ingest/yaml_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <string_view>
#include <vector>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/node/detail/memory.h>
#include <yaml-cpp/node/detail/node.h>

#include "base/suggest.h"
#include "ingest/number_text.h"
#include "ingest/text_file.h"

namespace xpu {
struct MarkedNodeAccess {};
}  // namespace xpu

// The builder below hands its root to a YAML::Node through the constructor
// yaml-cpp keeps for its own builder; Node befriends every as_if<T, S>, and
// this one is ours.
template <>
struct YAML::as_if<xpu::MarkedNodeAccess, void> {
  static Node make(detail::node& root, const detail::shared_memory_holder& memory) { return Node(root, memory); }
};

namespace xpu {
namespace {

SourceLocation at_mark(const std::string& file, const YAML::Mark& m) {
  if (m.is_null()) return SourceLocation{file, 0, 0, ""};
  return SourceLocation{file, m.line + 1, m.column + 1, ""};
}

std::string sign_words(Sign s) { return s == Sign::positive ? "positive" : "zero or positive"; }

bool sign_ok(double v, Sign s) {
  if (s == Sign::positive) return v > 0;
  if (s == Sign::non_negative) return v >= 0;
  return true;
}

// YAML forbids tabs in indentation, and yaml-cpp's messages for them ("illegal
// block entry", "end of map not found") do not say so: the hint names the tab
// when the line of the error, or the one before it, is indented with one (usertrial2).
std::string tab_hint(const std::string& text, const YAML::Mark& m) {
  if (m.is_null() || m.line < 0) return "";
  size_t start = 0;
  std::vector<std::string_view> lines;
  for (int line = 0; line <= m.line && start <= text.size(); ++line) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (line >= m.line - 1) lines.emplace_back(text.data() + start, end - start);
    start = end + 1;
  }
  for (const std::string_view l : lines) {
    const size_t indent = l.find_first_not_of(" \t");
    if (l.substr(0, indent == std::string_view::npos ? l.size() : indent).find('\t') != std::string_view::npos) {
      return " (a tab indents this line; YAML indents with spaces)";
    }
  }
  return "";
}

// YAML::Load's builder, but an alias (`*name`) becomes a node of its own,
// marked where the alias is written, that shares the anchored node's children
// (and their marks). yaml-cpp's builder hands back the anchored node itself,
// so every message about an aliased value (a duplicate offer `- *o`, a bad
// `accelerator: *acc`) pointed at the anchor's line (found by usertrial2).
// The copies are shallow, and after kAliasCopyBudget copied children in one
// document an alias is shared again, so many aliases of a long list cost no
// more memory than they did.
class MarkedBuilder : public YAML::EventHandler {
 public:
  MarkedBuilder() : memory_(new YAML::detail::memory_holder) { anchors_.push_back(nullptr); }  // anchors start at 1

  YAML::Node root() const { return root_ ? YAML::as_if<MarkedNodeAccess, void>::make(*root_, memory_) : YAML::Node(); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    push(mark, anchor).set_null();
    pop();
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor >= anchors_.size() || anchors_[anchor] == nullptr) {  // the parser refuses an unknown anchor first
      OnNull(mark, YAML::NullAnchor);
      return;
    }
    YAML::detail::node& from = *anchors_[anchor];
    if (budget_ < from.size() + 1) {
      push(from);
      pop();
      return;
    }
    budget_ -= from.size() + 1;
    YAML::detail::node& copy = memory_->create_node();
    copy.set_mark(mark);
    copy.set_tag(from.tag());
    copy.set_style(from.style());
    switch (from.type()) {
      case YAML::NodeType::Scalar:
        copy.set_scalar(from.scalar());
        break;
      case YAML::NodeType::Sequence:
        copy.set_type(YAML::NodeType::Sequence);
        for (auto it = from.begin(); it != from.end(); ++it) copy.push_back(**it, memory_);
        break;
      case YAML::NodeType::Map:
        copy.set_type(YAML::NodeType::Map);
        for (auto it = from.begin(); it != from.end(); ++it) copy.insert(*it->first, *it->second, memory_);
        break;
      default:
        copy.set_null();
        break;
    }
    push(copy);
    pop();
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YAML::detail::node& n = push(mark, anchor);
    n.set_scalar(value);
    n.set_tag(tag);
    pop();
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    YAML::detail::node& n = push(mark, anchor);
    n.set_tag(tag);
    n.set_type(YAML::NodeType::Sequence);
    n.set_style(style);
  }
  void OnSequenceEnd() override { pop(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    YAML::detail::node& n = push(mark, anchor);
    n.set_type(YAML::NodeType::Map);
    n.set_tag(tag);
    n.set_style(style);
    ++map_depth_;
  }
  void OnMapEnd() override {
    --map_depth_;
    pop();
  }

 private:
  static constexpr size_t kAliasCopyBudget = 1'000'000;

  YAML::detail::node& push(const YAML::Mark& mark, YAML::anchor_t anchor) {
    YAML::detail::node& n = memory_->create_node();
    n.set_mark(mark);
    if (anchor) {
      anchors_.resize(std::max<size_t>(anchors_.size(), anchor + 1), nullptr);
      anchors_[anchor] = &n;
    }
    push(n);
    return n;
  }
  void push(YAML::detail::node& n) {
    const bool needs_key = !stack_.empty() && stack_.back()->type() == YAML::NodeType::Map && keys_.size() < map_depth_;
    stack_.push_back(&n);
    if (needs_key) keys_.emplace_back(&n, false);
  }
  void pop() {
    if (stack_.empty()) return;
    if (stack_.size() == 1) {
      root_ = stack_.front();
      stack_.pop_back();
      return;
    }
    YAML::detail::node& n = *stack_.back();
    stack_.pop_back();
    YAML::detail::node& parent = *stack_.back();
    if (parent.type() == YAML::NodeType::Sequence) {
      parent.push_back(n, memory_);
    } else if (parent.type() == YAML::NodeType::Map && !keys_.empty()) {
      auto& [key, has_value] = keys_.back();
      if (has_value) {
        parent.insert(*key, n, memory_);
        keys_.pop_back();
      } else {
        has_value = true;
      }
    }
  }

  YAML::detail::shared_memory_holder memory_;
  YAML::detail::node* root_ = nullptr;
  std::vector<YAML::detail::node*> stack_;
  std::vector<YAML::detail::node*> anchors_;
  std::vector<std::pair<YAML::detail::node*, bool>> keys_;  // a map's key, and whether its value came
  size_t map_depth_ = 0;
  size_t budget_ = kAliasCopyBudget;
};

YAML::Node load_marked(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  MarkedBuilder builder;
  if (!parser.HandleNextDocument(builder)) return YAML::Node();
  return builder.root();
}

}  // namespace

// Text with no YAML content: blank lines, comments and document markers only.
bool no_yaml_content(const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos) {
      line.remove_prefix(first);
      const bool marker = (line.starts_with("---") || line.starts_with("...")) &&
                          (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
      if (marker) line.remove_prefix(3);
      const size_t rest = line.find_first_not_of(" \t\r");
      if (rest != std::string_view::npos && line[rest] != '#') return false;
    }
    start = end + 1;
  }
  return true;
}

std::optional<YAML::Node> parse_yaml_text(const std::string& text, const std::string& name, Diagnostics& ds) {
  try {
    YAML::Node root = load_marked(text);
    // `---` alone (an empty document) is as empty as no text: it was
    // "2:1: expected a mapping" where an empty file says it is empty (usertrial6).
    if (root.IsNull() && no_yaml_content(text)) return YAML::Node();
    return root;
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp words its nesting limit as "bad file".
    ds.push_back(error_at(at_mark(name, e.mark),
                          fmt::format("malformed YAML: nested too deep (past {} levels of lists or maps)", e.depth())));
  } catch (const YAML::ParserException& e) {
    ds.push_back(error_at(at_mark(name, e.mark), fmt::format("malformed YAML: {}{}", e.msg, tab_hint(text, e.mark))));
  } catch (const YAML::Exception& e) {
    ds.push_back(error_at(at_mark(name, e.mark), fmt::format("malformed YAML: {}{}", e.msg, tab_hint(text, e.mark))));
  }
  return std::nullopt;
}

std::optional<YAML::Node> load_yaml_file(const std::string& path, Diagnostics& ds) {
  auto text = read_text_file(path, ds);
  if (!text) return std::nullopt;
  return parse_yaml_text(*text, path, ds);
}

SourceLocation location_of(const std::string& file, const YAML::Node& node) { return at_mark(file, node.Mark()); }

MapReader::MapReader(const YAML::Node& node, std::string file, Diagnostics& ds, std::string what)
    : node_(node), file_(std::move(file)), ds_(&ds), what_(std::move(what)) {
  if (!node_.IsMap()) {
    // No mark: the root of a file with no YAML document (empty, or comments
    // only), which had no line either (`--risks empty.yaml`, found by usertrial2).
    if (node_.Mark().is_null() && !node_.IsScalar() && !node_.IsSequence()) {
      ds_->push_back(
          error_at({file_, 1, 1, ""},
                   fmt::format("{}: the file is empty (no YAML in it); expected a mapping of keys to values", what_)));
    } else {
      ds_->push_back(
          error_at(location_of(file_, node_), fmt::format("{}: expected a mapping of keys to values", what_)));
    }
    return;
  }
  is_map_ = true;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string key = it->first.Scalar();
    bool dup = false;
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].first == key) {
        ds_->push_back(error_at(
            at_mark(file_, it->first.Mark()),
            fmt::format("{}: duplicate key '{}' (first given on line {})", what_, key, key_marks_[i].line + 1)));
        dup = true;
        break;
      }
    }
    if (dup) continue;
    entries_.emplace_back(key, it->second);
    key_marks_.push_back(it->first.Mark());
  }
  // YAML 1.1 merge keys (https://yaml.org/type/merge.html), which yaml-cpp
  // leaves as a plain "<<" key: `<<: *base` (or a list of them) supplies the
  // keys the mapping does not give itself, the first mapping listed winning.
  // Values keep their own place in the file, so messages point at the anchor.
  // Unread, "<<" made every merged field missing (found by usertrial2).
  if (const YAML::Node* merge = find("<<")) {
    known_.insert("<<");
    std::vector<YAML::Node> sources;
    if (merge->IsMap()) {
      sources.push_back(*merge);
    } else if (merge->IsSequence()) {
      for (const auto& e : *merge) sources.push_back(e);
    }
    if (sources.empty() ||
        !std::all_of(sources.begin(), sources.end(), [](const YAML::Node& n) { return n.IsMap(); })) {
      error("<<", "a merge key takes a mapping (`<<: *name`) or a list of them");
      return;
    }
    for (const YAML::Node& from : sources) {
      for (auto it = from.begin(); it != from.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (key == "<<" || find(key)) continue;
        entries_.emplace_back(key, it->second);
        key_marks_.push_back(it->first.Mark());
      }
    }
  }
}

void UniqueNames::add(MapReader& r, std::string_view key, const std::string& name) {
  if (name.empty()) return;
  const int line = r.where(key).line;
  if (const auto [it, fresh] = first_line_.emplace(name, line); !fresh) {
    if (line < r.where().line) {  // the name was written before its entry: the entry is an alias
      r.error(
          fmt::format("{}: '{}' is given twice (first on line {}), by an alias or a merge (<<) of that entry; "
                      "give this one its own {}",
                      key, name, it->second, key));
    } else {
      r.error(key, fmt::format("is given twice (first on line {})", it->second));
    }
  }
}

const YAML::Node* MapReader::find(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool MapReader::has(std::string_view key) const {
  const YAML::Node* n = find(key);
  return n != nullptr && !n->IsNull();
}

std::vector<std::string> MapReader::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : entries_) out.push_back(k);
  return out;
}

SourceLocation MapReader::where() const { return location_of(file_, node_); }

SourceLocation MapReader::where(std::string_view key) const {
  const YAML::Node* n = find(key);
  return n ? location_of(file_, *n) : where();
}

void MapReader::allow(std::initializer_list<std::string_view> keys) {
  for (auto k : keys) known_.emplace(k);
}

std::string MapReader::msg(std::string_view key, std::string_view text) const {
  return fmt::format("{}: {}: {}", what_, key, text);
}

void MapReader::missing(std::string_view key) {
  ds_->push_back(error_at(where(), fmt::format("{}: missing field '{}'", what_, key)));
}

void MapReader::error(std::string_view key, const std::string& message) {
  ds_->push_back(error_at(where(key), msg(key, message)));
}

void MapReader::error(std::string message) { ds_->push_back(error_at(where(), fmt::format("{}: {}", what_, message))); }

YAML::Node MapReader::node(std::string_view key, Need need) {
  known_.emplace(key);
  if (!is_map_) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node* n = find(key);
  if (n == nullptr || n->IsNull()) {
    if (need == Need::required) missing(key);
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return *n;
}

std::optional<std::string> MapReader::str(std::string_view key, Need need) {
  YAML::Node n = node(key, need);
  if (!n.IsDefined()) return std::nullopt;
  if (!n.IsScalar()) {
    error(key, "must be a single value");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<double> MapReader::number(std::string_view key, Need need, Sign sign) {
  auto s = str(key, need);
  if (!s) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size() || !std::isfinite(v)) {
    error(key, number_problem(*s));
    return std::nullopt;
  }
  if (!sign_ok(v, sign)) {
    error(key, fmt::format("must be {}, got {}", sign_words(sign), *s));
    return std::nullopt;
  }
  return v;
}

std::string whole_number_problem(std::string_view text, std::string_view unit, WholeLimit limit) {
  // Every reader keeps an int: below -kIntMost is out of range at the other
  // end ("at most 2147483647" for -99999999999 named the wrong bound).
  constexpr long long kIntMost = std::numeric_limits<int>::max();
  const bool negative = !text.empty() && text.front() == '-';
  const auto out_of_range = [&] {
    if (negative) return fmt::format("'{}' is out of range (numbers out of range: at least {})", text, -kIntMost);
    if (limit.why.empty())
      return fmt::format("'{}' is out of range (numbers out of range: at most {})", text, limit.most);
    return fmt::format("must be at most {}{}{} ({}), got {}", limit.most, unit.empty() ? "" : " ", unit, limit.why,
                       text);
  };
  const char* end = text.data() + text.size();
  long long n = 0;
  const auto [np, nec] = std::from_chars(text.data(), end, n);
  if (np == end && !text.empty() &&
      (nec == std::errc::result_out_of_range || (nec == std::errc() && (n > limit.most || n < -kIntMost)))) {
    return out_of_range();
  }
  double d = 0;
  const auto [dp, dec] = std::from_chars(text.data(), end, d);
  if (!text.empty() && dp == end && dec == std::errc() && std::isfinite(d) && d == std::floor(d)) {
    if (d > static_cast<double>(limit.most) || d < static_cast<double>(-kIntMost)) return out_of_range();
    return fmt::format("write '{}' in digits ({:.0f})", text, d);
  }
  return fmt::format("must be a whole number{}{}, got '{}'", unit.empty() ? "" : " of ", unit, text);
}

std::optional<long long> MapReader::integer(std::string_view key, Need need, Sign sign, std::string_view unit,
                                            WholeLimit limit) {
  auto s = str(key, need);
  if (!s) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size()) {
    error(key, whole_number_problem(*s, unit, limit));
    return std::nullopt;
  }
  // Every caller keeps an int: 4294967296 chips were read as 0 and a plan was
  // "infeasible", silently (usertrial5).
  constexpr long long kIntMost = std::numeric_limits<int>::max();
  if (v > std::min(limit.most, kIntMost) || v < -kIntMost) {
    error(key, whole_number_problem(*s, unit, limit));
    return std::nullopt;
  }
  if (!sign_ok(static_cast<double>(v), sign)) {
    error(key, fmt::format("must be {}, got {}", sign_words(sign), *s));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> MapReader::boolean(std::string_view key, Need need) {
  auto s = str(key, need);
  if (!s) return std::nullopt;
  if (*s == "true" || *s == "yes") return true;
  if (*s == "false" || *s == "no") return false;
  error(key, fmt::format("must be true or false, got '{}'", *s));
  return std::nullopt;
}

std::optional<std::vector<long long>> MapReader::int_list(std::string_view key, Need need) {
  YAML::Node n = node(key, need);
  if (!n.IsDefined()) return std::nullopt;
  if (!n.IsSequence()) {
    error(key, "must be a list of whole numbers, e.g. [4, 4]");
    return std::nullopt;
  }
  std::vector<long long> out;
  for (const auto& e : n) {
    long long v = 0;
    const std::string& s = e.Scalar();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!e.IsScalar() || ec != std::errc() || p != s.data() + s.size() || v <= 0) {
      ds_->push_back(error_at(location_of(file_, e),
                              msg(key, fmt::format("entries must be positive whole numbers, got '{}'", s))));
      return std::nullopt;
    }
    out.push_back(v);
  }
  return out;
}

std::optional<std::vector<std::string>> MapReader::str_list(std::string_view key, Need need) {
  YAML::Node n = node(key, need);
  if (!n.IsDefined()) return std::nullopt;
  if (n.IsScalar()) return std::vector<std::string>{n.Scalar()};
  if (!n.IsSequence()) {
    error(key, "must be a list");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& e : n) {
    if (!e.IsScalar()) {
      ds_->push_back(error_at(location_of(file_, e), msg(key, "entries must be single values")));
      return std::nullopt;
    }
    out.push_back(e.Scalar());
  }
  return out;
}

std::optional<ParsedQuantity> MapReader::quantity(std::string_view key, Dimension dim, Need need, Sign sign) {
  auto s = str(key, need);
  if (!s) return std::nullopt;
  auto parsed = parse_unit_text_as(*s, dim);
  SourceLocation loc = where(key);
  if (!parsed) {
    loc.column += parsed.error().offset;
    ds_->push_back(error_at(loc, msg(key, parsed.error().message)));
    return std::nullopt;
  }
  if (!sign_ok(parsed->si, sign)) {
    ds_->push_back(error_at(loc, msg(key, fmt::format("must be {}, got {}", sign_words(sign), *s))));
    return std::nullopt;
  }
  if (auto why = out_of_range(*parsed)) {
    ds_->push_back(error_at(loc, msg(key, fmt::format("'{}' is {}", *s, *why))));
    return std::nullopt;
  }
  return parsed.value();
}

std::optional<std::string> MapReader::choice(std::string_view key, const std::vector<std::string>& choices, Need need) {
  auto s = str(key, need);
  if (!s) return std::nullopt;
  for (const auto& c : choices) {
    if (c == *s) return s;
  }
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  error(key, fmt::format("must be one of {}; got '{}'{}", list, *s, did_you_mean(*s, choices)));
  return std::nullopt;
}

std::optional<MapReader> MapReader::map(std::string_view key, Need need, std::string what) {
  YAML::Node n = node(key, need);
  if (!n.IsDefined()) return std::nullopt;
  MapReader r(n, file_, *ds_, what.empty() ? fmt::format("{}: {}", what_, key) : std::move(what));
  if (!r.ok()) return std::nullopt;
  return r;
}

void MapReader::finish() {
  if (!is_map_) return;
  std::vector<std::string> known(known_.begin(), known_.end());
  for (size_t i = 0; i < entries_.size(); ++i) {
    const std::string& key = entries_[i].first;
    if (known_.count(key)) continue;
    ds_->push_back(error_at(at_mark(file_, key_marks_[i]),
                            fmt::format("{}: unknown key '{}'{}", what_, key, did_you_mean(key, known))));
  }
}

}  // namespace xpu
