#include "service/line_protocols.h"

#include "service/text_scan.h"

namespace portauth::service {

int reply_code(std::string_view line) {
  if (line.size() < 3) return -1;
  for (size_t i = 0; i < 3; ++i)
    if (line[i] < '0' || line[i] > '9') return -1;
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-' && line[3] != '\r' && line[3] != '\n') return -1;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

std::string greeting_host(std::string_view first_line) {
  if (first_line.size() < 5) return {};
  std::string_view w = text::first_word(first_line.substr(4));
  if (w.size() < 3 || w.size() > 253 || w.find('.') == std::string_view::npos) return {};
  for (const char c : w)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
      return {};
  return std::string(w);
}

}  // namespace portauth::service
