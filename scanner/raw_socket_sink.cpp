#include "scanner/raw_socket_sink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "common/setup_error.h"

namespace portauth::scanner {
namespace {
constexpr size_t kMaxBatch = 256;
}

RawSocketSink::RawSocketSink(const std::string& interface) {
  fd_ = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
  if (fd_ < 0) {
    const int err = errno;
    if (err == EPERM || err == EACCES)
      throw common::SetupError(std::string("cannot open a raw socket: ") + std::strerror(err) + "; " + common::kPrivilegeHint);
    throw common::SetupError(std::string("cannot open a raw socket: ") + std::strerror(err));
  }
  if (!interface.empty() &&
      setsockopt(fd_, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(), socklen_t(interface.size())) != 0) {
    const int err = errno;
    close(fd_);
    fd_ = -1;
    throw common::SetupError("cannot bind the raw socket to interface '" + interface + "': " + std::strerror(err));
  }
  // A deep send buffer absorbs the rate limiter's bursts instead of failing with ENOBUFS.
  int sndbuf = 8 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
}

RawSocketSink::~RawSocketSink() {
  if (fd_ >= 0) close(fd_);
}

size_t RawSocketSink::send(const OutPacket* packets, size_t n) {
  size_t done = 0;
  int transient_failures = 0;
  while (done < n) {
    const size_t count = std::min(n - done, kMaxBatch);
    sockaddr_in addrs[kMaxBatch];
    iovec iovs[kMaxBatch];
    mmsghdr msgs[kMaxBatch];
    for (size_t i = 0; i < count; ++i) {
      const OutPacket& p = packets[done + i];
      addrs[i] = {};
      addrs[i].sin_family = AF_INET;
      addrs[i].sin_addr.s_addr = htonl(p.dst_ip);
      iovs[i] = {const_cast<uint8_t*>(p.data), p.len};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = sendmmsg(fd_, msgs, unsigned(count), 0);
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

}  // namespace portauth::scanner
