// One event loop of the HTTP server (web/http_server.h): the connections it accepted, read and
// written without ever blocking. A request is handed to the library only once
// web/request_framing.h says it is whole; GET and HEAD are answered here, a POST leaves with its
// connection for a scan thread. Deadlines (request, idle, write) are checked every 100 ms.
#pragma once
#include <sys/epoll.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "config/address.h"
#include "web/http_server.h"

namespace portauth::web {

class EventLoop {
 public:
  explicit EventLoop(HttpServer& server);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void run();

 private:
  struct Conn {
    int fd = -1;
    config::Address peer;
    uint16_t port = 0;
    std::string in, out;
    size_t out_pos = 0;
    double request_start = -1;  // first byte of the request being received (-1: none)
    double last_active = 0;
    double write_since = -1;    // since when output has been waiting for the client
    size_t requests = 0;
    bool closing = false;       // close once `out` is sent
    bool linger = false;        // shut down for writing, dropping what still comes
    double linger_until = 0;
    uint32_t interest = EPOLLIN | EPOLLRDHUP;  // what epoll watches for it now
    bool error = false;         // the last reply ended the connection
    bool waiting = false;       // a received request waits for the pending reply to leave
    bool continued = false;     // "100 Continue" sent for the request being received
  };

  void accept_some();
  void on_input(Conn& c);
  void process(Conn& c);
  void flush(Conn& c);
  void finish(Conn& c);
  void drop(int fd);
  void sweep();
  // Reads only while no reply is backed up (a client that pipelines without reading waits, and
  // its requests wait in its own socket, not in our memory); writes while output is pending.
  void update_interest(Conn& c);

  HttpServer& s_;
  int epfd_ = -1;
  std::unordered_map<int, std::unique_ptr<Conn>> conns_;
  double now_ = 0;
};

}  // namespace portauth::web
