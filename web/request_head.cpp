#include "web/request_head.h"

namespace portauth::web {
namespace {

RequestHead refuse(const char* why) {
  RequestHead h;
  h.why = why;
  return h;
}

// Whether a Connection header's comma-separated options include `option` (no case).
bool has_option(std::string_view value, std::string_view option) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    if (same_name(trim_ows(value.substr(0, comma)), option)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

RequestHead parse_request_head(std::string_view head, Request& out) {
  size_t eol = head.find("\r\n");
  if (eol == std::string_view::npos) return refuse("no request line");
  const std::string_view line = head.substr(0, eol);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return refuse("the request line is not METHOD TARGET VERSION");
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return refuse("the method is not a token");
  out.method.assign(method);  // first: a refusal of a HEAD request is still a HEAD's reply
  if (target.empty()) return refuse("an empty request target");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return refuse("not HTTP/1.0 or HTTP/1.1");

  // Every line ends in CRLF; no other CR, and no NUL, anywhere.
  for (size_t i = 0; i < head.size(); ++i) {
    if (head[i] == '\0') return refuse("a NUL byte in the request head");
    if (head[i] == '\r' && (i + 1 >= head.size() || head[i + 1] != '\n')) return refuse("a bare CR in the request head");
  }

  RequestHead h;
  h.http10 = version == "HTTP/1.0";
  out.target.assign(target);
  const size_t q = target.find('?');
  out.path.assign(target.substr(0, q));
  out.query.clear();
  if (q != std::string_view::npos && !parse_form(target.substr(q + 1), out.query))
    return refuse("too many query fields");

  out.headers.clear();
  bool close = false, keep_alive = false;
  size_t pos = eol + 2;
  while (pos < head.size()) {
    eol = head.find("\r\n", pos);
    if (eol == std::string_view::npos) return refuse("a header line without CRLF");
    const std::string_view header = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (header.empty()) break;  // the empty line that ends the head
    if (header.front() == ' ' || header.front() == '\t') return refuse("a folded header line (obs-fold)");
    const size_t colon = header.find(':');
    if (colon == std::string_view::npos) return refuse("a header line without a colon");
    const std::string_view name = header.substr(0, colon);
    if (!is_token(name)) return refuse("a header name that is not a token");
    const std::string_view value = trim_ows(header.substr(colon + 1));
    if (same_name(name, "Connection")) {
      close = close || has_option(value, "close");
      keep_alive = keep_alive || has_option(value, "keep-alive");
    }
    out.headers.emplace_back(std::string(name), std::string(value));
  }
  h.close = close || (h.http10 && !keep_alive);
  h.ok = true;
  return h;
}

}  // namespace portauth::web
