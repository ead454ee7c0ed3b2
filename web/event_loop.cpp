#include "web/event_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "common/setup_error.h"
#include "web/http_engine.h"
#include "web/loop_exchange.h"
#include "web/page_layout.h"
#include "web/request_framing.h"

namespace portauth::web {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

EventLoop::EventLoop(HttpServer& server) : s_(server) {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) throw common::SetupError(std::string("epoll_create1: ") + std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLEXCLUSIVE;  // one loop wakes per new connection
  ev.data.fd = s_.listen_fd_;
  epoll_ctl(epfd_, EPOLL_CTL_ADD, s_.listen_fd_, &ev);
  ev.events = EPOLLIN;  // the stop pipe is never drained: every loop sees it
  ev.data.fd = s_.wake_[0];
  epoll_ctl(epfd_, EPOLL_CTL_ADD, s_.wake_[0], &ev);
}

EventLoop::~EventLoop() {
  for (auto& [fd, c] : conns_) {
    s_.release(c->peer);
    close(fd);
  }
  close(epfd_);
}

void EventLoop::run() {
  epoll_event events[128];
  double last_sweep = now_seconds();
  bool stopping = false;
  double stop_deadline = 0;
  for (;;) {
    const int n = epoll_wait(epfd_, events, 128, 100);
    now_ = now_seconds();
    bool accept_due = false;
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
        accept_due = !stopping;  // after this batch's closes: a client that closed one connection
        continue;                // and opened another is counted out before it is counted in
      }
      auto it = conns_.find(fd);
      if (it == conns_.end()) continue;
      Conn& c = *it->second;
      const bool reading = c.interest & EPOLLIN;
      if ((events[i].events & (EPOLLHUP | EPOLLERR)) && !reading) {
        drop(fd);  // gone while we were not reading: nobody left to answer
        continue;
      }
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) on_input(c);
      if (conns_.count(fd) && (events[i].events & EPOLLOUT)) flush(c);
    }
    if (accept_due && !stopping) accept_some();
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
    c->peer = address_of(ss, c->port);
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

void EventLoop::update_interest(Conn& c) {
  const bool in = (!c.waiting && !c.closing) || c.linger;
  const bool out = c.out_pos < c.out.size();
  const uint32_t interest = (in ? EPOLLIN | EPOLLRDHUP : 0u) | (out ? EPOLLOUT : 0u);
  if (interest == c.interest) return;
  c.interest = interest;
  epoll_event ev{};
  ev.events = interest;
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
    const bool last = ++c.requests >= s_.limits_.max_requests_per_connection || s_.stopping_.load();
    const LoopAnswer answer =
        answer_in_loop(s_.router_, std::string_view(c.in).substr(0, f.total_bytes), f, c.peer, c.port, last, c.out);
    c.in.erase(0, f.total_bytes);
    c.request_start = c.in.empty() ? -1 : now_;
    c.continued = false;
    if (answer.close) {
      c.closing = true;
      c.error = ends_connection(answer.status);
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
      update_interest(c);
      return;
    }
    drop(c.fd);  // gone
    return;
  }
  c.out.clear();
  c.out_pos = 0;
  c.write_since = -1;
  if (c.closing) {
    finish(c);
    return;
  }
  if (c.waiting) process(c);  // requests that waited for this reply to leave (it flushes again)
  else update_interest(c);
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
  update_interest(c);
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

}  // namespace portauth::web
