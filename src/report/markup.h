// Checks of the HTML and SVG xpuplan writes: well-formed (every element
// closed in order, entities complete) and self-contained (nothing fetched
// from a network or another file). Used by tests and by `compare --html`
// before it writes a report.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xpu {

// Problems with the markup in `text`, each with its byte offset ("at 120:
// </g> closes <svg>"). Empty = well-formed. HTML void elements (meta, br,
// img, ...) need no closing tag; <style> and <script> bodies are not parsed.
std::vector<std::string> check_markup(std::string_view text);

// References that would load something from outside the document: http(s)
// URLs (the SVG namespace URI excepted), src/href attributes other than
// "#fragment" and "data:", CSS url() and @import of anything but those.
std::vector<std::string> external_references(std::string_view text);

}  // namespace xpu
