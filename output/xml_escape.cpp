#include "output/xml_escape.h"

namespace portauth::output {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0 at all.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string xml_comment_escape(std::string_view text) {
  const std::string escaped = xml_escape(text);
  std::string out;
  for (const char c : escaped) {
    if (c == '-' && !out.empty() && out.back() == '-') out += "&#45;";
    else out += c;
  }
  return out;
}

}  // namespace portauth::output
