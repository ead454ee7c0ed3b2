// A framed request's head (web/request_framing.h said where it ends) read into a Request, for the
// requests an event loop answers itself (every method but POST: pages, the API's GETs, refusals).
// Pure: bytes from strangers in, a Request or a refusal out; fuzzed (fuzz/fuzz_web_request.cpp).
//
// Why not cpp-httplib's parser here as for POST: under 200 connections the library's per-request
// work (a case-insensitive multimap of headers, a stringstream and a vsnprintf per reply header)
// was a third of the server's user-space CPU per page (bench/README.md, "portauth serve"). Framing
// was already ours, so the library only ever sees bytes we have framed; this reads the same bytes.
//
// Stricter than the library, as RFC 9112 allows a server to be; refused with 400:
//   - a header line that is not "NAME: VALUE" with NAME a token (RFC 9110 tchar: no space before
//     the colon, no empty name), or a line folded onto the one before (obs-fold, RFC 9112 5.2);
//   - a NUL, or a CR that does not end a line, anywhere in the head;
//   - more than 64 query fields.
// The request line was checked by framing ("METHOD SP TARGET SP HTTP/1.x"); the method must be a
// token too. Values lose their leading and trailing spaces and tabs.
#pragma once
#include <string_view>

#include "web/request.h"

namespace portauth::web {

struct RequestHead {
  bool ok = false;          // false: refuse with 400 (`why` says why, for the log)
  const char* why = "";
  bool http10 = false;      // an HTTP/1.0 request
  bool close = false;       // the client asked to close after the reply (or HTTP/1.0 without keep-alive)
};

// `head`: the request's head, CRLF CRLF included. Fills `out`'s method, target, path, query and
// headers (peer, port and body are the caller's). The method is filled first, when it is a token,
// even if the head is then refused: the refusal of a HEAD request has no body either.
RequestHead parse_request_head(std::string_view head, Request& out);

}  // namespace portauth::web
