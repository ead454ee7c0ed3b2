#include "service/http_response.h"

#include "service/text_scan.h"

namespace portauth::service {

std::string_view HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && text::istarts_with(k, name)) return v;
  return {};
}

std::string HttpResponse::title() const {
  const size_t open = text::ifind(body, "<title");
  if (open == std::string_view::npos) return {};
  const size_t gt = body.find('>', open);
  if (gt == std::string_view::npos) return {};
  std::string_view rest = body.substr(gt + 1);
  const size_t close = text::ifind(rest, "</title");
  if (close != std::string_view::npos) rest = rest.substr(0, close);
  std::string out;
  bool space = false;
  for (const char c : text::trim(rest.substr(0, 400))) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return text::printable(out, 80);
}

std::optional<HttpResponse> parse_http_response(std::string_view bytes, std::string_view protocol) {
  if (!text::starts_with(bytes, protocol)) return std::nullopt;
  HttpResponse r;
  const std::string_view line = text::first_line(bytes);
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos || sp > 16 || line.size() < sp + 4) return std::nullopt;
  r.version = line.substr(0, sp);
  const std::string_view code = line.substr(sp + 1, 3);
  for (const char c : code)
    if (c < '0' || c > '9') return std::nullopt;
  r.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  if (r.status < 100) return std::nullopt;
  if (line.size() > sp + 5) r.reason = line.substr(sp + 5);

  // Header fields, one a line, until the empty line (or the bytes end).
  size_t pos = bytes.find('\n');
  while (pos != std::string_view::npos && pos + 1 < bytes.size()) {
    const size_t start = pos + 1;
    const size_t end = bytes.find('\n', start);
    std::string_view h = bytes.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!h.empty() && h.back() == '\r') h.remove_suffix(1);
    if (h.empty()) {
      r.body = end == std::string_view::npos ? std::string_view() : bytes.substr(end + 1);
      break;
    }
    const size_t colon = h.find(':');
    if (colon != std::string_view::npos && colon > 0 && r.headers.size() < kMaxHeaders)
      r.headers.emplace_back(h.substr(0, colon), text::trim(h.substr(colon + 1)));
    pos = end;
  }
  return r;
}

}  // namespace portauth::service
