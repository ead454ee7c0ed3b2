#include "web/loop_exchange.h"

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
    reply = router.handle(r);
    if (reply.stream) {  // only scans stream, and scans are POSTs: never here
      reply = Reply{};
      reply.status = 500;
      reply.content_type = "text/plain; charset=utf-8";
      reply.body = "500 Internal Server Error\n";
    }
  }
  LoopAnswer answer;
  answer.status = reply.status;
  answer.close = !head.ok || head.close || last || ends_connection(reply.status);
  append_reply(out, reply, ReplyFraming{head.ok && r.method == "HEAD", answer.close, head.http10});
  return answer;
}

}  // namespace portauth::web
