#include "scanner/raw_socket_sink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/setup_error.h"

namespace portauth::scanner {
namespace {

constexpr size_t kMaxBatch = 256;

int open_raw(int family, const std::string& interface) {
  const char* what = family == AF_INET ? "raw IPv4 socket" : "raw IPv6 socket";
  const int fd = socket(family, SOCK_RAW, IPPROTO_RAW);
  if (fd < 0) {
    const int err = errno;
    if (err == EPERM || err == EACCES)
      throw common::SetupError(std::string("cannot open a ") + what + ": " + std::strerror(err) + "; " +
                               common::kPrivilegeHint);
    throw common::SetupError(std::string("cannot open a ") + what + ": " + std::strerror(err));
  }
  if (!interface.empty() &&
      setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(), socklen_t(interface.size())) != 0) {
    const int err = errno;
    close(fd);
    throw common::SetupError(std::string("cannot bind the ") + what + " to interface '" + interface +
                             "': " + std::strerror(err));
  }
  // A deep send buffer absorbs the rate limiter's bursts instead of failing with ENOBUFS.
  int sndbuf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  return fd;
}

// Sends msgs[0..count) on fd, backing off on a full queue; returns how many were handed on.
size_t send_all(int fd, mmsghdr* msgs, size_t count) {
  size_t done = 0;
  int transient_failures = 0;
  while (done < count) {
    const int sent = sendmmsg(fd, msgs + done, unsigned(count - done), 0);
    if (sent > 0) {
      done += size_t(sent);
      transient_failures = 0;
      continue;
    }
    // ENOBUFS/EAGAIN: a queue below us is full for a moment; back off briefly a few times,
    // then give up on this packet (counted as a send error) rather than stall the scan.
    if (sent < 0 && (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) && transient_failures < 100) {
      ++transient_failures;
      timespec ts{0, 100000};
      nanosleep(&ts, nullptr);
      continue;
    }
    return done;
  }
  return done;
}

}  // namespace

RawSocketSink::RawSocketSink(const std::string& interface, bool ipv4, bool ipv6) {
  if (ipv4) fd4_ = open_raw(AF_INET, interface);
  if (ipv6) {
    try {
      fd6_ = open_raw(AF_INET6, interface);
    } catch (...) {
      if (fd4_ >= 0) close(fd4_);
      throw;
    }
  }
  if (!interface.empty()) scope_id_ = if_nametoindex(interface.c_str());
}

RawSocketSink::~RawSocketSink() {
  if (fd4_ >= 0) close(fd4_);
  if (fd6_ >= 0) close(fd6_);
}

size_t RawSocketSink::send(const OutPacket* packets, size_t n) {
  size_t done = 0;
  while (done < n) {
    const size_t count = std::min(n - done, kMaxBatch);
    // Partitioned by family: v4 from the front of the arrays, v6 from the back.
    sockaddr_in addrs4[kMaxBatch];
    sockaddr_in6 addrs6[kMaxBatch];
    iovec iovs[kMaxBatch];
    mmsghdr msgs[kMaxBatch];
    size_t n4 = 0, n6 = 0;
    for (size_t i = 0; i < count; ++i) {
      const OutPacket& p = packets[done + i];
      const bool v4 = p.dst.is_v4();
      const size_t k = v4 ? n4++ : kMaxBatch - 1 - n6++;
      msgs[k] = {};
      iovs[k] = {const_cast<uint8_t*>(p.data), p.len};
      if (v4) {
        addrs4[k] = {};
        addrs4[k].sin_family = AF_INET;
        addrs4[k].sin_addr.s_addr = htonl(p.dst.v4());
        msgs[k].msg_hdr.msg_name = &addrs4[k];
        msgs[k].msg_hdr.msg_namelen = sizeof addrs4[k];
      } else {
        addrs6[k] = {};
        addrs6[k].sin6_family = AF_INET6;  // sin6_port 0: the protocol of the socket (raw)
        p.dst.to_bytes(addrs6[k].sin6_addr.s6_addr);
        if (IN6_IS_ADDR_LINKLOCAL(&addrs6[k].sin6_addr)) addrs6[k].sin6_scope_id = scope_id_;
        msgs[k].msg_hdr.msg_name = &addrs6[k];
        msgs[k].msg_hdr.msg_namelen = sizeof addrs6[k];
      }
      msgs[k].msg_hdr.msg_iov = &iovs[k];
      msgs[k].msg_hdr.msg_iovlen = 1;
    }
    size_t ok = 0;
    if (n4) ok += fd4_ >= 0 ? send_all(fd4_, msgs, n4) : 0;
    if (n6) {
      // The v6 packets sit at the back in reverse order: turn them the right way round.
      std::reverse(msgs + kMaxBatch - n6, msgs + kMaxBatch);
      ok += fd6_ >= 0 ? send_all(fd6_, msgs + kMaxBatch - n6, n6) : 0;
    }
    done += count;
    if (ok < count) return done - (count - ok);
  }
  return done;
}

}  // namespace portauth::scanner
