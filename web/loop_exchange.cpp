#include "web/loop_exchange.h"

#include <exception>

#include "web/reply_bytes.h"
#include "web/request_head.h"

namespace portauth::web {

LoopAnswer answer_in_loop(const Router& router, std::string_view request, const Framing& framing,
                          const config::Address& peer, uint16_t peer_port, bool last, std::string& out) {
  Request r;
  r.peer = peer;
  r.peer_port = peer_port;
  const RequestHead head = parse_request_head(request.substr(0, framing.head_bytes), r);
  Reply reply;
  if (!head.ok) {
    reply.status = 400;
    reply.content_type = "text/plain; charset=utf-8";
    reply.body = std::string("400 Bad Request: ") + head.why + "\n";
  } else {
    r.body.assign(request.substr(framing.head_bytes));
    bool failed = false;
    try {
      reply = router.handle(r);
    } catch (const std::exception&) {
      failed = true;  // a bug of ours: the client gets a 500, the server goes on
    }
    if (failed || reply.stream) {  // only scans stream, and scans are POSTs: never here
      reply = Reply{};
      reply.status = 500;
      reply.content_type = "text/plain; charset=utf-8";
      reply.body = "500 Internal Server Error\n";
    }
  }
  LoopAnswer answer;
  answer.status = reply.status;
  answer.close = !head.ok || head.close || last || ends_connection(reply.status);
  append_reply(out, reply, ReplyFraming{r.method == "HEAD", answer.close, head.http10});
  return answer;
}

}  // namespace portauth::web
