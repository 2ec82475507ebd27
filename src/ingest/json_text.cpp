#include "ingest/json_text.h"

#include <fmt/format.h>

#include <cctype>
#include <functional>
#include <set>
#include <utility>
#include <vector>

#include "base/suggest.h"
#include "ingest/text_file.h"

namespace xpu {
namespace {

using nlohmann::json;

// RFC 6901: '~' is written '~0' and '/' is written '~1'.
std::string escape_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// nlohmann's message without its "[json.exception...] parse error at line L, column C: " prefix.
std::string parse_error_detail(const std::string& what) {
  const size_t col = what.find("column ");
  const size_t colon = col == std::string::npos ? std::string::npos : what.find(": ", col);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// A key given twice in one object: nlohmann keeps the last silently, so a config with
// "hidden_size": 4096 and later "hidden_size": 8192 described a model twice the size
// without a word. Each duplicate is reported with its JSON pointer.
class DuplicateKeys {
 public:
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        frames_.push_back({event == E::array_start, element_pointer(), {}, {}, 0});
        break;
      case E::key: {
        Frame& f = frames_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) duplicates_.push_back({f.pointer + "/" + escape_pointer_token(f.key), f.key});
        break;
      }
      case E::object_end:
      case E::array_end:
        frames_.pop_back();
        next_element();
        break;
      case E::value:
        next_element();
        break;
    }
    return true;
  }
  // (JSON pointer, key) of each repeated key.
  const std::vector<std::pair<std::string, std::string>>& duplicates() const { return duplicates_; }

 private:
  struct Frame {
    bool array;
    std::string pointer;
    std::set<std::string> keys;
    std::string key;
    size_t index;
  };
  std::string element_pointer() const {
    if (frames_.empty()) return "";
    const Frame& f = frames_.back();
    return f.pointer + "/" + (f.array ? std::to_string(f.index) : escape_pointer_token(f.key));
  }
  void next_element() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }
  std::vector<Frame> frames_;
  std::vector<std::pair<std::string, std::string>> duplicates_;
};

// What a hand-written JSON file most often gets wrong at the error, said
// beside the parser's words: a comma after the last item, a comment, single
// quotes (usertrial6: "unexpected '}'; expected string literal" for a trailing
// comma named neither).
std::string json_syntax_hint(const std::string& text, size_t at) {
  if (at >= text.size()) return "";
  const auto previous = [&](size_t i) {
    while (i > 0 && std::isspace(static_cast<unsigned char>(text[i - 1]))) --i;
    return i;  // one past the previous non-space character
  };
  if (text[at] == '}' || text[at] == ']') {
    const size_t p = previous(at);
    if (p > 0 && text[p - 1] == ',') {
      const SourceLocation c = position_in(text, "", p - 1);
      return fmt::format(" (a comma at {}:{} follows the last item; JSON allows none there)", c.line, c.column);
    }
  }
  const size_t slash = text[at] == '/' ? at : at > 0 && text[at - 1] == '/' ? at - 1 : std::string::npos;
  if (slash != std::string::npos && slash + 1 < text.size() && (text[slash + 1] == '/' || text[slash + 1] == '*')) {
    return " (a comment: JSON has none; remove it)";
  }
  if (text[at] == '\'') return " (JSON strings and keys are in double quotes)";
  return "";
}

}  // namespace

std::optional<json> parse_json_text(const std::string& text, const std::string& name, Diagnostics& ds) {
  json root;
  DuplicateKeys dups;
  try {
    root = json::parse(text, std::ref(dups));
  } catch (const json::parse_error& e) {
    // e.byte is 1-based and points at the offending character.
    const size_t at = e.byte > 0 ? e.byte - 1 : 0;
    ds.push_back(error_at(position_in(text, name, at), fmt::format("malformed JSON: {}{}", parse_error_detail(e.what()),
                                                                   json_syntax_hint(text, at))));
    return std::nullopt;
  } catch (const json::out_of_range& e) {
    // Not a syntax error: a number too large for a double ("1e400"), found by
    // fuzzing. It had no place and kept nlohmann's "[json.exception.out_of_range.406]"
    // (usertrial3): the number is located at its first occurrence in the text.
    const std::string what = e.what();
    const size_t open = what.find('\''), close = what.rfind('\'');
    const std::string number = open != std::string::npos && close > open ? what.substr(open + 1, close - open - 1) : "";
    const size_t at = number.empty() ? std::string::npos : text.find(number);
    ds.push_back(error_at(at == std::string::npos ? SourceLocation{name, 0, 0, ""} : position_in(text, name, at),
                          number.empty()
                              ? fmt::format("malformed JSON: {}", parse_error_detail(what))
                              : fmt::format("number out of range: '{}' is beyond a double (about 1.8e308)", number)));
    return std::nullopt;
  } catch (const json::exception& e) {
    ds.push_back(error_at({name, 0, 0, ""}, fmt::format("malformed JSON: {}", parse_error_detail(e.what()))));
    return std::nullopt;
  }
  for (const auto& [at, key] : dups.duplicates()) {
    ds.push_back(
        error_at({name, 0, 0, at}, fmt::format("duplicate key '{}': the file gives it more than once; keep one", key)));
  }
  if (!dups.duplicates().empty()) return std::nullopt;
  return root;
}

bool JsonKeyUse::ask(const json& object, const std::string& key, bool required) {
  asked.insert(key);
  const bool present = object.is_object() && object.contains(key);
  if (!present) absent.emplace_back(key, required);
  return present;
}

void report_near_miss_keys(const json& object, const JsonKeyUse& use, const std::string& file,
                           const std::string& prefix, Diagnostics& ds) {
  if (!object.is_object()) return;
  std::vector<std::string> unasked;
  for (const auto& [key, value] : object.items()) {
    if (!use.asked.contains(key)) unasked.push_back(key);
  }
  if (unasked.empty()) return;
  std::set<std::string, std::less<>> done;
  for (const auto& [key, required] : use.absent) {
    const auto near = closest_match(key, unasked);
    if (!near || !done.insert(key).second) continue;
    const std::string at = prefix + "/" + escape_pointer_token(*near);
    if (required) {
      const std::string missing_at = prefix + "/" + escape_pointer_token(key);
      for (Diagnostic& d : ds) {
        if (d.severity == Severity::error && d.where.file == file && d.where.pointer == missing_at) {
          d.message += fmt::format(" (the file has '{}' at {}: a typo?)", *near, at);
        }
      }
    } else {
      ds.push_back(warning_at({file, 0, 0, at}, fmt::format("'{}' is not a field xpuplan reads here (did you mean "
                                                            "'{}'?); '{}' was not given, so its default was used",
                                                            *near, key, key)));
    }
  }
}

}  // namespace xpu
