// Where one HTTP/1.1 request ends in the bytes a connection has received, decided before the
// HTTP library sees any of it: the server's event loop reads what arrives, without waiting, until
// frame_request() says a whole request is there (or that it must be refused), and only then hands
// it on. Pure: bytes in, a verdict out; bytes from strangers, so it is fuzzed (fuzz/).
//
// A request is its head (the request line and the header lines, ended by an empty line: CRLF CRLF)
// and, when the head says Content-Length: N, N bytes of body. Refused, with the status to answer:
//   431  a head longer than max_head_bytes, or with more than max_header_lines header lines
//   414  a request line longer than max_target_bytes (plus room for the method and version)
//   413  a Content-Length over max_body_bytes (said at once: the body is never read)
//   411  Transfer-Encoding (a chunked body): the server takes bodies with a Content-Length only
//   400  Content-Length twice, or not a number; a request line that is not "METHOD TARGET HTTP/1.x"
#pragma once
#include <cstddef>
#include <string_view>

#include "web/http_limits.h"

namespace portauth::web {

struct Framing {
  enum Status { kIncomplete, kComplete, kRefused };
  Status status = kIncomplete;
  size_t head_bytes = 0;   // kComplete: the head, CRLF CRLF included
  size_t total_bytes = 0;  // kComplete: head and body
  bool post = false;       // kComplete: the method is POST
  bool expect_continue = false;  // the head is whole and asks for "100 Continue" before its body
  int refuse_status = 0;   // kRefused
  const char* reason = "";  // kRefused: the status's reason phrase
};

Framing frame_request(std::string_view received, const HttpLimits& limits);

}  // namespace portauth::web
