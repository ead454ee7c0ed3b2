// The connection engine of service identification: one thread, one epoll instance, many
// non-blocking kernel TCP connections (IPv4 and IPv6) at once, each driven by its port's
// Session (session.h). No raw socket and no privilege: it runs as the user the scan became.
//
// Jobs come in from any thread (submit); the thread starts at the first one (after the
// privilege drop), starts up to Options::max_connections sessions at a time (each holds at
// most one socket), and hands back each conclusion (take_done). Every session has its own
// deadlines; wait_idle() bounds the wait for the rest, abort_all() ends every session now
// with what it has. Bytes read are bounded per session (the session caps what it keeps and
// concludes once full); TLS runs over memory buffers (tls_client.h) inside the same loop.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/address.h"
#include "service/service_info.h"
#include "service/session.h"

namespace portauth::service {

class ConnEngine {
 public:
  struct Options {
    size_t max_connections = 1024;
    Timing timing;
    uint32_t link_scope = 0;  // the interface index for link-local IPv6 targets (fe80::/10), 0: none
  };
  struct Job {
    uint64_t id = 0;  // the caller's key
    config::Address addr;
    uint16_t port = 0;
    std::vector<std::string> port_names;  // the port database's name and aliases
  };
  struct Done {
    uint64_t id = 0;
    ServiceInfo info;
  };
  struct Stats {
    uint64_t jobs = 0, connections = 0, tls_handshakes = 0, socket_errors = 0;
    size_t peak_in_flight = 0;
  };

  explicit ConnEngine(Options options);
  ~ConnEngine();
  ConnEngine(const ConnEngine&) = delete;
  ConnEngine& operator=(const ConnEngine&) = delete;

  void submit(Job job);
  std::vector<Done> take_done();
  // Waits until every job submitted so far has concluded, or `timeout_ms` passed. True if so.
  bool wait_idle(int timeout_ms);
  // Every session concludes now; jobs not started conclude as unfinished.
  void abort_all();
  size_t outstanding() const;  // submitted and not yet concluded
  Stats stats() const;

 private:
  struct Slot;
  void run();
  void start_job(Job job, uint64_t now);
  void execute(size_t index, uint64_t now);
  void open_connection(Slot& s, uint64_t now);
  void on_readable(Slot& s, uint64_t now);
  void on_writable(Slot& s, uint64_t now);
  void flush(Slot& s);
  void close_fd(Slot& s);
  void arm(size_t index);
  void conclude(size_t index);
  template <class F>
  void guarded(size_t index, F&& f);
  void wake();

  Options options_;
  int epoll_ = -1, event_ = -1;
  std::thread thread_;
  bool started_ = false;

  mutable std::mutex mu_;  // guards inbox_, done_, outstanding_, abort_, stop_, stats_
  std::condition_variable idle_;
  std::deque<Job> inbox_;
  std::vector<Done> done_;
  size_t outstanding_ = 0;
  bool abort_ = false, stop_ = false;
  Stats stats_;

  // The thread's own state.
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<size_t> free_;
  std::deque<Job> waiting_;
  size_t active_ = 0;
  struct Timer {
    uint64_t at;
    size_t index;
    uint32_t gen;
    bool operator>(const Timer& o) const { return at > o.at; }
  };
  std::vector<Timer> timers_;  // a min-heap (std::push_heap with greater)
};

}  // namespace portauth::service
