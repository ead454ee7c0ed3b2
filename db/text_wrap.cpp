#include "db/text_wrap.h"

namespace portauth::db {

std::string wrap_paragraph(std::string_view text, size_t width, std::string_view first_prefix,
                           std::string_view rest_prefix) {
  std::string out(first_prefix);
  size_t line_start = 0;
  bool line_has_word = false;
  size_t pos = 0;
  while (true) {
    const size_t begin = text.find_first_not_of(" \t\r\n", pos);
    if (begin == std::string_view::npos) break;
    size_t end = text.find_first_of(" \t\r\n", begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(begin, end - begin);
    const size_t line_length = out.size() - line_start;
    if (line_has_word && line_length + 1 + word.size() > width) {
      out += '\n';
      line_start = out.size();
      out += rest_prefix;
      line_has_word = false;
    }
    if (line_has_word) out += ' ';
    out += word;
    line_has_word = true;
    pos = end;
  }
  // Trailing spaces of a bare prefix ("Name:   ") would only be noise.
  while (!out.empty() && out.back() == ' ' && !line_has_word) out.pop_back();
  out += '\n';
  return out;
}

std::string wrap_items(std::span<const std::string> items, size_t width,
                       std::string_view first_prefix, std::string_view rest_prefix) {
  std::string out(first_prefix);
  size_t line_start = 0;
  bool line_has_item = false;
  for (size_t i = 0; i < items.size(); ++i) {
    // The separating comma stays with the item before it, at the end of a line.
    const std::string piece = items[i] + (i + 1 < items.size() ? "," : "");
    if (line_has_item && out.size() - line_start + 1 + piece.size() > width) {
      out += '\n';
      line_start = out.size();
      out += rest_prefix;
      line_has_item = false;
    }
    if (line_has_item) out += ' ';
    out += piece;
    line_has_item = true;
  }
  while (!out.empty() && out.back() == ' ' && !line_has_item) out.pop_back();
  out += '\n';
  return out;
}

}  // namespace portauth::db
