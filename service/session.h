// The strategy for one open port, as a pure state machine: the connection engine
// (conn_engine.h) carries out its commands (open a connection, start TLS, send bytes, close)
// and reports back what happened (connected, bytes, closed, TLS up or failed, a timer), with
// the time. Nothing here touches a socket or a clock, so the whole strategy is tested on
// scripted events (tests/service/session_test.cpp).
//
// The strategy:
//   1. Connect. When the port's database names say TLS (https, imaps, ...), start the
//      handshake at once; otherwise wait for a greeting: long when a server-first protocol is
//      expected there (smtp, ssh, ...), short when a client-first one is (http, redis, ...), a
//      couple of seconds when nothing is known.
//   2. A greeting is matched against every identifier; a match may ask one more question on
//      the same connection (SMTP's EHLO) before the conclusion.
//   3. Silence: send the probe of the family expected there, then a TLS handshake, then an HTTP
//      request, then Redis's INFO (which memcached answers too), each on a new connection once
//      the previous one has been spoken on. A TLS
//      handshake that succeeds records the certificate's facts, then waits for a greeting
//      inside and sends the expected (or HTTP) probe inside.
//   4. Bytes that no rule knows are kept as the banner and reported as such (never named).
//      A first connection closed before any byte is tcpwrapped; a port that answers nothing
//      at all is silent. Neither gets a product.
// Every phase has its deadline; the session as a whole has a hard one (Timing::lifetime_ns),
// after which it concludes with what it has.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/identifier.h"
#include "service/registry.h"
#include "service/service_info.h"

namespace portauth::service {

struct Timing {
  uint64_t connect_ns = 5'000'000'000;         // TCP connect; TLS handshake
  uint64_t greeting_ns = 2'000'000'000;        // wait for a greeting when nothing is expected
  uint64_t long_greeting_ns = 5'000'000'000;   // when a server-first protocol is expected
  uint64_t short_greeting_ns = 300'000'000;    // when a client-first protocol is expected
  uint64_t reply_ns = 2'500'000'000;           // for an answer to a probe
  uint64_t quiet_ns = 200'000'000;             // bytes stopped this long: the answer is complete
  uint64_t lifetime_ns = 25'000'000'000;       // the session's hard bound

  // From the per-connection timeout (--service-timeout): connect and the long greeting wait
  // that long, a reply half of it, the plain greeting wait at most 2 s, the lifetime 5x.
  static Timing from_timeout(double seconds);
};

struct SessionTarget {
  ProbeContext ctx;                     // the address as text, the port, a nonce
  std::vector<std::string> port_names;  // the port's database name and aliases ("" entries ignored)
};

enum class Op : uint8_t {
  kOpen,      // close any current connection, open a new one (plain TCP)
  kStartTls,  // TLS handshake on the current connection
  kSend,      // bytes on the current connection (inside TLS when it is up)
  kClose,     // close the current connection
};
struct Command {
  Op op;
  std::string bytes{};
};

class Session {
 public:
  Session(SessionTarget target, const Timing& timing, uint64_t now_ns);

  // Events on the current connection.
  void on_connected(uint64_t now);
  void on_connect_failed(uint64_t now, bool refused);
  void on_tls_done(uint64_t now, TlsFacts facts);
  // `raw`: what the server sent during the failed handshake (a plaintext greeting or an HTTP
  // error is worth matching); `closed`: the server closed the connection.
  void on_tls_failed(uint64_t now, std::string_view raw, bool closed);
  void on_data(uint64_t now, std::string_view bytes);  // plaintext (decrypted when TLS is up)
  void on_closed(uint64_t now);                        // end of stream or reset
  void on_timer(uint64_t now);

  // What to do next, in order; the engine takes them all and clears the vector.
  std::vector<Command>& commands() { return commands_; }
  // When on_timer() must be called; 0 once done.
  uint64_t deadline() const { return done_ ? 0 : deadline_; }
  bool done() const { return done_; }
  const ServiceInfo& result() const { return result_; }
  // Ends the session now with what it has (the stage's bound, an interrupt).
  void abort(uint64_t now);

 private:
  enum class Phase : uint8_t { kConnecting, kHandshake, kGreeting, kReply, kFollowup, kDone };
  // One attempt: a connection (or the fresh one we hold) used to wait for a greeting, to
  // send `probe`, or to run a TLS handshake followed by the inner greeting and probe.
  struct Try {
    bool tls = false;
    const Identifier* probe = nullptr;  // plain: what to send (null: wait for a greeting)
  };

  void plan(uint64_t now);
  void next_try(uint64_t now);
  void begin_try(uint64_t now);
  void start_greeting(uint64_t now, uint64_t wait_ns);
  void send_probe(uint64_t now, const Identifier* id);
  void conclude(uint64_t now);
  void identified(uint64_t now, Matched m);
  void finish(uint64_t now, Answer answer);
  void set_phase(Phase p, uint64_t now, uint64_t wait_ns);

  SessionTarget target_;
  Timing timing_;
  std::optional<Expectation> expect_;
  uint64_t start_ns_, deadline_ = 0, phase_end_ = 0;
  Phase phase_ = Phase::kConnecting;
  std::deque<Try> tries_;
  Try current_{};
  bool fresh_ = false;          // the open connection has not been spoken on yet
  bool connected_ = false;
  unsigned connections_ = 0;
  bool inside_tls_ = false;     // TLS is up on the current connection
  bool tls_tried_ = false;
  const Identifier* sent_ = nullptr;  // whose probe the pending reply answers
  std::string buffer_;          // the bytes of the current phase
  std::string unrecognised_;    // the first answer no rule knew
  std::optional<Matched> match_;      // a match waiting for its follow-up's reply
  std::optional<TlsFacts> tls_;
  std::vector<Command> commands_;
  ServiceInfo result_;
  bool done_ = false;
};

}  // namespace portauth::service
