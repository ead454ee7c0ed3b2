#include "web/request_framing.h"

#include <algorithm>
#include <cstring>

#include "web/request.h"

namespace portauth::web {
namespace {

Framing refuse(int status, const char* reason) {
  Framing f;
  f.status = Framing::kRefused;
  f.refuse_status = status;
  f.reason = reason;
  return f;
}

bool name_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = line[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != name[i]) return false;
  }
  return true;
}

std::string_view value_of(std::string_view line) { return trim_ows(line.substr(line.find(':') + 1)); }

}  // namespace

Framing frame_request(std::string_view in, const HttpLimits& limits) {
  // The request line first: it may be refused before its end arrives.
  const size_t max_line = limits.max_target_bytes + 32;
  const size_t first_lf = in.find('\n');
  if (first_lf == std::string_view::npos && in.size() > max_line) return refuse(414, "URI Too Long");
  if (first_lf != std::string_view::npos && first_lf > max_line) return refuse(414, "URI Too Long");

  const size_t limit = std::min(in.size(), limits.max_head_bytes);
  const size_t end = in.substr(0, limit).find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (in.size() >= limits.max_head_bytes) return refuse(431, "Request Header Fields Too Large");
    // Header lines so far (a flood of short ones is refused before the head is over).
    if (size_t(std::count(in.begin(), in.begin() + long(limit), '\n')) > limits.max_header_lines + 1)
      return refuse(431, "Request Header Fields Too Large");
    return {};
  }
  const std::string_view head = in.substr(0, end + 2);  // every line with its CRLF
  if (size_t(std::count(head.begin(), head.end(), '\n')) > limits.max_header_lines + 1)
    return refuse(431, "Request Header Fields Too Large");

  // "METHOD SP TARGET SP HTTP/1.x"
  const std::string_view request_line = head.substr(0, head.find("\r\n"));
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp1 == 0 || sp2 == std::string_view::npos || sp2 == sp1 + 1 ||
      request_line.find(' ', sp2 + 1) != std::string_view::npos ||
      (request_line.substr(sp2 + 1) != "HTTP/1.1" && request_line.substr(sp2 + 1) != "HTTP/1.0"))
    return refuse(400, "Bad Request");

  size_t content_length = 0;
  bool have_length = false, expect = false;
  size_t pos = request_line.size() + 2;
  while (pos < head.size()) {
    const size_t eol = head.find("\r\n", pos);
    const std::string_view line = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (name_is(line, "transfer-encoding")) return refuse(411, "Length Required");
    if (name_is(line, "expect")) expect = value_of(line) == "100-continue";
    if (!name_is(line, "content-length")) continue;
    const std::string_view v = value_of(line);
    if (have_length || v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string_view::npos)
      return refuse(400, "Bad Request");
    have_length = true;
    for (char c : v) content_length = content_length * 10 + size_t(c - '0');
  }
  if (content_length > limits.max_body_bytes) return refuse(413, "Payload Too Large");

  Framing f;
  f.head_bytes = end + 4;
  f.total_bytes = f.head_bytes + content_length;
  f.post = request_line.substr(0, sp1) == "POST";
  f.expect_continue = expect;
  f.status = in.size() >= f.total_bytes ? Framing::kComplete : Framing::kIncomplete;
  return f;
}

}  // namespace portauth::web
