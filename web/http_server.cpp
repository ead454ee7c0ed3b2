#include "web/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/setup_error.h"
#include "web/connection_stream.h"
#include "web/page_layout.h"
#include "web/request_framing.h"

namespace portauth::web {
namespace {

// The connection a request arrived on, for the handlers (they run on its thread). `stream` is
// null on an event loop (the reply is gathered in memory there).
struct Connection {
  ConnectionStream* stream = nullptr;
  config::Address peer;
  uint16_t port = 0;
};
thread_local Connection* tls_connection = nullptr;

// The names cpp-httplib files the peer's and our address under, among the request's headers.
constexpr const char* kLibraryHeaders[] = {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"};

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Statuses after which the rest of a connection cannot be trusted to be a next request.
bool ends_connection(int status) {
  return status == 400 || status == 408 || status == 411 || status == 413 || status == 414 || status == 431 ||
         status >= 500;
}

std::string canned_reply(int status, const char* reason, unsigned retry_after) {
  const std::string body = std::to_string(status) + " " + reason + "\n";
  std::string reply = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                      "\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
                      "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n";
  if (retry_after) reply += "Retry-After: " + std::to_string(retry_after) + "\r\n";
  return reply + "\r\n" + body;
}

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

// A whole request already received, and the reply gathered in memory: the event loop's Stream.
class MemoryStream final : public httplib::Stream {
 public:
  MemoryStream(std::string_view request, std::string& out) : in_(request), out_(out) {}
  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - pos_);  // 0 at the end: nothing beyond the request
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return ssize_t(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (status_ == 0 && size >= 12 && std::memcmp(ptr, "HTTP/1.1 ", 9) == 0)
      status_ = (ptr[9] - '0') * 100 + (ptr[10] - '0') * 10 + (ptr[11] - '0');
    out_.append(ptr, size);
    return ssize_t(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip.clear();
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip.clear();
    port = 0;
  }
  socket_t socket() const override { return -1; }
  int status() const { return status_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  std::string& out_;
  int status_ = 0;
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

// Stop writing, read and drop what the client still sends for up to a second, then close: closing
// with unread data resets the connection, and the client could lose the reply with it.
void linger_close(int fd) {
  shutdown(fd, SHUT_WR);
  char scratch[4096];
  size_t dropped = 0;
  pollfd p{fd, POLLIN, 0};
  while (dropped < 256 * 1024 && poll(&p, 1, 1000) > 0) {
    const ssize_t n = recv(fd, scratch, sizeof scratch, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) break;
    dropped += size_t(n);
  }
  close(fd);
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

  using httplib::Server::process_request;

  // The library writes a streamed reply only while it believes it is listening; it never is.
  void serving(int listen_fd) { svr_sock_ = listen_fd; }

  // Runs after the head is parsed, before the body is read and before routing: the library's own
  // copies of the peer's and our address leave the headers (so those left are exactly what the
  // client sent); compression, byte ranges and the library's "100 Continue" are turned off. (Bodies were framed by
  // web/request_framing.h: a Content-Length within the limit, no Transfer-Encoding.)
  static void setup(httplib::Request& req) {
    for (const char* name : kLibraryHeaders) {
      auto range = req.headers.equal_range(name);
      if (range.first != range.second) req.headers.erase(std::prev(range.second));  // the library's: the last
    }
    req.headers.erase("Accept-Encoding");
    req.headers.erase("Expect");  // the event loop sends "100 Continue" itself, when it is due
    req.ranges.clear();
    // A POST that announces no body has none (the library would read until the client closes).
    if (req.method == "POST" && !req.has_header("Content-Length")) req.set_header("Content-Length", "0");
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

  const Router& router_;
};

// One event loop: the connections it accepted, read and written without blocking.
class EventLoop {
 public:
  explicit EventLoop(HttpServer& server) : s_(server) {
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epfd_ < 0) throw common::SetupError(std::string("epoll_create1: ") + std::strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.fd = s_.listen_fd_;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, s_.listen_fd_, &ev);
    ev.events = EPOLLIN;
    ev.data.fd = s_.wake_[0];
    epoll_ctl(epfd_, EPOLL_CTL_ADD, s_.wake_[0], &ev);
  }
  ~EventLoop() {
    for (auto& [fd, c] : conns_) {
      close(fd);
      s_.release(c->peer);
    }
    close(epfd_);
  }

  void run();

 private:
  struct Conn {
    int fd = -1;
    config::Address peer;
    uint16_t port = 0;
    std::string in, out;
    size_t out_pos = 0;
    double request_start = -1;  // first byte of the request being received (-1: none)
    double last_active = 0;
    double write_since = -1;    // since when output has been waiting for the client
    size_t requests = 0;
    bool closing = false;       // close once `out` is sent
    bool linger = false;        // shut down for writing, dropping what still comes
    double linger_until = 0;
    bool want_out = false;      // EPOLLOUT registered
    bool error = false;         // the last reply ended the connection
    bool waiting = false;       // a received request waits for the pending reply to leave
    bool continued = false;     // "100 Continue" sent for the request being received
  };

  void accept_some();
  void on_input(Conn& c);
  void process(Conn& c);
  void flush(Conn& c);
  void finish(Conn& c);
  void drop(int fd);
  void sweep();
  void watch(Conn& c, bool out);

  HttpServer& s_;
  int epfd_ = -1;
  std::unordered_map<int, std::unique_ptr<Conn>> conns_;
  double now_ = 0;
};

void EventLoop::run() {
  epoll_event events[128];
  double last_sweep = now_seconds();
  bool stopping = false;
  double stop_deadline = 0;
  for (;;) {
    const int n = epoll_wait(epfd_, events, 128, 100);
    now_ = now_seconds();
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == s_.wake_[0]) {
        if (!stopping) {
          stopping = true;
          stop_deadline = now_ + 2;
          epoll_ctl(epfd_, EPOLL_CTL_DEL, s_.listen_fd_, nullptr);
          epoll_ctl(epfd_, EPOLL_CTL_DEL, s_.wake_[0], nullptr);
        }
        continue;
      }
      if (fd == s_.listen_fd_) {
        if (!stopping) accept_some();
        continue;
      }
      auto it = conns_.find(fd);
      if (it == conns_.end()) continue;
      Conn& c = *it->second;
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) on_input(c);
      if (conns_.count(fd) && (events[i].events & EPOLLOUT)) flush(c);
    }
    if (now_ - last_sweep >= 0.1 || stopping) {
      last_sweep = now_;
      sweep();
    }
    if (stopping) {
      // Idle connections go now; those with a request or a reply under way get two seconds.
      std::vector<int> idle;
      for (auto& [fd, c] : conns_)
        if ((c->in.empty() && c->out_pos == c->out.size()) || now_ > stop_deadline) idle.push_back(fd);
      for (int fd : idle) drop(fd);
      if (conns_.empty()) return;
    }
  }
}

void EventLoop::accept_some() {
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    const int fd = accept4(s_.listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      // EMFILE and friends: the connection stays in the backlog; do not spin on it.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) usleep(10000);
      return;
    }
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->peer = from_sockaddr(ss, c->port);
    c->last_active = now_;
    if (const int refused = s_.admit(c->peer)) {
      // Whatever the client already sent is dropped first, so the close is no reset.
      char scratch[4096];
      for (int k = 0; k < 16 && recv(fd, scratch, sizeof scratch, MSG_DONTWAIT) > 0; ++k) {
      }
      const std::string reply = canned_reply(refused, std::string(status_text(refused)).c_str(), refused == 403 ? 0 : 1);
      (void)send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      shutdown(fd, SHUT_WR);
      close(fd);
      continue;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = fd;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev);
    conns_.emplace(fd, std::move(c));
  }
}

void EventLoop::watch(Conn& c, bool out) {
  if (c.want_out == out) return;
  c.want_out = out;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (out ? EPOLLOUT : 0u);
  ev.data.fd = c.fd;
  epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void EventLoop::on_input(Conn& c) {
  char buf[16384];
  const size_t cap = s_.limits_.max_head_bytes + s_.limits_.max_body_bytes + sizeof buf;
  for (;;) {
    const ssize_t n = recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {  // the client closed (or reset): nothing more to answer
      drop(c.fd);
      return;
    }
    c.last_active = now_;
    if (c.linger || c.closing) continue;  // refused: what still comes is dropped
    if (c.request_start < 0) c.request_start = now_;
    c.in.append(buf, size_t(n));
    if (c.in.size() > cap) break;  // framing will refuse it; read no more
    // Less than a buffer: drained for now (saves the recv that would say EAGAIN; epoll is level-
    // triggered and says so again if more came meanwhile).
    if (size_t(n) < sizeof buf) break;
  }
  process(c);
}

void EventLoop::process(Conn& c) {
  const int fd = c.fd;
  c.waiting = false;
  while (!c.closing && !c.in.empty()) {
    if (c.out.size() - c.out_pos >= 256 * 1024) {
      c.waiting = true;  // a client that pipelines faster than it reads waits for its replies
      break;
    }
    const Framing f = frame_request(c.in, s_.limits_);
    if (f.status == Framing::kIncomplete) {
      // A client that asked may now send its body (the library's own 100 is turned off).
      if (f.expect_continue && !c.continued) {
        c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        c.continued = true;
      }
      break;
    }
    if (f.status == Framing::kRefused) {
      c.out += canned_reply(f.refuse_status, f.reason, 0);
      c.closing = c.error = true;
      c.in.clear();
      break;
    }
    if (f.post) {
      // A scan: to a thread of its own, with the connection (only when no reply is still due).
      if (c.out_pos < c.out.size()) {
        c.waiting = true;
        break;
      }
      std::string request = c.in.substr(0, f.total_bytes);
      epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
      const config::Address peer = c.peer;
      const uint16_t port = c.port;
      conns_.erase(fd);  // the scan thread owns the socket and its admission from here on
      if (!s_.start_scan_thread(fd, peer, port, std::move(request))) {
        const std::string reply = canned_reply(503, "Service Unavailable", 1);
        (void)send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        close(fd);
        s_.release(peer);
      }
      return;
    }
    Connection conn{nullptr, c.peer, c.port};
    tls_connection = &conn;
    MemoryStream stream(std::string_view(c.in).substr(0, f.total_bytes), c.out);
    const bool last = ++c.requests >= s_.limits_.max_requests_per_connection || s_.stopping_.load();
    bool closed = false;
    static const std::function<void(httplib::Request&)> kSetup = &HttpEngine::setup;
    s_.engine_->process_request(stream, last, closed, kSetup);
    tls_connection = nullptr;
    c.in.erase(0, f.total_bytes);
    c.request_start = c.in.empty() ? -1 : now_;
    c.continued = false;
    if (closed || last || ends_connection(stream.status())) {
      c.closing = true;
      c.error = ends_connection(stream.status());
      c.in.clear();
    }
  }
  flush(c);
}

void EventLoop::flush(Conn& c) {
  while (c.out_pos < c.out.size()) {
    const ssize_t n = send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out_pos += size_t(n);
      c.last_active = now_;
      c.write_since = now_;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (c.write_since < 0) c.write_since = now_;
      watch(c, true);
      return;
    }
    drop(c.fd);  // gone
    return;
  }
  c.out.clear();
  c.out_pos = 0;
  c.write_since = -1;
  watch(c, false);
  if (c.closing) finish(c);
  else if (c.waiting) process(c);  // requests that waited for this reply to leave
}

void EventLoop::finish(Conn& c) {
  if (!c.error) {
    drop(c.fd);
    return;
  }
  // A refused request may still be arriving: stop writing, drop what comes for a second.
  shutdown(c.fd, SHUT_WR);
  c.linger = true;
  c.linger_until = now_ + 1;
}

void EventLoop::drop(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  const config::Address peer = it->second->peer;
  epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  conns_.erase(it);
  s_.release(peer);  // before the close: a client that sees it closed sees it counted out
  close(fd);
}

void EventLoop::sweep() {
  const HttpLimits& l = s_.limits_;
  std::vector<int> expired, too_slow;
  for (auto& [fd, cp] : conns_) {
    const Conn& c = *cp;
    if (c.linger) {
      if (now_ > c.linger_until) expired.push_back(fd);
    } else if (c.out_pos < c.out.size()) {
      if (now_ - c.write_since > l.write_seconds) expired.push_back(fd);  // the client stopped reading
    } else if (c.request_start >= 0 && !c.closing && now_ - c.request_start > l.request_seconds) {
      too_slow.push_back(fd);  // trickled, or never finished
    } else if (c.in.empty() && now_ - c.last_active > l.idle_seconds) {
      expired.push_back(fd);
    }
  }
  for (int fd : expired) drop(fd);
  for (int fd : too_slow) {
    Conn& c = *conns_.at(fd);
    c.out += canned_reply(408, "Request Timeout", 0);
    c.in.clear();
    c.closing = c.error = true;
    flush(c);
  }
}

RequestAnswerer::RequestAnswerer(const Router& router, const HttpLimits& limits)
    : engine_(std::make_unique<HttpEngine>(router, limits)), limits_(limits) {
  engine_->serving(0);  // "listening": streamed replies are written
}

RequestAnswerer::~RequestAnswerer() = default;

std::string RequestAnswerer::answer(std::string_view received, const config::Address& peer) {
  const Framing f = frame_request(received, limits_);
  if (f.status == Framing::kRefused) return canned_reply(f.refuse_status, f.reason, 0);
  if (f.status == Framing::kIncomplete) return {};
  std::string out;
  Connection conn{nullptr, peer, 0};
  tls_connection = &conn;
  MemoryStream stream(received.substr(0, f.total_bytes), out);
  bool closed = false;
  static const std::function<void(httplib::Request&)> kSetup = &HttpEngine::setup;
  engine_->process_request(stream, false, closed, kSetup);
  tls_connection = nullptr;
  return out;
}

HttpServer::HttpServer(const Router& router, HttpLimits limits, std::function<bool(const config::Address&)> may_connect,
                       unsigned loops)
    : router_(router),
      limits_(limits),
      may_connect_(std::move(may_connect)),
      engine_(std::make_unique<HttpEngine>(router, limits_)),
      loop_count_(loops ? loops : std::max(1u, std::thread::hardware_concurrency())) {
  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw common::SetupError(std::string("pipe: ") + std::strerror(errno));
}

HttpServer::~HttpServer() {
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
  const int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) throw common::SetupError(std::string("cannot open a TCP socket: ") + std::strerror(errno));
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 1024) != 0) {
    const int e = errno;
    close(fd);
    throw common::SetupError("cannot listen on " + address + ":" + std::to_string(port) + ": " + std::strerror(e) +
                             (e == EADDRINUSE      ? " (another server has that port: pick another with --listen)"
                              : e == EACCES        ? " (ports below 1024 need root)"
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
  std::vector<std::unique_ptr<EventLoop>> loops;
  for (unsigned i = 0; i < loop_count_; ++i) loops.push_back(std::make_unique<EventLoop>(*this));
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < loop_count_; ++i) threads.emplace_back([&loops, i] { loops[i]->run(); });
  loops[0]->run();
  for (auto& t : threads) t.join();
  // Connections still in the backlog are refused by the kernel from here on.
  close(listen_fd_);
  listen_fd_ = -1;
  std::unique_lock lock(mutex_);
  scan_threads_done_.wait(lock, [this] { return scan_threads_ == 0; });
}

int HttpServer::admit(const config::Address& peer) {
  if (!may_connect_(peer)) return 403;
  std::lock_guard lock(mutex_);
  if (open_ >= limits_.max_connections) return 503;
  size_t& mine = per_client_[peer];
  if (mine >= limits_.max_client_connections) return 429;
  ++mine;
  ++open_;
  return 0;
}

void HttpServer::release(const config::Address& peer) {
  std::lock_guard lock(mutex_);
  --open_;
  auto it = per_client_.find(peer);
  if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

bool HttpServer::start_scan_thread(int fd, const config::Address& peer, uint16_t port, std::string request) {
  {
    std::lock_guard lock(mutex_);
    if (scan_threads_ >= kMaxScanThreads) return false;
    ++scan_threads_;
  }
  std::thread([this, fd, peer, port, request = std::move(request)] {
    ConnectionStream stream(fd, peer, port, limits_);
    Connection conn{&stream, peer, port};
    tls_connection = &conn;
    stream.begin_request(request);
    stream.end_of_input();  // the library reads the framed request, never a byte beyond it
    bool closed = false;
    static const std::function<void(httplib::Request&)> kSetup = &HttpEngine::setup;
    engine_->process_request(stream, /*close_connection=*/true, closed, kSetup);
    stream.flush();
    tls_connection = nullptr;
    release(peer);
    if (stream.must_close() && stream.last_status() >= 400) linger_close(fd);
    else close(fd);
    std::lock_guard lock(mutex_);
    if (--scan_threads_ == 0) scan_threads_done_.notify_all();
  }).detach();
  return true;
}

}  // namespace portauth::web
