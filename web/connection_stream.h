// One connection as cpp-httplib's Stream, for a request that may block its thread (a scan: the
// server's event loop hands such requests over whole, web/http_server.h). The library parses the
// request and writes the reply through it, and it enforces what the library does not
// (web/http_limits.h):
//   - a request head of at most max_head_bytes and max_header_lines (431), counted on the bytes
//     the library reads until the blank line that ends the head, and a body of at most
//     max_body_bytes (413; chunked framing allowed for): the library in Debian 12 (0.11.4) reads
//     a chunked body without any limit, and reads an oversized Content-Length body to its end;
//   - a deadline for the whole request, from the first read of it to the first byte of the
//     reply (408), so a client trickling one byte at a time is still cut off;
//   - a deadline for each wait for the client to read the reply;
//   - the status of each reply is read as it goes out: after a 400, 408, 413, 414, 431 or a 5xx
//     the connection is closed, so bytes of a refused request are never read as a next one.
// Reads are buffered (the library reads the head a byte at a time); writes are gathered and go
// out in one send() per reply, or when flush() is called (a streamed reply flushes each piece).
// A limit hit mid-request answers the client itself (a short canned reply) and fails every
// later read and write.
#pragma once
#include <httplib.h>

#include <chrono>
#include <string>

#include "config/address.h"
#include "web/http_limits.h"

namespace portauth::web {

class ConnectionStream final : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;

  ConnectionStream(int fd, const config::Address& peer, uint16_t peer_port, const HttpLimits& limits);

  // A new request starts: its deadline runs from now. `received`: bytes of it already read.
  void begin_request(std::string_view received = {});
  // Nothing more is read from the socket: reads past what begin_request() was given see the end.
  void end_of_input() { input_closed_ = true; }
  // Sends what write() gathered. False when the client is gone or too slow.
  bool flush();
  // Waits up to `seconds` for the next request's first byte (true), or EOF, an error or the
  // time running out (false). `wake_fd` (-1: none) readable also ends the wait (shutdown).
  bool wait_for_request(double seconds, int wake_fd);
  // A limit was hit, the reply was an error that ends the connection, or the peer went away.
  bool must_close() const { return failed_ || close_after_reply_; }
  // The status of the last reply begun (0: none yet).
  int last_status() const { return status_; }
  // Ends the request now with a canned reply (a body announced too big, a request that frames
  // its body two ways): later reads and writes fail.
  void refuse_request(int status, const char* reason) { refuse(status, reason); }

  // httplib::Stream
  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return fd_; }

 private:
  bool fill();                        // reads more into in_ (waits until the deadline)
  void refuse(int status, const char* reason);  // canned reply, then fail
  void track_head(const char* p, size_t n);
  double seconds_left() const;

  int fd_;
  config::Address peer_;
  uint16_t peer_port_;
  const HttpLimits& limits_;

  std::string in_;
  size_t in_pos_ = 0;
  std::string out_;

  Clock::time_point deadline_;
  bool reading_request_ = false;  // between begin_request() and the first byte of the reply
  bool in_head_ = false;
  size_t head_bytes_ = 0, head_lines_ = 0, body_bytes_ = 0;
  uint32_t last4_ = 0;            // the last four head bytes, to find "\r\n\r\n"
  bool reply_started_ = false;
  std::string status_line_;       // the first bytes of the reply, until its status is known
  int status_ = 0;
  bool close_after_reply_ = false;
  bool failed_ = false;
  bool input_closed_ = false;
};

}  // namespace portauth::web
