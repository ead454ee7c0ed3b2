// The HTTP server: our own listening socket and event loops, with cpp-httplib (Debian's
// libcpp-httplib 0.11) parsing a scan's request and writing its reply, streamed or not, through its
// protected Server::process_request() on Streams of ours; pages, which must cost microseconds, are
// read and written by the loops themselves (web/loop_exchange.h). Why not the library's own listen():
// its Debian build has a listen backlog of 5, a thread per connection (200 connections, 200
// threads), no deadline for a whole request (only for each read: a client sending a byte every
// few seconds holds a thread for ever), no limit on the number of header lines, and it reads a
// chunked body without any limit. Here:
//
//   accept      a peer that may not connect at all (outside --allow-clients and the trusted
//               proxies) gets a canned 403 and is closed; beyond max_connections a 503, beyond
//               max_client_connections from one address a 429, both with Retry-After
//   event loops one per two cores by default (epoll; the listening socket shared with EPOLLEXCLUSIVE). A loop
//               reads what arrives without waiting, and hands a request to the library only when
//               web/request_framing.h says it is whole (or answers the refusal itself), so a slow
//               or idle client costs a few kilobytes, never a thread. Every method but POST is
//               answered on the loop (pages: microseconds) by web/loop_exchange.h, which reads
//               the framed head itself (web/request_head.h: why not the library there); the
//               deadlines (request, idle, write) are checked every 100 ms
//   scan lane   a POST (a scan: seconds) is handed with its connection to a thread of its own
//               (web/connection_stream.h) and the library, which sees exactly the framed bytes
//               (nothing of a next request: no desync), at most kMaxScanThreads at once (beyond: 503); its
//               reply may stream; the connection is closed after it
// Every reply carries the security headers (web/request.h). Compression and byte ranges are off:
// pages are small, and streamed replies must leave as they are written.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/address.h"
#include "web/http_limits.h"
#include "web/router.h"

namespace portauth::web {

class HttpEngine;  // the cpp-httplib side (http_server.cpp)
class EventLoop;

inline constexpr size_t kMaxScanThreads = 64;

// What the server does with the bytes a connection received, without the socket: frame the
// first request (web/request_framing.h), answer it as an event loop does (web/loop_exchange.h) or,
// a POST, through cpp-httplib and the Router as a scan thread does (a streamed reply is written
// out whole), return the reply's bytes. For the fuzzer (fuzz/fuzz_web_request.cpp)
// and tests: the whole path from bytes to a reply, the client policy included, with no network.
class RequestAnswerer {
 public:
  RequestAnswerer(const Router& router, const HttpLimits& limits);
  ~RequestAnswerer();
  // "" while the bytes are not a whole request yet.
  std::string answer(std::string_view received, const config::Address& peer);

 private:
  const Router& router_;
  std::unique_ptr<HttpEngine> engine_;
  HttpLimits limits_;
};

class HttpServer {
 public:
  // `may_connect`: whether a TCP peer may talk to the server at all (ClientPolicy::may_connect).
  // `loops`: event loop threads (0: one per two cores, at least one). A page costs ~8 us, 80% of it
  // the kernel's TCP work: one loop answers 100,000 pages a second. The other cores are left to
  // the scans this server runs (a sender and a capture thread each, and service identification)
  // and to the kernel's packet processing; with a loop on every core, a flood of page requests
  // competes with both, and on 2 cores a page's p99 under 200 connections rose from ~4.7 to
  // ~7.5 ms (bench/README.md, "portauth serve").
  HttpServer(const Router& router, HttpLimits limits, std::function<bool(const config::Address&)> may_connect,
             unsigned loops = 0);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on address:port ("127.0.0.1", "::1", "0.0.0.0", "::"; port 0: any free one).
  // Throws common::SetupError saying why not.
  void listen(const std::string& address, uint16_t port);
  uint16_t port() const { return port_; }

  // Serves until stop(); returns when every connection is closed and every scan thread is done.
  void run();
  // Ends run(): no new connection is taken, idle ones are closed, requests in progress finish.
  // Async-signal-safe (one write to a pipe).
  void stop();

  // Connections open now (for tests and the log).
  size_t connections() const;

 private:
  friend class EventLoop;
  // Admission of a new connection: 0, or the status to refuse it with (403, 429, 503).
  int admit(const config::Address& peer);
  void release(const config::Address& peer);
  // A POST and its connection, to a thread of its own; false when there are too many already.
  bool start_scan_thread(int fd, const config::Address& peer, uint16_t port, std::string request);

  const Router& router_;
  const HttpLimits limits_;
  std::function<bool(const config::Address&)> may_connect_;
  std::unique_ptr<HttpEngine> engine_;
  unsigned loop_count_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // stop() writes to [1]; every loop watches [0]
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;
  size_t open_ = 0;
  std::unordered_map<config::Address, size_t> per_client_;
  size_t scan_threads_ = 0;
  std::condition_variable scan_threads_done_;
};

}  // namespace portauth::web
