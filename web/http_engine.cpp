#include "web/http_engine.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "web/page_layout.h"
#include "web/request_framing.h"

namespace portauth::web {
namespace {

thread_local Connection* tls_connection = nullptr;

// The names cpp-httplib files the peer's and our address under, among the request's headers.
constexpr const char* kLibraryHeaders[] = {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"};

class SinkWriter final : public ChunkWriter {
 public:
  SinkWriter(httplib::DataSink& sink, ConnectionStream* stream) : sink_(sink), stream_(stream) {}
  bool write(std::string_view data) override {
    if (data.empty()) return stream_ ? !stream_->must_close() : true;
    return sink_.write(data.data(), data.size()) && (!stream_ || stream_->flush());
  }

 private:
  httplib::DataSink& sink_;
  ConnectionStream* stream_;
};

}  // namespace

CurrentConnection::CurrentConnection(Connection& c) { tls_connection = &c; }
CurrentConnection::~CurrentConnection() { tls_connection = nullptr; }

config::Address address_of(const sockaddr_storage& ss, uint16_t& port) {
  if (ss.ss_family == AF_INET) {
    const auto* in4 = reinterpret_cast<const sockaddr_in*>(&ss);
    port = ntohs(in4->sin_port);
    return config::Address::v4(ntohl(in4->sin_addr.s_addr));
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  port = ntohs(in6->sin6_port);
  return config::Address::from_bytes(in6->sin6_addr.s6_addr);  // a mapped IPv4 peer becomes IPv4
}

std::string canned_reply(int status, const char* reason, unsigned retry_after) {
  Reply reply;
  reply.status = status;
  reply.content_type = "text/plain; charset=utf-8";
  reply.body = std::to_string(status) + " " + reason + "\n";
  if (retry_after) reply.headers.emplace_back("Retry-After", std::to_string(retry_after));
  std::string out;
  append_reply(out, reply, ReplyFraming{.close = true});
  return out;
}

ssize_t MemoryStream::read(char* ptr, size_t size) {
  const size_t n = std::min(size, in_.size() - pos_);
  std::memcpy(ptr, in_.data() + pos_, n);
  pos_ += n;
  return ssize_t(n);
}

ssize_t MemoryStream::write(const char* ptr, size_t size) {
  out_.append(ptr, size);
  return ssize_t(size);
}

void MemoryStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip.clear();  // the peer comes from the current connection, never from the library
  port = 0;
}

void MemoryStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip.clear();
  port = 0;
}

HttpEngine::HttpEngine(const Router& router, const HttpLimits& limits) : router_(router) {
  set_payload_max_length(limits.max_body_bytes);
  set_keep_alive_max_count(limits.max_requests_per_connection);
  set_keep_alive_timeout(time_t(limits.idle_seconds));
  // GET, HEAD and every other method: straight to the router (no body to read; other methods get
  // their 405 there). POST: after the library has read the body (framed, within the limit).
  set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "POST") return HandlerResponse::Unhandled;
    serve(req, res);
    return HandlerResponse::Handled;
  });
  Post("[\\s\\S]*", [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); });
  // Errors the library produces itself (a request it cannot parse, ...).
  set_error_handler(HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty())
      res.set_content(std::to_string(res.status) + " " + std::string(status_text(res.status)) + "\n",
                      "text/plain; charset=utf-8");
    return HandlerResponse::Handled;
  }));
  set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content("500 Internal Server Error\n", "text/plain; charset=utf-8");
  });
  // Every reply, the library's own included (it adds each unless the reply has its own).
  httplib::Headers headers(security_headers().begin(), security_headers().end());
  headers.emplace("Cache-Control", "no-store");
  set_default_headers(std::move(headers));
}

bool HttpEngine::answer(httplib::Stream& stream, bool close_connection, bool& connection_closed) {
  static const std::function<void(httplib::Request&)> kSetup = &HttpEngine::setup;
  return process_request(stream, close_connection, connection_closed, kSetup);
}

// Runs after the head is parsed, before the body is read and before routing: the library's own
// copies of the peer's and our address leave the headers (so those left are exactly what the client
// sent); compression, byte ranges and the library's "100 Continue" are turned off (the event loop
// sends its own when due). Bodies were framed by web/request_framing.h: a Content-Length within the
// limit, no Transfer-Encoding.
void HttpEngine::setup(httplib::Request& req) {
  for (const char* name : kLibraryHeaders) {
    auto range = req.headers.equal_range(name);
    if (range.first != range.second) req.headers.erase(std::prev(range.second));  // the library's: the last
  }
  req.headers.erase("Accept-Encoding");
  req.headers.erase("Expect");
  req.ranges.clear();
  // A POST that announces no body has none (the library would read until the client closes).
  if (req.method == "POST" && !req.has_header("Content-Length")) req.set_header("Content-Length", "0");
}

void HttpEngine::serve(const httplib::Request& req, httplib::Response& res) const {
  Request r;
  const Connection* conn = tls_connection;
  if (conn) {
    r.peer = conn->peer;
    r.peer_port = conn->port;
  }
  r.method = req.method;
  r.target = req.target;
  const size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos && !parse_form(std::string_view(r.target).substr(q + 1), r.query)) {
    res.status = 400;
    res.set_content("400 Bad Request: too many query fields\n", "text/plain; charset=utf-8");
    return;
  }
  r.headers.reserve(req.headers.size());
  for (const auto& [name, value] : req.headers) r.headers.emplace_back(name, value);
  r.body = req.body;
  Reply reply = router_.handle(r);
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) {
    res.headers.erase(name);  // the reply's own over a default (Cache-Control)
    res.set_header(name, value);
  }
  if (reply.stream) {
    ConnectionStream* stream = conn ? conn->stream : nullptr;
    res.set_chunked_content_provider(reply.content_type,
                                     [fn = std::move(reply.stream), stream](size_t, httplib::DataSink& sink) {
                                       SinkWriter writer(sink, stream);
                                       fn(writer);
                                       sink.done();
                                       return true;
                                     });
  } else {
    res.set_content(std::move(reply.body), reply.content_type);
  }
}

}  // namespace portauth::web
