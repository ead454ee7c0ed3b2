#include "service/conn_engine.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <stdexcept>

#include "service/tls_client.h"

namespace portauth::service {
namespace {

uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

constexpr size_t kReadChunk = 16384;
constexpr size_t kReadPerWake = 65536;  // a flooding server does not starve the others
constexpr size_t kOutCap = 65536;       // what we ever queue to send (probes are small)

ServiceInfo unfinished(const ConnEngine::Job& job) {
  ServiceInfo i;
  i.answer = Answer::kUnfinished;
  i.conf = 3;
  for (const auto& n : job.port_names)
    if (!n.empty()) {
      i.name = n;
      break;
    }
  return i;
}

}  // namespace

struct ConnEngine::Slot {
  size_t index = 0;  // in slots_
  uint32_t gen = 0;
  bool used = false;
  Job job;
  std::unique_ptr<Session> session;
  int fd = -1;
  bool connecting = false;
  bool heard = false;  // the server sent something on this connection
  std::unique_ptr<TlsClient> tls;
  bool handshaking = false, tls_up = false;
  std::string out;
  uint64_t armed = 0;  // the deadline a timer is queued for
};

ConnEngine::ConnEngine(Options options) : options_(std::move(options)) {
  options_.max_connections = std::max<size_t>(1, options_.max_connections);
}

ConnEngine::~ConnEngine() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  if (started_) {
    wake();
    thread_.join();
  }
  for (auto& s : slots_)
    if (s && s->fd >= 0) ::close(s->fd);
  if (epoll_ >= 0) ::close(epoll_);
  if (event_ >= 0) ::close(event_);
}

void ConnEngine::wake() {
  const uint64_t one = 1;
  if (event_ >= 0) [[maybe_unused]] auto n = ::write(event_, &one, sizeof one);
}

void ConnEngine::submit(Job job) {
  {
    std::lock_guard lock(mu_);
    if (!started_) {
      // The thread starts with the first job: after the privilege drop, never before.
      epoll_ = epoll_create1(EPOLL_CLOEXEC);
      event_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
      if (epoll_ < 0 || event_ < 0) throw std::runtime_error(std::string("service scan: epoll: ") + std::strerror(errno));
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = UINT64_MAX;
      epoll_ctl(epoll_, EPOLL_CTL_ADD, event_, &ev);
      started_ = true;
      thread_ = std::thread([this] { run(); });
    }
    inbox_.push_back(std::move(job));
    ++outstanding_;
    ++stats_.jobs;
  }
  wake();
}

std::vector<ConnEngine::Done> ConnEngine::take_done() {
  std::lock_guard lock(mu_);
  return std::exchange(done_, {});
}

bool ConnEngine::wait_idle(int timeout_ms) {
  std::unique_lock lock(mu_);
  return idle_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return outstanding_ == 0; });
}

void ConnEngine::abort_all() {
  {
    std::lock_guard lock(mu_);
    abort_ = true;
  }
  wake();
}

size_t ConnEngine::outstanding() const {
  std::lock_guard lock(mu_);
  return outstanding_;
}

ConnEngine::Stats ConnEngine::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void ConnEngine::run() {
  std::vector<epoll_event> events(512);
  while (true) {
    bool abort = false;
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      while (!inbox_.empty()) {
        waiting_.push_back(std::move(inbox_.front()));
        inbox_.pop_front();
      }
      abort = abort_;
    }
    uint64_t now = now_ns();
    if (abort) {
      for (size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i]->used) {
          slots_[i]->session->abort(now);
          execute(i, now);
        }
      std::lock_guard lock(mu_);
      for (auto& job : waiting_) {
        done_.push_back({job.id, unfinished(job)});
        --outstanding_;
      }
      waiting_.clear();
      if (outstanding_ == 0) idle_.notify_all();
    }
    while (!waiting_.empty() && active_ < options_.max_connections) {
      Job job = std::move(waiting_.front());
      waiting_.pop_front();
      start_job(std::move(job), now);
    }

    int timeout_ms = 200;
    while (!timers_.empty()) {
      const Timer t = timers_.front();
      const Slot* s = t.index < slots_.size() ? slots_[t.index].get() : nullptr;
      if (!s || !s->used || s->gen != t.gen || s->armed != t.at) {  // stale
        std::pop_heap(timers_.begin(), timers_.end(), std::greater<>());
        timers_.pop_back();
        continue;
      }
      timeout_ms = t.at <= now ? 0 : int(std::min<uint64_t>((t.at - now) / 1'000'000 + 1, 200));
      break;
    }
    const int n = epoll_wait(epoll_, events.data(), int(events.size()), timeout_ms);
    now = now_ns();
    for (int k = 0; k < n; ++k) {
      const uint64_t key = events[size_t(k)].data.u64;
      if (key == UINT64_MAX) {
        uint64_t drain;
        while (::read(event_, &drain, sizeof drain) > 0) {
        }
        continue;
      }
      const size_t index = size_t(key & 0xffffffff);
      if (index >= slots_.size()) continue;
      Slot& s = *slots_[index];
      if (!s.used || s.gen != uint32_t(key >> 32) || s.fd < 0) continue;
      const uint32_t ev = events[size_t(k)].events;
      guarded(index, [&] {
        if (s.connecting || (ev & EPOLLOUT)) on_writable(s, now);
        if (s.fd >= 0 && !s.connecting && (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) on_readable(s, now);
        execute(index, now);
      });
    }
    // Timers due.
    while (!timers_.empty() && timers_.front().at <= now) {
      const Timer t = timers_.front();
      std::pop_heap(timers_.begin(), timers_.end(), std::greater<>());
      timers_.pop_back();
      if (t.index >= slots_.size()) continue;
      Slot& s = *slots_[t.index];
      if (!s.used || s.gen != t.gen || s.armed != t.at) continue;
      s.armed = 0;
      guarded(t.index, [&] {
        s.session->on_timer(now);
        execute(t.index, now);
      });
    }
  }
}

// A rule that throws (a bug: rules check every length) must cost one port, not the scan: the
// port is reported unrecognised with the error, its connection closed.
template <class F>
void ConnEngine::guarded(size_t index, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    Slot& s = *slots_[index];
    if (!s.used) return;
    ServiceInfo info = s.session ? s.session->result() : ServiceInfo{};
    info.answer = Answer::kUnrecognised;
    info.probed = true;
    info.details.emplace_back("error", e.what());
    close_fd(s);
    Done d{s.job.id, std::move(info)};
    s.session.reset();
    s.tls.reset();
    s.used = false;
    s.armed = 0;
    free_.push_back(index);
    --active_;
    std::lock_guard lock(mu_);
    done_.push_back(std::move(d));
    if (--outstanding_ == 0) idle_.notify_all();
  }
}

void ConnEngine::start_job(Job job, uint64_t now) {
  size_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = slots_.size();
    slots_.push_back(std::make_unique<Slot>());
    slots_.back()->index = index;
  }
  Slot& s = *slots_[index];
  s.used = true;
  ++s.gen;
  ProbeContext ctx;
  ctx.host = config::format_address(job.addr);
  ctx.port = job.port;
  ctx.nonce = uint32_t(std::hash<std::string>()(ctx.host) ^ (uint32_t(job.port) << 16) ^ uint32_t(now));
  s.session = std::make_unique<Session>(SessionTarget{ctx, job.port_names}, options_.timing, now);
  s.job = std::move(job);
  ++active_;
  {
    std::lock_guard lock(mu_);
    stats_.peak_in_flight = std::max(stats_.peak_in_flight, active_);
  }
  guarded(index, [&] { execute(index, now); });
}

// Carries out the session's commands until it has none (an event they cause may add more),
// then re-arms its timer; a finished session is concluded.
void ConnEngine::execute(size_t index, uint64_t now) {
  Slot& s = *slots_[index];
  while (!s.session->commands().empty()) {
    std::vector<Command> commands = std::exchange(s.session->commands(), {});
    for (auto& c : commands) {
      switch (c.op) {
        case Op::kOpen:
          open_connection(s, now);
          break;
        case Op::kStartTls:
          if (s.fd < 0) break;
          s.tls = std::make_unique<TlsClient>();
          s.handshaking = true;
          s.tls_up = false;
          {
            std::lock_guard lock(mu_);
            ++stats_.tls_handshakes;
          }
          if (s.tls->handshake() == TlsClient::Step::kFailed) {
            s.handshaking = false;
            s.session->on_tls_failed(now, {}, false);
          }
          s.out += s.tls->take_output();
          flush(s);
          break;
        case Op::kSend:
          if (s.fd < 0) break;
          if (s.tls_up) {
            s.tls->write(c.bytes);
            s.out += s.tls->take_output();
          } else if (s.out.size() + c.bytes.size() <= kOutCap) {
            s.out += c.bytes;
          }
          flush(s);
          break;
        case Op::kClose:
          close_fd(s);
          break;
      }
    }
  }
  if (s.session->done()) {
    conclude(index);
    return;
  }
  if (s.fd >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | ((s.connecting || !s.out.empty()) ? EPOLLOUT : 0u);
    ev.data.u64 = (uint64_t(s.gen) << 32) | index;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, s.fd, &ev);
  }
  arm(index);
}

void ConnEngine::arm(size_t index) {
  Slot& s = *slots_[index];
  const uint64_t at = s.session->deadline();
  if (at == 0 || at == s.armed) return;
  s.armed = at;
  timers_.push_back({at, index, s.gen});
  std::push_heap(timers_.begin(), timers_.end(), std::greater<>());
}

void ConnEngine::open_connection(Slot& s, uint64_t now) {
  close_fd(s);
  const bool v4 = s.job.addr.is_v4();
  const int fd = ::socket(v4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    {
      std::lock_guard lock(mu_);
      ++stats_.socket_errors;
    }
    s.session->on_connect_failed(now, false);
    return;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_storage sa{};
  socklen_t len;
  if (v4) {
    auto* a = reinterpret_cast<sockaddr_in*>(&sa);
    a->sin_family = AF_INET;
    a->sin_port = htons(s.job.port);
    a->sin_addr.s_addr = htonl(s.job.addr.v4());
    len = sizeof(sockaddr_in);
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&sa);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(s.job.port);
    s.job.addr.to_bytes(a->sin6_addr.s6_addr);
    if (a->sin6_addr.s6_addr[0] == 0xfe && (a->sin6_addr.s6_addr[1] & 0xc0) == 0x80) a->sin6_scope_id = options_.link_scope;
    len = sizeof(sockaddr_in6);
  }
  {
    std::lock_guard lock(mu_);
    ++stats_.connections;
  }
  s.fd = fd;
  s.heard = false;
  s.out.clear();
  s.tls.reset();
  s.handshaking = s.tls_up = false;
  const int r = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), len);
  if (r != 0 && errno != EINPROGRESS) {
    const bool refused = errno == ECONNREFUSED;
    close_fd(s);
    s.session->on_connect_failed(now, refused);
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
  ev.data.u64 = (uint64_t(s.gen) << 32) | s.index;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  if (r == 0) {
    s.connecting = false;
    s.session->on_connected(now);
  } else {
    s.connecting = true;
  }
}

void ConnEngine::on_writable(Slot& s, uint64_t now) {
  if (s.connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == EINPROGRESS || err == EALREADY) return;
    s.connecting = false;
    if (err != 0) {
      close_fd(s);
      s.session->on_connect_failed(now, err == ECONNREFUSED);
      return;
    }
    s.session->on_connected(now);
    return;
  }
  flush(s);
}

void ConnEngine::flush(Slot& s) {
  while (s.fd >= 0 && !s.out.empty() && !s.connecting) {
    const ssize_t n = ::send(s.fd, s.out.data(), s.out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      s.out.erase(0, size_t(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    s.out.clear();  // the peer is gone: the read side reports it
    return;
  }
}

void ConnEngine::on_readable(Slot& s, uint64_t now) {
  char buf[kReadChunk];
  size_t total = 0;
  while (s.fd >= 0 && total < kReadPerWake) {
    const ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {  // end of stream, or reset
      const bool handshaking = s.handshaking;
      std::string raw = handshaking ? s.tls->raw_seen() : std::string();
      close_fd(s);
      if (handshaking) s.session->on_tls_failed(now, raw, true);
      else s.session->on_closed(now);
      return;
    }
    total += size_t(n);
    s.heard = true;
    const std::string_view bytes(buf, size_t(n));
    if (s.handshaking) {
      s.tls->feed(bytes);
      const auto step = s.tls->handshake();
      s.out += s.tls->take_output();
      flush(s);
      if (step == TlsClient::Step::kFailed) {
        s.handshaking = false;
        s.session->on_tls_failed(now, s.tls->raw_seen(), false);
        return;
      }
      if (step == TlsClient::Step::kDone) {
        s.handshaking = false;
        s.tls_up = true;
        s.session->on_tls_done(now, s.tls->facts());
        bool closed = false;
        const std::string early = s.tls->read(kReplyCap, closed);  // data that came with the handshake
        if (!early.empty()) s.session->on_data(now, early);
        if (closed) {
          close_fd(s);
          s.session->on_closed(now);
          return;
        }
      }
    } else if (s.tls_up) {
      s.tls->feed(bytes);
      bool closed = false;
      const std::string plain = s.tls->read(kReplyCap, closed);
      s.out += s.tls->take_output();
      if (!plain.empty()) s.session->on_data(now, plain);
      if (closed) {
        close_fd(s);
        s.session->on_closed(now);
        return;
      }
    } else {
      s.session->on_data(now, bytes);
    }
    if (!s.session->commands().empty()) return;  // let execute() act before reading on
  }
}

void ConnEngine::close_fd(Slot& s) {
  if (s.fd < 0) return;
  if (!s.heard) {
    // Nothing ever came back: an abortive close, so neither side keeps the connection in
    // TIME_WAIT (thousands of silent ports would otherwise hold thousands of local ports).
    const linger l{1, 0};
    setsockopt(s.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  epoll_ctl(epoll_, EPOLL_CTL_DEL, s.fd, nullptr);
  ::close(s.fd);
  s.fd = -1;
  s.connecting = false;
  s.handshaking = false;
  s.tls_up = false;
  s.out.clear();
}

void ConnEngine::conclude(size_t index) {
  Slot& s = *slots_[index];
  close_fd(s);
  Done d{s.job.id, s.session->result()};
  s.session.reset();
  s.tls.reset();
  s.used = false;
  s.armed = 0;
  free_.push_back(index);
  --active_;
  std::lock_guard lock(mu_);
  done_.push_back(std::move(d));
  if (--outstanding_ == 0) idle_.notify_all();
}

}  // namespace portauth::service
