#include "report/markup.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace xpu {
namespace {

// HTML elements that never have a closing tag (WHATWG HTML, "void elements").
constexpr std::array<std::string_view, 13> kVoid{"area",  "base", "br",   "col",    "embed", "hr", "img",
                                                 "input", "link", "meta", "source", "track", "wbr"};

bool is_void(std::string_view name) { return std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end(); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '_'; }

// Offset just past the '>' that ends a tag opened at `from`, skipping quoted attribute values; npos if none.
size_t tag_end(std::string_view t, size_t from) {
  char quote = 0;
  for (size_t i = from; i < t.size(); ++i) {
    if (quote) {
      if (t[i] == quote) quote = 0;
    } else if (t[i] == '"' || t[i] == '\'') {
      quote = t[i];
    } else if (t[i] == '>') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

bool entity_ok(std::string_view t, size_t at) {
  const size_t semi = t.find(';', at);
  if (semi == std::string_view::npos || semi - at > 10 || semi == at + 1) return false;
  std::string_view body = t.substr(at + 1, semi - at - 1);
  if (body[0] == '#') {
    body.remove_prefix(1);
    if (!body.empty() && (body[0] == 'x' || body[0] == 'X')) {
      body.remove_prefix(1);
      return !body.empty() && std::all_of(body.begin(), body.end(), [](char c) { return std::isxdigit(c); });
    }
    return !body.empty() && std::all_of(body.begin(), body.end(), [](char c) { return std::isdigit(c); });
  }
  return std::all_of(body.begin(), body.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

void check_text(std::string_view t, size_t from, size_t to, std::vector<std::string>& out) {
  for (size_t i = from; i < to; ++i) {
    if (t[i] == '&' && !entity_ok(t, i)) out.push_back(fmt::format("at {}: '&' that starts no entity", i));
    if (t[i] == '>') out.push_back(fmt::format("at {}: bare '>' in text", i));
  }
}

}  // namespace

std::vector<std::string> check_markup(std::string_view t) {
  std::vector<std::string> out;
  std::vector<std::pair<std::string, size_t>> open;
  size_t i = 0;
  while (i < t.size()) {
    const size_t lt = t.find('<', i);
    check_text(t, i, lt == std::string_view::npos ? t.size() : lt, out);
    if (lt == std::string_view::npos) break;
    if (t.substr(lt, 4) == "<!--") {
      const size_t end = t.find("-->", lt + 4);
      if (end == std::string_view::npos) {
        out.push_back(fmt::format("at {}: comment never closed", lt));
        break;
      }
      i = end + 3;
      continue;
    }
    if (t.substr(lt, 2) == "<!" || t.substr(lt, 2) == "<?") {
      const size_t end = t.find('>', lt);
      if (end == std::string_view::npos) break;
      i = end + 1;
      continue;
    }
    const bool closing = lt + 1 < t.size() && t[lt + 1] == '/';
    size_t n = lt + (closing ? 2 : 1);
    const size_t name_start = n;
    while (n < t.size() && name_char(t[n])) ++n;
    const std::string name = lower(t.substr(name_start, n - name_start));
    if (name.empty()) {
      out.push_back(fmt::format("at {}: '<' that starts no tag", lt));
      i = lt + 1;
      continue;
    }
    const size_t end = tag_end(t, n);
    if (end == std::string_view::npos) {
      out.push_back(fmt::format("at {}: <{}> never ends", lt, name));
      break;
    }
    i = end;
    if (closing) {
      if (open.empty()) {
        out.push_back(fmt::format("at {}: </{}> closes nothing", lt, name));
      } else if (open.back().first != name) {
        out.push_back(
            fmt::format("at {}: </{}> closes <{}> (opened at {})", lt, name, open.back().first, open.back().second));
        // Recover: pop to the matching element if there is one.
        auto it = std::find_if(open.rbegin(), open.rend(), [&](const auto& p) { return p.first == name; });
        if (it != open.rend()) open.erase(std::next(it).base(), open.end());
      } else {
        open.pop_back();
      }
      continue;
    }
    const bool self_closing = end >= 2 && t[end - 2] == '/';
    if (self_closing || is_void(name)) continue;
    if (name == "style" || name == "script") {
      const size_t close = lower(t.substr(i)).find("</" + name);
      if (close == std::string::npos) {
        out.push_back(fmt::format("at {}: <{}> never closed", lt, name));
        break;
      }
      i += close;
      open.emplace_back(name, lt);
      continue;
    }
    open.emplace_back(name, lt);
  }
  for (const auto& [name, at] : open) out.push_back(fmt::format("at {}: <{}> never closed", at, name));
  return out;
}

std::vector<std::string> external_references(std::string_view t) {
  std::vector<std::string> out;
  const std::string low = lower(t);
  constexpr std::string_view kSvgNs = "http://www.w3.org/2000/svg";
  for (std::string_view scheme : {"http://", "https://"}) {
    for (size_t at = low.find(scheme); at != std::string::npos; at = low.find(scheme, at + 1)) {
      if (low.compare(at, kSvgNs.size(), kSvgNs) == 0) continue;
      out.push_back(fmt::format("at {}: URL '{}'", at, t.substr(at, std::min<size_t>(60, t.size() - at))));
    }
  }
  auto local = [](std::string_view v) { return v.starts_with("#") || v.starts_with("data:"); };
  for (std::string_view attr : {" src=", " href=", " xlink:href=", "url(", "@import"}) {
    for (size_t at = low.find(attr); at != std::string::npos; at = low.find(attr, at + 1)) {
      size_t v = at + attr.size();
      while (v < low.size() && (low[v] == ' ' || low[v] == '"' || low[v] == '\'')) ++v;
      const std::string_view value = std::string_view(low).substr(v, 8);
      if (!local(value)) {
        out.push_back(
            fmt::format("at {}: {} refers to '{}'", at, attr, t.substr(v, std::min<size_t>(40, t.size() - v))));
      }
    }
  }
  return out;
}

}  // namespace xpu
