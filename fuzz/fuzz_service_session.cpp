// Fuzz harness: the per-port strategy (service/session.h) driven by whatever a network does.
// The input is a script of events, each chosen by one byte, with the bytes a server sends:
// connected, connect failed, TLS up, TLS failed (with raw bytes), data, closed, a timer,
// abort; time moves by what the script says. The first byte picks the port's database names
// (what the session expects there).
// Properties checked (a violation traps): commands are consistent (StartTls, Send and Close
// only on an open connection; Open never while one is pending... tracked from the commands
// themselves); a session that is not done has a deadline, one that is done has none; every
// session is done within its lifetime when its timers fire; a named result came from a rule,
// a silent or tcpwrapped one has no product.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "service/session.h"

namespace {

using namespace portauth::service;

const std::vector<std::vector<std::string>> kNames = {
    {},          {"ssh"},   {"https"}, {"imaps"}, {"smtp", "mail"}, {"http"}, {"redis"}, {"distinct", "abyss"},
    {"mqtt"},    {"domain"}, {"ldap"}, {"x11"},   {"ms-v-worlds", "smtp-alt-2525"},
};

struct Reader {
  const uint8_t* p;
  size_t n;
  uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::string chunk() {
    const size_t len = byte();
    const size_t take = len < n ? len : n;
    std::string out(reinterpret_cast<const char*>(p), take);
    p += take;
    n -= take;
    return out;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in{data, size};
  const auto& names = kNames[in.byte() % kNames.size()];
  const Timing timing = Timing::from_timeout(1.0);
  uint64_t now = 1'000'000'000;
  Session s(SessionTarget{{"198.18.0.2", 8080, 7}, names}, timing, now);
  const uint64_t end = now + timing.lifetime_ns;
  bool open = false;  // a connection exists (opened and not closed, by command or event)
  auto drain = [&] {
    for (const auto& c : s.commands()) {
      switch (c.op) {
        case Op::kOpen: open = true; break;
        case Op::kStartTls:
        case Op::kSend:
          if (!open) std::abort();
          break;
        case Op::kClose:
          if (!open) std::abort();
          open = false;
          break;
      }
    }
    s.commands().clear();
    if (s.done() != (s.deadline() == 0)) std::abort();
  };
  drain();
  for (int steps = 0; in.n > 0 && steps < 256 && !s.done(); ++steps) {
    now += uint64_t(in.byte()) * 10'000'000;
    switch (in.byte() % 8) {
      case 0: s.on_connected(now); break;
      case 1: s.on_connect_failed(now, in.byte() & 1); open = false; break;
      case 2: s.on_tls_done(now, TlsFacts{}); break;
      case 3: {
        const bool closed = in.byte() & 1;
        const std::string raw = in.chunk();
        s.on_tls_failed(now, raw, closed);
        if (closed) open = false;
        break;
      }
      case 4: s.on_data(now, in.chunk()); break;
      case 5: s.on_closed(now); open = false; break;
      case 6: if (s.deadline() && s.deadline() > now) now = s.deadline(); s.on_timer(now); break;
      case 7: s.abort(now); break;
    }
    drain();
  }
  // With nothing more from the network, the timers alone end the session within its lifetime
  // (or at once, when the script already ran past it).
  const uint64_t tail = now;
  for (int i = 0; i < 10000 && !s.done(); ++i) {
    now = std::max(now, s.deadline());
    s.on_timer(now);
    drain();
  }
  if (!s.done() || now > std::max(tail, end) + 1) std::abort();
  const ServiceInfo& r = s.result();
  if (r.answer == Answer::kIdentified && (r.name.empty() || r.rule.empty())) std::abort();
  if ((r.answer == Answer::kSilent || r.answer == Answer::kTcpwrapped) && !r.product.empty()) std::abort();
  if (r.banner.size() > kBannerCap) std::abort();
  return 0;
}
