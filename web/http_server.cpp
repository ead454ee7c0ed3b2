#include "web/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "common/setup_error.h"
#include "web/connection_stream.h"
#include "web/event_loop.h"
#include "web/http_engine.h"
#include "web/loop_exchange.h"
#include "web/request_framing.h"

namespace portauth::web {
namespace {

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

RequestAnswerer::RequestAnswerer(const Router& router, const HttpLimits& limits)
    : router_(router), engine_(std::make_unique<HttpEngine>(router, limits)), limits_(limits) {
  engine_->serving(0);  // "listening": streamed replies are written
}

RequestAnswerer::~RequestAnswerer() = default;

std::string RequestAnswerer::answer(std::string_view received, const config::Address& peer) {
  const Framing f = frame_request(received, limits_);
  if (f.status == Framing::kRefused) return canned_reply(f.refuse_status, f.reason, 0);
  if (f.status == Framing::kIncomplete) return {};
  std::string out;
  if (!f.post) {
    answer_in_loop(router_, received.substr(0, f.total_bytes), f, peer, 0, false, out);
    return out;
  }
  Connection conn{nullptr, peer, 0};
  CurrentConnection current(conn);
  MemoryStream stream(received.substr(0, f.total_bytes), out);
  bool closed = false;
  engine_->answer(stream, false, closed);
  return out;
}

HttpServer::HttpServer(const Router& router, HttpLimits limits, std::function<bool(const config::Address&)> may_connect,
                       unsigned loops)
    : router_(router),
      limits_(limits),
      may_connect_(std::move(may_connect)),
      engine_(std::make_unique<HttpEngine>(router, limits_)),
      loop_count_(loops ? loops : std::max(1u, std::thread::hardware_concurrency() / 2)) {
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
  address_of(bound, port_);
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
    stream.begin_request(request);
    stream.end_of_input();  // the library reads the framed request, never a byte beyond it
    bool closed = false;
    {
      CurrentConnection current(conn);
      engine_->answer(stream, /*close_connection=*/true, closed);
    }
    stream.flush();
    release(peer);
    if (stream.must_close() && stream.last_status() >= 400) linger_close(fd);
    else close(fd);
    std::lock_guard lock(mutex_);
    if (--scan_threads_ == 0) scan_threads_done_.notify_all();
  }).detach();
  return true;
}

}  // namespace portauth::web
