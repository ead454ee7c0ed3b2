#include "web/connection_stream.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "web/reply_bytes.h"

namespace portauth::web {
namespace {

int to_ms(double seconds) { return seconds <= 0 ? 0 : int(std::min(seconds * 1000 + 1, 3.6e6)); }

}  // namespace

ConnectionStream::ConnectionStream(int fd, const config::Address& peer, uint16_t peer_port, const HttpLimits& limits)
    : fd_(fd), peer_(peer), peer_port_(peer_port), limits_(limits) {}

void ConnectionStream::begin_request(std::string_view received) {
  in_.erase(0, in_pos_);
  in_pos_ = 0;
  in_.insert(0, received);
  deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(limits_.request_seconds));
  reading_request_ = true;
  in_head_ = true;
  head_bytes_ = head_lines_ = body_bytes_ = 0;
  last4_ = 0;
  reply_started_ = false;
  status_line_.clear();
  status_ = 0;
}

double ConnectionStream::seconds_left() const {
  return std::chrono::duration<double>(deadline_ - Clock::now()).count();
}

bool ConnectionStream::wait_for_request(double seconds, int wake_fd) {
  if (in_pos_ < in_.size()) return true;
  pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd, POLLIN, 0}};
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (;;) {
    const double left = std::chrono::duration<double>(until - Clock::now()).count();
    const int n = poll(fds, wake_fd >= 0 ? 2 : 1, to_ms(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (wake_fd >= 0 && fds[1].revents) return false;
    return (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
  }
}

bool ConnectionStream::fill() {
  if (input_closed_) return false;
  for (;;) {
    const double left = reading_request_ ? seconds_left() : limits_.idle_seconds;
    if (left <= 0) {
      refuse(408, "Request Timeout");
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    const int n = poll(&p, 1, to_ms(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      failed_ = true;
      return false;
    }
    if (n == 0) {
      if (reading_request_) refuse(408, "Request Timeout");
      else failed_ = true;
      return false;
    }
    char buf[4096];
    const ssize_t got = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (got <= 0) {  // the client closed, or the connection broke
      failed_ = true;
      return false;
    }
    in_.assign(buf, size_t(got));
    in_pos_ = 0;
    return true;
  }
}

void ConnectionStream::refuse(int status, const char* reason) {
  if (!reply_started_ && !failed_) {
    const std::string body = std::to_string(status) + " " + reason + "\n";
    const std::string reply = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                              "\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
                              "X-Content-Type-Options: nosniff\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
    // Best effort, never waiting: a client that cannot take a few hundred bytes gets nothing.
    (void)send(fd_, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    status_ = status;
  }
  failed_ = true;
}

void ConnectionStream::track_head(const char* p, size_t n) {
  for (size_t i = 0; i < n && in_head_; ++i) {
    ++head_bytes_;
    last4_ = (last4_ << 8) | uint8_t(p[i]);
    if (p[i] == '\n') ++head_lines_;
    if (head_lines_ == 0 && head_bytes_ > limits_.max_target_bytes + 32) {
      refuse(414, "URI Too Long");
      return;
    }
    if (head_bytes_ > limits_.max_head_bytes || head_lines_ > limits_.max_header_lines + 1) {
      refuse(431, "Request Header Fields Too Large");
      return;
    }
    if (last4_ == 0x0d0a0d0a) in_head_ = false;  // the blank line: the head is over
  }
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (failed_) return -1;
  if (in_pos_ == in_.size() && !fill()) return -1;
  const size_t n = std::min(size, in_.size() - in_pos_);
  if (in_head_) {
    track_head(in_.data() + in_pos_, n);
    if (failed_) return -1;
  } else if (reading_request_) {
    // The body, with room for chunked framing ("400\r\n" ... "\r\n" per chunk).
    body_bytes_ += n;
    if (body_bytes_ > limits_.max_body_bytes + limits_.max_body_bytes / 2 + 1024) {
      refuse(413, "Payload Too Large");
      return -1;
    }
  }
  std::memcpy(ptr, in_.data() + in_pos_, n);
  in_pos_ += n;
  return ssize_t(n);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (failed_) return -1;
  if (!reply_started_) {
    reply_started_ = true;
    reading_request_ = false;  // the request is over: its deadline no longer applies
  }
  if (status_ == 0) {
    // "HTTP/1.1 200 OK": the status is bytes 9-11.
    status_line_.append(ptr, std::min(size, size_t(16) - std::min(size_t(16), status_line_.size())));
    if (status_line_.size() >= 12) {
      status_ = std::atoi(status_line_.substr(9, 3).c_str());
      if (status_ == 100) {
        // "100 Continue" is not the reply: the client now sends the body, still on the clock.
        out_.append(ptr, size);
        reply_started_ = false;
        reading_request_ = true;
        status_line_.clear();
        status_ = 0;
        return flush() ? ssize_t(size) : -1;
      }
      if (ends_connection(status_)) close_after_reply_ = true;
    }
  }
  out_.append(ptr, size);
  if (out_.size() >= 65536 && !flush()) return -1;
  return ssize_t(size);
}

bool ConnectionStream::flush() {
  size_t off = 0;
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(limits_.write_seconds));
  while (off < out_.size() && !failed_) {
    const ssize_t n = send(fd_, out_.data() + off, out_.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      off += size_t(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      const int r = poll(&p, 1, to_ms(std::chrono::duration<double>(until - Clock::now()).count()));
      if (r > 0 || (r < 0 && errno == EINTR)) continue;
    }
    failed_ = true;  // gone, or too slow to read its reply
  }
  out_.clear();
  return !failed_;
}

bool ConnectionStream::is_readable() const {
  if (in_pos_ < in_.size()) return true;
  pollfd p{fd_, POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

bool ConnectionStream::is_writable() const { return !failed_; }

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = config::format_address(peer_);
  port = peer_port_;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  // Not asked of the system: nothing here reads the local address, and a request needs no syscall.
  ip.clear();
  port = 0;
}

}  // namespace portauth::web
