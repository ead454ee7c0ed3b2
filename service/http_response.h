// A bounded reader for an HTTP/1.x response (RFC 9112 4, 5): the status line, the header
// fields, the start of the body. Views into the caller's bytes; nothing is copied.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portauth::service {

struct HttpResponse {
  std::string_view version;  // "HTTP/1.1"
  int status = 0;            // 100-599
  std::string_view reason;   // "OK"
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // at most kMaxHeaders
  std::string_view body;     // what came after the header block (maybe cut short)

  // The first header named `name` (ASCII case-insensitive), trimmed; "" when absent.
  std::string_view header(std::string_view name) const;
  // The <title> of an HTML body, whitespace collapsed, printable, at most 80 bytes; "".
  std::string title() const;
};

inline constexpr size_t kMaxHeaders = 64;

// nullopt when `bytes` do not start with an HTTP/1.x status line. Also used for SIP and RTSP
// style responses with another `protocol` prefix ("SIP/2.0").
std::optional<HttpResponse> parse_http_response(std::string_view bytes, std::string_view protocol = "HTTP/1.");

}  // namespace portauth::service
