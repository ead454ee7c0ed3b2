#include "engine/live_connect.h"

#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace portauth::engine {
namespace {

using verdict::ConnectOutcome;

uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

// As many descriptors as the hard limit allows (an unprivileged process may raise its soft limit).
size_t descriptor_budget() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 256;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  return rl.rlim_cur > 128 ? size_t(rl.rlim_cur - 64) : 64;
}

struct Conn {
  int fd = -1;
  size_t index = 0;
  bool connected = false;
  uint64_t deadline = 0;
};

void close_now(int fd) {
  const linger l{1, 0};  // an RST, not a FIN and a TIME_WAIT: we only came to look
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

bool open_connection(const probe::ProbeTarget& t, int epfd, Conn& c, uint64_t handshake_ns) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (t.addr.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(t.port);
    sin->sin_addr.s_addr = htonl(t.addr.v4());
    len = sizeof *sin;
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(t.port);
    t.addr.to_bytes(sin6->sin6_addr.s6_addr);
    len = sizeof *sin6;
  }
  c.fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (c.fd < 0) return false;
  if (connect(c.fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS) {
    close(c.fd);
    c.fd = -1;
    return false;
  }
  epoll_event ev{};
  ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
  ev.data.ptr = &c;
  epoll_ctl(epfd, EPOLL_CTL_ADD, c.fd, &ev);
  c.connected = false;
  c.deadline = now_ns() + handshake_ns;
  return true;
}

// What an event on a connection says, or nothing yet (keep watching).
bool settle(int epfd, Conn& c, uint32_t events, uint64_t hold_ns, ConnectOutcome& out) {
  if (!c.connected) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == ECONNREFUSED) return out = ConnectOutcome::kRefused, true;
    if (err == ECONNRESET || err == EPIPE) return out = ConnectOutcome::kResetAfterHandshake, true;
    if (err != 0) return out = ConnectOutcome::kNoAnswer, true;
    if (!(events & (EPOLLOUT | EPOLLIN | EPOLLRDHUP))) return false;
    c.connected = true;
    c.deadline = now_ns() + hold_ns;
    epoll_event ev{};  // writable from now on: listen only
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = &c;
    epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &ev);
  }
  if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))) return false;
  char buf[256];
  const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
  if (n > 0) return out = ConnectOutcome::kReached, true;  // a backend spoke
  if (n == 0) return out = ConnectOutcome::kReached, true; // a backend accepted and closed
  if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
  out = ConnectOutcome::kResetAfterHandshake;
  return true;
}

// A connection held until its deadline: open window, or one that stayed 0.
ConnectOutcome held(const Conn& c) {
  if (!c.connected) return ConnectOutcome::kNoAnswer;
  tcp_info info{};
  socklen_t len = sizeof info;
  if (getsockopt(c.fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 &&
      len >= offsetof(tcp_info, tcpi_snd_wnd) + sizeof info.tcpi_snd_wnd && info.tcpi_snd_wnd == 0)
    return ConnectOutcome::kHeldZeroWindow;
  return ConnectOutcome::kReached;
}

}  // namespace

std::vector<ConnectOutcome> LiveConnectChecker::check(const std::vector<probe::ProbeTarget>& targets,
                                                      uint64_t handshake_ns, uint64_t hold_ns) {
  std::vector<ConnectOutcome> out(targets.size(), ConnectOutcome::kNoAnswer);
  if (targets.empty()) return out;
  const int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return out;
  const size_t slots = std::min<size_t>(kInFlight, descriptor_budget());
  std::vector<Conn> conns(slots);
  std::vector<Conn*> idle;
  for (auto& c : conns) idle.push_back(&c);
  size_t next = 0, active = 0;
  std::vector<epoll_event> events(slots);
  auto finish = [&](Conn& c, ConnectOutcome o) {
    out[c.index] = o;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, nullptr);
    close_now(c.fd);
    c.fd = -1;
    idle.push_back(&c);
    --active;
  };
  while (next < targets.size() || active > 0) {
    while (next < targets.size() && !idle.empty()) {
      Conn& c = *idle.back();
      c.index = next;
      if (open_connection(targets[next], epfd, c, handshake_ns)) {
        idle.pop_back();
        ++active;
      }
      ++next;
    }
    uint64_t soonest = UINT64_MAX;
    for (const auto& c : conns)
      if (c.fd >= 0) soonest = std::min(soonest, c.deadline);
    const uint64_t now = now_ns();
    const int timeout_ms = soonest == UINT64_MAX ? 0 : soonest <= now ? 0 : int((soonest - now) / 1'000'000 + 1);
    const int n = epoll_wait(epfd, events.data(), int(events.size()), timeout_ms);
    for (int i = 0; i < n; ++i) {
      Conn& c = *static_cast<Conn*>(events[i].data.ptr);
      if (c.fd < 0) continue;
      ConnectOutcome o;
      if (settle(epfd, c, events[i].events, hold_ns, o)) finish(c, o);
    }
    const uint64_t after = now_ns();
    for (auto& c : conns)
      if (c.fd >= 0 && after >= c.deadline) finish(c, held(c));
  }
  close(epfd);
  return out;
}

}  // namespace portauth::engine
