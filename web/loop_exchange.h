// One request an event loop answers itself, from its framed bytes to its reply's: every method but
// POST (a POST is a scan and leaves for a thread of its own, web/http_server.h). The head is read
// by web/request_head.h, the Router answers, web/reply_bytes.h writes the reply. Used by the event
// loops and by RequestAnswerer (tests and the fuzzer), so both run the same path.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "config/address.h"
#include "web/request_framing.h"
#include "web/router.h"

namespace portauth::web {

struct LoopAnswer {
  int status = 0;
  bool close = false;  // the connection must close once the reply is out
};

// `request`: the whole request (framing.status == kComplete, not a POST). `last`: the connection
// closes after this reply whatever the client asked (its request budget is spent, or the server is
// stopping). The reply is appended to `out`.
LoopAnswer answer_in_loop(const Router& router, std::string_view request, const Framing& framing,
                          const config::Address& peer, uint16_t peer_port, bool last, std::string& out);

}  // namespace portauth::web
