// The HTTP side of the server that every connection shares (internal to web/'s HTTP library):
// cpp-httplib's Server used for what it is good at, parsing a scan's request (a POST) and writing its
// reply, streamed as the scan goes, through its protected process_request() on Streams of ours, never
// for its sockets or threads; and the pieces both the event loops (web/event_loop.h) and the scan
// threads (web/http_server.h) use. The loops answer every other method themselves (web/loop_exchange.h).
#pragma once
#include <httplib.h>
#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "config/address.h"
#include "web/connection_stream.h"
#include "web/http_limits.h"
#include "web/reply_bytes.h"
#include "web/router.h"

namespace portauth::web {

// The connection a request arrived on, for the handlers (they run on its thread). `stream` is null
// on an event loop (the reply is gathered in memory there).
struct Connection {
  ConnectionStream* stream = nullptr;
  config::Address peer;
  uint16_t port = 0;
};

// Sets the thread's current connection for as long as it lives.
class CurrentConnection {
 public:
  explicit CurrentConnection(Connection& c);
  ~CurrentConnection();
  CurrentConnection(const CurrentConnection&) = delete;
  CurrentConnection& operator=(const CurrentConnection&) = delete;
};

class HttpEngine final : public httplib::Server {
 public:
  HttpEngine(const Router& router, const HttpLimits& limits);

  // Parses the request `stream` holds and writes its reply there (the current connection says who
  // the peer is). False when the reply could not be written.
  bool answer(httplib::Stream& stream, bool close_connection, bool& connection_closed);

  // The library writes a streamed reply only while it believes it is listening; it never is.
  void serving(int listen_fd) { svr_sock_ = listen_fd; }

 private:
  static void setup(httplib::Request& req);
  void serve(const httplib::Request& req, httplib::Response& res) const;

  const Router& router_;
};

// A whole request already received, and the reply gathered in memory: an event loop's Stream.
class MemoryStream final : public httplib::Stream {
 public:
  MemoryStream(std::string_view request, std::string& out) : in_(request), out_(out) {}
  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override;  // 0 at the end: nothing beyond the request
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return -1; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  std::string& out_;
};

// A whole reply of our own (a refusal before any route runs): plain text, closing, with the headers
// every reply carries (web/reply_bytes.h writes it).
std::string canned_reply(int status, const char* reason, unsigned retry_after);

// The address and port of a socket address (a mapped IPv4 address of an IPv6 socket is IPv4).
config::Address address_of(const sockaddr_storage& ss, uint16_t& port);

}  // namespace portauth::web
