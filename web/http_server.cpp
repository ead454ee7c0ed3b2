#include "web/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/setup_error.h"
#include "web/connection_stream.h"
#include "web/page_layout.h"

namespace portauth::web {
namespace {

// The connection a request arrived on, for the handlers (they run on its thread).
struct Connection {
  ConnectionStream* stream = nullptr;
  config::Address peer;
  uint16_t port = 0;
};
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

config::Address from_sockaddr(const sockaddr_storage& ss, uint16_t& port) {
  if (ss.ss_family == AF_INET) {
    const auto* in4 = reinterpret_cast<const sockaddr_in*>(&ss);
    port = ntohs(in4->sin_port);
    return config::Address::v4(ntohl(in4->sin_addr.s_addr));
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  port = ntohs(in6->sin6_port);
  return config::Address::from_bytes(in6->sin6_addr.s6_addr);  // a mapped IPv4 peer becomes IPv4
}

}  // namespace

// cpp-httplib's Server, used for its request parser, its reply writer and its handler hooks;
// never for its sockets or threads (it never listens).
class HttpEngine final : public httplib::Server {
 public:
  HttpEngine(const Router& router, const HttpLimits& limits) : router_(router) {
    set_payload_max_length(limits.max_body_bytes);
    set_keep_alive_max_count(limits.max_requests_per_connection);
    set_keep_alive_timeout(time_t(limits.idle_seconds));
    // GET, HEAD and every other method: straight to the router (no body to read; other methods
    // get their 405 there). POST: after the library has read the body (within the limit).
    set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (req.method == "POST") return HandlerResponse::Unhandled;
      serve(req, res);
      return HandlerResponse::Handled;
    });
    Post("[\\s\\S]*", [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); });
    // A body announced too big is refused before the client sends it.
    set_expect_100_continue_handler([max = limits.max_body_bytes](const httplib::Request& req, httplib::Response& res) {
      // No exception may leave this handler (the library calls it outside its try block).
      const std::string length = req.get_header_value("Content-Length");
      size_t n = 0;
      bool too_big = length.size() > 12;
      for (char c : length) {
        if (c < '0' || c > '9' || too_big) break;
        n = n * 10 + size_t(c - '0');
        too_big = n > max;
      }
      if (too_big) {
        res.status = 413;
        return 413;
      }
      return 100;
    });
    // Errors the library produces itself (400 for a request it cannot parse, 413, 414, ...).
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
    // Every reply, the library's own included.
    set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
      for (const auto& [name, value] : security_headers()) res.set_header(name, value);
      if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
    });
  }

  using httplib::Server::process_request;

  // The library writes a streamed reply only while it believes it is listening; it never is.
  void serving(int listen_fd) { svr_sock_ = listen_fd; }

  // Runs after the head is parsed, before the body is read and before routing: the library's own
  // copies of the peer's and our address leave the headers (so those left are exactly what the
  // client sent); compression and byte ranges are turned off; a body announced too big is
  // refused before it is read (the library would read it all), one framed two ways is refused
  // (request smuggling), and a POST that announces no body has none (the library would read
  // until the client closes).
  static void setup(httplib::Request& req, size_t max_body) {
    for (const char* name : kLibraryHeaders) {
      auto range = req.headers.equal_range(name);
      if (range.first != range.second) req.headers.erase(std::prev(range.second));  // the library's: the last
    }
    req.headers.erase("Accept-Encoding");
    req.ranges.clear();
    ConnectionStream* stream = tls_connection ? tls_connection->stream : nullptr;
    if (!stream) return;
    const size_t lengths = req.get_header_value_count("Content-Length");
    const size_t encodings = req.get_header_value_count("Transfer-Encoding");
    if (lengths + encodings > 1) return stream->refuse_request(400, "Bad Request");
    if (encodings == 1 && req.get_header_value("Transfer-Encoding") != "chunked")
      return stream->refuse_request(501, "Not Implemented");
    if (lengths == 1) {
      const std::string length = req.get_header_value("Content-Length");
      if (length.empty() || length.size() > 12 || length.find_first_not_of("0123456789") != std::string::npos)
        return stream->refuse_request(400, "Bad Request");
      if (std::stoull(length) > max_body) return stream->refuse_request(413, "Payload Too Large");
    } else if (encodings == 0) {
      req.set_header("Content-Length", "0");
    }
  }

 private:
  void serve(const httplib::Request& req, httplib::Response& res) const {
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
    for (const auto& [name, value] : req.headers) r.headers.emplace_back(name, value);
    r.body = req.body;
    Reply reply = router_.handle(r);
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) res.set_header(name, value);
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

  const Router& router_;
};

HttpServer::HttpServer(const Router& router, HttpLimits limits, std::function<bool(const config::Address&)> may_connect)
    : router_(router),
      limits_(limits),
      may_connect_(std::move(may_connect)),
      engine_(std::make_unique<HttpEngine>(router, limits_)) {
  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw common::SetupError(std::string("pipe: ") + std::strerror(errno));
}

HttpServer::~HttpServer() {
  stop();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  close(wake_[0]);
  close(wake_[1]);
}

void HttpServer::listen(const std::string& address, uint16_t port) {
  const auto addr = config::parse_address(address);
  if (!addr) throw common::SetupError("--listen: '" + address + "' is not an IP address");
  sockaddr_storage ss{};
  socklen_t len;
  int family;
  if (addr->is_v4() && address.find(':') == std::string::npos) {
    auto* in4 = reinterpret_cast<sockaddr_in*>(&ss);
    in4->sin_family = AF_INET;
    in4->sin_port = htons(port);
    in4->sin_addr.s_addr = htonl(addr->v4());
    len = sizeof *in4;
    family = AF_INET;
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    addr->to_bytes(in6->sin6_addr.s6_addr);
    len = sizeof *in6;
    family = AF_INET6;
  }
  const int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw common::SetupError(std::string("cannot open a TCP socket: ") + std::strerror(errno));
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 1024) != 0) {
    const int e = errno;
    close(fd);
    throw common::SetupError("cannot listen on " + address + ":" + std::to_string(port) + ": " + std::strerror(e) +
                             (e == EADDRINUSE ? " (another server has that port: pick another with --listen)"
                              : e == EACCES   ? " (ports below 1024 need root)"
                              : e == EADDRNOTAVAIL ? " (no interface here has that address)"
                                                   : ""));
  }
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  from_sockaddr(bound, port_);
  listen_fd_ = fd;
  engine_->serving(fd);
}

size_t HttpServer::connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

void HttpServer::stop() {
  stopping_.store(true);
  const char c = 1;
  (void)!write(wake_[1], &c, 1);
}

void HttpServer::run() {
  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
  while (!stopping_.load()) {
    const int n = poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || fds[1].revents) break;
    if (fds[0].revents & POLLIN) accept_one();
  }
  // No new connection: those still in the backlog are refused by the kernel from here on.
  close(listen_fd_);
  listen_fd_ = -1;
  {
    std::lock_guard lock(mutex_);
    stopping_.store(true);
  }
  ready_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void HttpServer::refuse_connection(int fd, int status, const char* reason, unsigned retry_after) {
  // Whatever the client already sent is read and dropped first: closing a socket with unread
  // data resets the connection, and the client might lose this reply with it.
  char scratch[4096];
  for (int i = 0; i < 16 && recv(fd, scratch, sizeof scratch, MSG_DONTWAIT) > 0; ++i) {
  }
  const std::string body = std::to_string(status) + " " + reason + "\n";
  std::string reply = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                      "\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
                      "X-Content-Type-Options: nosniff\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n";
  if (retry_after) reply += "Retry-After: " + std::to_string(retry_after) + "\r\n";
  reply += "\r\n" + body;
  (void)send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  shutdown(fd, SHUT_WR);
  close(fd);
}

void HttpServer::accept_one() {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC);
  if (fd < 0) {
    // EMFILE and friends: the connection stays in the backlog; do not spin on it.
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) usleep(10000);
    return;
  }
  Pending c{fd, {}, 0};
  c.peer = from_sockaddr(ss, c.port);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!may_connect_(c.peer)) {
    refuse_connection(fd, 403, "Forbidden", 0);
    return;
  }
  std::unique_lock lock(mutex_);
  size_t& mine = per_client_[c.peer];
  if (open_ >= limits_.max_connections || mine >= limits_.max_client_connections) {
    const bool all = open_ >= limits_.max_connections;
    if (mine == 0) per_client_.erase(c.peer);
    lock.unlock();
    refuse_connection(fd, all ? 503 : 429, all ? "Service Unavailable" : "Too Many Requests", 1);
    return;
  }
  ++mine;
  ++open_;
  pending_.push_back(c);
  if (idle_workers_ + starting_workers_ < pending_.size()) {
    ++starting_workers_;
    workers_.emplace_back([this] { worker(); });
  }
  lock.unlock();
  ready_.notify_one();
}

void HttpServer::worker() {
  std::unique_lock lock(mutex_);
  --starting_workers_;
  for (;;) {
    ++idle_workers_;
    ready_.wait(lock, [this] { return !pending_.empty() || stopping_.load(); });
    --idle_workers_;
    if (pending_.empty()) return;  // stopping
    const Pending c = pending_.front();
    pending_.pop_front();
    lock.unlock();
    serve_connection(c);
    release(c.peer);
    lock.lock();
  }
}

void HttpServer::release(const config::Address& peer) {
  std::lock_guard lock(mutex_);
  --open_;
  auto it = per_client_.find(peer);
  if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

void HttpServer::serve_connection(const Pending& c) {
  ConnectionStream stream(c.fd, c.peer, c.port, limits_);
  Connection conn{&stream, c.peer, c.port};
  tls_connection = &conn;
  const std::function<void(httplib::Request&)> setup = [max = limits_.max_body_bytes](httplib::Request& req) {
    HttpEngine::setup(req, max);
  };
  for (size_t n = 0; n < limits_.max_requests_per_connection; ++n) {
    if (stopping_.load() || !stream.wait_for_request(limits_.idle_seconds, wake_[0])) break;
    stream.begin_request();
    const bool last = n + 1 == limits_.max_requests_per_connection || stopping_.load();
    bool closed = false;
    const bool ok = engine_->process_request(stream, last, closed, setup);
    stream.flush();
    if (!ok || closed || last || stream.must_close()) break;
  }
  tls_connection = nullptr;
  if (stream.must_close() && stream.last_status() >= 400) {
    // A refused request may still be arriving: stop writing, then read and drop a little of it,
    // so the client reads our reply instead of a reset.
    shutdown(c.fd, SHUT_WR);
    char scratch[4096];
    size_t dropped = 0;
    pollfd p{c.fd, POLLIN, 0};
    while (dropped < 256 * 1024 && poll(&p, 1, 500) > 0) {
      const ssize_t n = recv(c.fd, scratch, sizeof scratch, 0);
      if (n <= 0) break;
      dropped += size_t(n);
    }
  }
  close(c.fd);
}

}  // namespace portauth::web
