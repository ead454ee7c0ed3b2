// What the web library sees of an HTTP exchange, as plain data with no HTTP library's types:
// a Request in, a Reply out. The server (web/http_server.h) fills a Request from the wire and
// writes the Reply back; everything between (web/router.h) is pure, and is tested by building
// Requests by hand.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/address.h"

namespace portauth::web {

using Fields = std::vector<std::pair<std::string, std::string>>;

// A name=value list decoded from a query string or an application/x-www-form-urlencoded body:
// split on '&', then on the first '=', '+' as a space, %XX decoded (a bad escape is kept as
// typed). Empty items are dropped. Returns false (with `fields` left as far as it got) when
// there are more than `max_fields` items.
bool parse_form(std::string_view text, Fields& fields, size_t max_fields = 64);

// %XX decoded; '+' becomes a space only when `plus_is_space`.
std::string percent_decode(std::string_view text, bool plus_is_space);

// ASCII case-insensitive equality, for header and field names.
bool same_name(std::string_view a, std::string_view b);

// An RFC 9110 token (a method, a header name): one or more tchar ("!#$%&'*+-.^_`|~", digits,
// letters).
bool is_token(std::string_view s);

// `s` without its leading and trailing spaces and tabs (HTTP's optional whitespace, OWS).
std::string_view trim_ows(std::string_view s);

struct Request {
  // The TCP peer, from the accepted socket (getpeername), never from anything the client sent.
  config::Address peer;
  uint16_t peer_port = 0;
  std::string method;       // "GET", "HEAD", "POST", ... as sent
  std::string target;       // the request target as sent: path and query, not decoded
  std::string path;         // target up to '?', not decoded
  Fields query;             // decoded from the target's query
  Fields headers;           // as sent, in order; names compared with same_name()
  std::string body;         // the request body (bounded by the server)

  // The first value of a header ("" when absent), and how many times it was sent.
  std::string header(std::string_view name) const;
  size_t header_count(std::string_view name) const;
  // The first value of a query field ("" when absent).
  std::string param(std::string_view name) const;
};

// Writes the pieces of a streamed reply as they come. write() returns false once the client
// is gone (the stream should stop early).
class ChunkWriter {
 public:
  virtual ~ChunkWriter() = default;
  virtual bool write(std::string_view data) = 0;
};

struct Reply {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  Fields headers;    // besides the security headers every reply gets (security_headers())
  std::string body;  // the whole body, unless `stream` is set
  // A body written piece by piece (chunked transfer encoding), e.g. a scan's live results.
  // Runs on the connection's thread once the status and headers are out.
  std::function<void(ChunkWriter&)> stream;
};

// The headers every reply carries: a Content-Security-Policy that allows nothing from any other
// origin and no inline script or style (frame-ancestors 'none'), X-Content-Type-Options nosniff,
// X-Frame-Options DENY for older browsers, Referrer-Policy same-origin, Cross-Origin-Resource-
// Policy same-origin. Cache-Control is no-store unless the reply sets its own.
const Fields& security_headers();

}  // namespace portauth::web
