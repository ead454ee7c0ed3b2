// What one client can make the server hold, and for how long: the limits the HTTP side applies
// before any route runs (web/http_server.h enforces them; web/connection_stream.h on each byte).
#pragma once
#include <cstddef>

namespace portauth::web {

struct HttpLimits {
  // A request: its head (request line and headers) at most this many bytes and header lines
  // (431), its target at most max_target_bytes (414), its body at most max_body_bytes (413).
  size_t max_head_bytes = 8192;
  size_t max_header_lines = 64;
  size_t max_target_bytes = 2048;
  size_t max_body_bytes = 4096;
  // The whole request (head and body) must arrive within this many seconds of its first byte
  // (408): a client that trickles its request (slowloris) is cut off, however steadily it sends.
  double request_seconds = 10;
  // A connection with no request in progress is closed after this long (keep-alive, or one
  // opened and never used).
  double idle_seconds = 5;
  // A reply must leave within this long of each wait for the client to read it (a client that
  // stops reading is cut off).
  double write_seconds = 10;
  // Connections at once, in all and per client address (beyond: 503 / 429 and closed at once).
  size_t max_connections = 512;
  size_t max_client_connections = 32;
  // Requests on one keep-alive connection before it is closed.
  size_t max_requests_per_connection = 10000;
};

}  // namespace portauth::web
