// A whole Reply (web/request.h) as the bytes of an HTTP/1.1 response, for the requests an event
// loop answers itself (web/request_head.h says why not through cpp-httplib). Pure.
//
// The head: the status line; the security headers every reply carries (security_headers(), written
// once into a block kept for the process); Cache-Control: no-store unless the reply sets its own;
// the reply's headers (one whose name is not a token or whose value holds a CR, LF or NUL is left
// out: a header is never split); Content-Type and Content-Length (none for 1xx, 204 and 304);
// "Connection: close" when the connection ends after it, "Connection: keep-alive" for an HTTP/1.0
// client that keeps it. The body follows unless the request was HEAD or the status has none.
// A streamed reply (Reply::stream) is never written here: the event loops stream nothing.
#pragma once
#include <string>

#include "web/request.h"

namespace portauth::web {

struct ReplyFraming {
  bool head_request = false;  // HEAD: the head only, with the Content-Length a GET would get
  bool close = false;         // the connection closes after this reply
  bool http10 = false;        // the client spoke HTTP/1.0 (keep-alive must be said)
};

void append_reply(std::string& out, const Reply& reply, ReplyFraming framing);

// Statuses after which the rest of a connection cannot be trusted to be a next request.
bool ends_connection(int status);

}  // namespace portauth::web
