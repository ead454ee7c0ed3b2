// The HTTP server: our own listening socket, accept loop and connection threads, with
// cpp-httplib (Debian's libcpp-httplib 0.11) doing what it is good at, parsing requests and
// writing replies, through its protected Server::process_request() on a Stream of ours
// (web/connection_stream.h). Why not httplib's own listen(): its Debian build is compiled with a
// listen backlog of 5, takes no per-client connection limit, has no deadline for a whole request
// (only for each read: a client sending a byte every few seconds holds a thread for ever) and no
// limit on the number of header lines. Here:
//   accept      a peer that may not connect at all (outside --allow-clients and the trusted
//               proxies) gets a canned 403 and is closed; beyond max_connections a 503, beyond
//               max_client_connections from one address a 429, both with Retry-After
//   connection  one thread each while it lives (threads are started as needed, up to
//               max_connections, and kept); keep-alive up to idle_seconds between requests
//   request     limits and deadlines of web/http_limits.h; the reply from the Router
//               (web/router.h), which every request goes through, the client policy first
// Every reply carries the security headers (web/request.h). Compression and byte ranges are off:
// pages are small, and streamed replies must leave as they are written.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "config/address.h"
#include "web/http_limits.h"
#include "web/router.h"

namespace portauth::web {

class HttpEngine;  // the cpp-httplib side (http_server.cpp)

class HttpServer {
 public:
  // `may_connect`: whether a TCP peer may talk to the server at all (ClientPolicy::may_connect).
  HttpServer(const Router& router, HttpLimits limits, std::function<bool(const config::Address&)> may_connect);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on address:port ("127.0.0.1", "::1", "0.0.0.0", "::"; port 0: any free one).
  // Throws common::SetupError saying why not.
  void listen(const std::string& address, uint16_t port);
  uint16_t port() const { return port_; }

  // Serves until stop(); returns when every connection is closed.
  void run();
  // Ends run(): no new connection is taken, idle ones are closed, requests in progress finish.
  // Async-signal-safe (one write to a pipe).
  void stop();

  // Connections open now (for tests and the log).
  size_t connections() const;

 private:
  struct Pending {
    int fd;
    config::Address peer;
    uint16_t port;
  };
  void accept_one();
  void refuse_connection(int fd, int status, const char* reason, unsigned retry_after);
  void worker();
  void serve_connection(const Pending& c);
  void release(const config::Address& peer);

  const Router& router_;
  const HttpLimits limits_;
  std::function<bool(const config::Address&)> may_connect_;
  std::unique_ptr<HttpEngine> engine_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // stop() writes to [1]; everything that waits also polls [0]
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Pending> pending_;
  std::vector<std::thread> workers_;
  size_t idle_workers_ = 0;
  size_t starting_workers_ = 0;  // started, not yet waiting
  size_t open_ = 0;
  std::unordered_map<config::Address, size_t> per_client_;
};

}  // namespace portauth::web
