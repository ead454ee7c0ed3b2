// Loopback servers for the connection engine's tests (127.0.0.1 and ::1 only): each listening
// socket behaves one way (greets, answers a request, stays silent, closes at once, speaks
// TLS with a throw-away self-signed certificate). One thread serves them all with poll(2).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace portauth::service::testing {

enum class Behaviour {
  kGreet,     // send `text` on accept, then hold the connection
  kAnswer,    // read one request, send `text`, close
  kSilent,    // accept and never send
  kClose,     // accept and close at once
  kTlsGreet,  // TLS handshake, then send `text` inside, hold
  kTlsAnswer, // TLS handshake, read one request, send `text`, close
};

class LoopbackServers {
 public:
  LoopbackServers();
  ~LoopbackServers();
  // A new listener on 127.0.0.1 (or ::1) with an ephemeral port; returns the port.
  uint16_t add(Behaviour b, std::string text = {}, bool v6 = false);
  // A port on 127.0.0.1 where nothing listens (bound, then closed).
  static uint16_t closed_port();
  void start();
  size_t accepted() const { return accepted_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<size_t> accepted_{0};
};

}  // namespace portauth::service::testing
