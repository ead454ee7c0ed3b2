#include "memory_network.h"

#include <algorithm>

#include "frames.h"
#include "udp_fixture.h"
#include "capture/reply_parser.h"

namespace portauth::test {
namespace {

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

class Sink final : public scanner::PacketSink {
 public:
  explicit Sink(MemoryNetwork& net) : net_(net) {}
  size_t send(const scanner::OutPacket* packets, size_t n) override { return net_.send(packets, n); }

 private:
  MemoryNetwork& net_;
};

class Source final : public capture::PacketSource {
 public:
  explicit Source(MemoryNetwork& net) : net_(net) {}
  int linktype() const override { return capture::kDltEthernet; }
  int dispatch(Handler handler, void* ctx) override { return net_.dispatch(handler, ctx); }
  capture::SourceCounters counters() const override { return {net_.delivered(), 0, 0}; }

 private:
  MemoryNetwork& net_;
};

// A SYN-ACK as an IPv4 stack builds it: window, ISN and options (already padded to 4 bytes).
std::vector<uint8_t> syn_ack(uint32_t target, uint16_t tport, uint32_t us, uint16_t uport, uint32_t ack, uint32_t isn,
                             uint16_t window, const std::vector<uint8_t>& options) {
  std::vector<uint8_t> tcp;
  put16(tcp, tport);
  put16(tcp, uport);
  put32(tcp, isn);
  put32(tcp, ack);
  tcp.push_back(uint8_t((20 + options.size()) / 4 << 4));
  tcp.push_back(kSynAck);
  put16(tcp, window);
  put16(tcp, 0);
  put16(tcp, 0);
  tcp.insert(tcp.end(), options.begin(), options.end());
  auto ip = ipv4_header(target, us, 6, uint16_t(tcp.size()));
  ip.insert(ip.end(), tcp.begin(), tcp.end());
  return ethernet(ip);
}

// Linux's SYN-ACK options for a SYN that offered them all: MSS 1460, SACK permitted,
// timestamps, NOP, window scale 7.
std::vector<uint8_t> linux_options(uint32_t tsval) {
  std::vector<uint8_t> o = {2, 4, 0x05, 0xb4, 4, 2, 8, 10};
  put32(o, tsval);
  put32(o, 0);
  o.insert(o.end(), {1, 3, 3, 7});
  return o;
}

uint32_t mix32(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return uint32_t(x ^ (x >> 31));
}

}  // namespace

bool MemoryNetwork::Bucket::take(uint64_t now_ns, double rate, double burst) {
  if (!primed) {
    tokens = burst;
    last_ns = now_ns;
    primed = true;
  }
  if (now_ns > last_ns) {
    tokens = std::min(burst, tokens + double(now_ns - last_ns) * rate / 1e9);
    last_ns = now_ns;
  }
  if (tokens < 1) return false;
  tokens -= 1;
  return true;
}

MemoryNetwork::MemoryNetwork(scanner::Clock& clock, NetworkProfile profile)
    : clock_(clock), profile_(std::move(profile)), rng_(profile_.seed) {}

engine::Wire MemoryNetwork::wire() {
  engine::Wire w;
  w.source = std::make_unique<Source>(*this);
  w.sink = std::make_unique<Sink>(*this);
  return w;
}

void MemoryNetwork::inject(std::vector<uint8_t> frame, uint64_t at_ns) {
  std::lock_guard lock(mu_);
  schedule(std::move(frame), at_ns);
}

void MemoryNetwork::schedule(std::vector<uint8_t> frame, uint64_t at_ns) {
  pending_.push({at_ns, order_++, std::move(frame)});
}

size_t MemoryNetwork::send(const scanner::OutPacket* packets, size_t n) {
  const uint64_t now = clock_.now_ns();
  std::lock_guard lock(mu_);
  std::uniform_real_distribution<double> coin(0, 1);
  for (size_t i = 0; i < n; ++i) {
    ++total_;
    ++per_window_[now / 100'000'000];
    const uint8_t* p = packets[i].data;
    const bool v6 = packets[i].len >= 48 && (p[0] >> 4) == 6;
    if (v6 ? p[6] == 17 : packets[i].len >= 28 && p[9] == 17) {
      const size_t l4 = v6 ? 40 : size_t(p[0] & 0x0f) * 4;
      ++udp_probes_[{v6 ? config::Address::from_bytes(p + 24) : config::Address::v4(be32(p + 16)), be16(p + l4 + 2)}];
      if (profile_.loss_each_way > 0 && coin(rng_) < profile_.loss_each_way) {
        ++dropped_;
        continue;
      }
      answer_udp(p, packets[i].len, now);
      continue;
    }
    // Not a TCP probe: the network ignores it.
    if (v6 ? packets[i].len < 60 || p[6] != 6 : packets[i].len < 40 || p[9] != 6) continue;
    const size_t l4 = v6 ? 40 : size_t(p[0] & 0x0f) * 4;
    ++probes_[{v6 ? config::Address::from_bytes(p + 24) : config::Address::v4(be32(p + 16)), be16(p + l4 + 2)}];
    if (profile_.bottleneck_pps > 0 &&
        !bottleneck_.take(now, profile_.bottleneck_pps, profile_.bottleneck_burst)) {
      ++dropped_;
      continue;
    }
    if (profile_.loss_each_way > 0 && coin(rng_) < profile_.loss_each_way) {
      ++dropped_;
      continue;
    }
    answer(p, packets[i].len, now);
  }
  return n;
}

void MemoryNetwork::answer(const uint8_t* probe, size_t len, uint64_t now) {
  const bool v6 = (probe[0] >> 4) == 6;
  const size_t ihl = v6 ? 40 : size_t(probe[0] & 0x0f) * 4;
  if (len < ihl + 20) return;
  const config::Address us = v6 ? config::Address::from_bytes(probe + 8) : config::Address::v4(be32(probe + 12));
  const config::Address target = v6 ? config::Address::from_bytes(probe + 24) : config::Address::v4(be32(probe + 16));
  const uint8_t* tcp = probe + ihl;
  const uint16_t uport = be16(tcp), tport = be16(tcp + 2);
  const uint32_t seq = be32(tcp + 4);
  const auto host_it = profile_.hosts.find(target);
  const HostProfile* host = host_it != profile_.hosts.end() ? &host_it->second
                            : profile_.other_hosts       ? &*profile_.other_hosts
                                                         : nullptr;
  if (!host) return;
  // A host that blocks sources above a SYN rate: everything from us is dropped while blocked.
  if (host->block_above_pps > 0) {
    uint64_t& until = blocked_until_[target];
    if (now < until) {
      ++blocked_;
      return;
    }
    if (!block_buckets_[target].take(now, host->block_above_pps, host->block_burst)) {
      until = now + uint64_t(host->block_seconds * 1e9);
      ++blocked_;
      return;
    }
  }
  const PortAnswer a = host->lie != Lie::kNone && !v6 ? PortAnswer{Answer::kOpen} : host->answer_for(tport);
  if (a.answer == Answer::kSilent) return;
  const uint64_t at = now + host->rtt_ns + (host->late_ports.contains(tport) ? host->late_ns : 0);
  if (host->reply_limit_pps > 0 && (a.answer != Answer::kOpen || host->limit_syn_ack) &&
      !host_limits_[target].take(now + host->rtt_ns / 2, host->reply_limit_pps, host->reply_burst)) {
    ++limited_;
    return;
  }
  std::uniform_real_distribution<double> coin(0, 1);
  if (profile_.loss_each_way > 0 && coin(rng_) < profile_.loss_each_way) return;
  std::vector<uint8_t> frame;
  const uint64_t tuple = target.lo() * 0x9e3779b97f4a7c15ULL ^ us.lo() ^ (uint64_t(tport) << 16 | uport);
  switch (a.answer) {
    case Answer::kOpen:
      if (v6) {
        frame = tcp_reply(target, tport, us, uport, seq + 1, kSynAck);
      } else if (host->lie == Lie::kSynProxy) {  // a SYN cookie: moves with the SYN's sequence number
        frame = syn_ack(target.v4(), tport, us.v4(), uport, seq + 1, mix32(tuple) + seq, 0, linux_options(uint32_t(now / 1000000)));
      } else if (host->lie == Lie::kTarpit) {
        frame = syn_ack(target.v4(), tport, us.v4(), uport, seq + 1, mix32(tuple ^ now), 10, {});
      } else {  // a stack with state: the ISN comes from a clock (64 ns ticks) and the 4-tuple
        frame = syn_ack(target.v4(), tport, us.v4(), uport, seq + 1, mix32(tuple) + uint32_t(now >> 6), 64240,
                        linux_options(uint32_t(now / 1000000)));
      }
      break;
    case Answer::kClosed: frame = tcp_reply(target, tport, us, uport, seq + 1, kRstAck); break;
    case Answer::kIcmp: frame = icmp_unreach(target, us, uport, target, tport, seq, a.icmp_code); break;
    case Answer::kSilent: return;
  }
  for (unsigned d = 0; d < host->duplicates; ++d) schedule(frame, at + (d + 1) * 1'000'000);
  schedule(std::move(frame), at);
}

void MemoryNetwork::answer_udp(const uint8_t* probe, size_t len, uint64_t now) {
  const bool v6 = (probe[0] >> 4) == 6;
  const size_t ihl = v6 ? 40 : size_t(probe[0] & 0x0f) * 4;
  if (len < ihl + 8) return;
  const config::Address us = v6 ? config::Address::from_bytes(probe + 8) : config::Address::v4(be32(probe + 12));
  const config::Address target = v6 ? config::Address::from_bytes(probe + 24) : config::Address::v4(be32(probe + 16));
  const uint8_t* udp = probe + ihl;
  const uint16_t uport = be16(udp), tport = be16(udp + 2);
  const auto host_it = profile_.hosts.find(target);
  const HostProfile* host = host_it != profile_.hosts.end() ? &host_it->second
                            : profile_.other_hosts       ? &*profile_.other_hosts
                                                         : nullptr;
  if (!host) return;
  // A host that blocks sources above a SYN rate drops our UDP too while it blocks us (its
  // datagrams do not count toward the SYN rate).
  if (host->block_above_pps > 0 && now < blocked_until_[target]) {
    ++blocked_;
    return;
  }
  const PortAnswer a = host->udp_answer_for(tport);
  if (a.answer == Answer::kSilent) return;
  const uint64_t at = now + host->rtt_ns;
  std::vector<uint8_t> frame;
  if (a.answer == Answer::kOpen) {
    std::vector<uint8_t> payload(udp + 8, probe + len);  // the service echoes what carries the cookie
    if (tport == 123 && payload.size() == 48) {            // NTP: a server's answer (RFC 5905 7.3)
      std::copy(payload.begin() + 40, payload.end(), payload.begin() + 24);
      payload[0] = 0x24;  // version 4, mode 4
      payload[1] = 3;     // stratum 3
    }
    frame = udp_reply(target, tport, us, uport, payload);
  } else {
    // An ICMP error, within the host's limit (Linux's: per peer, a bucket of icmp_burst).
    if (host->icmp_limit_pps > 0 &&
        !icmp_limits_[target].take(now + host->rtt_ns / 2, host->icmp_limit_pps, host->icmp_burst)) {
      ++limited_;
      return;
    }
    ++icmp_sent_;
    const uint8_t code = a.answer == Answer::kClosed ? uint8_t(v6 ? 4 : 3) : a.icmp_code;
    frame = icmp_quoting(target, std::vector<uint8_t>(probe, probe + len), code, len);
  }
  std::uniform_real_distribution<double> coin(0, 1);
  if (profile_.loss_each_way > 0 && coin(rng_) < profile_.loss_each_way) return;
  for (unsigned d = 0; d < host->duplicates; ++d) schedule(frame, at + (d + 1) * 1'000'000);
  schedule(std::move(frame), at);
}

int MemoryNetwork::dispatch(capture::PacketSource::Handler handler, void* ctx) {
  std::vector<std::vector<uint8_t>> ready;
  uint64_t next = 0;
  const uint64_t now = clock_.now_ns();
  const uint64_t stall_end = profile_.capture_stall_at_ns + profile_.capture_stall_ns;
  if (profile_.capture_stall_ns > 0 && now >= profile_.capture_stall_at_ns && now < stall_end) {
    clock_.sleep_until_ns(stall_end);
    return 0;
  }
  {
    std::lock_guard lock(mu_);
    while (!pending_.empty() && pending_.top().at_ns <= now) {
      ready.push_back(std::move(const_cast<Pending&>(pending_.top()).frame));
      pending_.pop();
    }
    delivered_ += ready.size();
    next = pending_.empty() ? 0 : pending_.top().at_ns;
  }
  for (const auto& f : ready) handler(ctx, f.data(), f.size());
  if (ready.empty()) {
    // A live capture wakes for a packet or after its timeout; 1 ms keeps simulated RTTs honest
    // (a reply scheduled while we sleep is seen at most 1 ms late).
    const uint64_t timeout = now + 1'000'000;
    clock_.sleep_until_ns(next && next < timeout ? next : timeout);
  }
  return int(ready.size());
}

uint64_t MemoryNetwork::delivered() const {
  std::lock_guard lock(mu_);
  return delivered_;
}

uint64_t MemoryNetwork::probes_to(const config::Address& addr, uint16_t port) const {
  std::lock_guard lock(mu_);
  const auto it = probes_.find({addr, port});
  return it == probes_.end() ? 0 : it->second;
}

uint64_t MemoryNetwork::udp_probes_to(const config::Address& addr, uint16_t port) const {
  std::lock_guard lock(mu_);
  const auto it = udp_probes_.find({addr, port});
  return it == udp_probes_.end() ? 0 : it->second;
}

uint64_t MemoryNetwork::icmp_sent() const {
  std::lock_guard lock(mu_);
  return icmp_sent_;
}

uint64_t MemoryNetwork::probes_total() const {
  std::lock_guard lock(mu_);
  return total_;
}

uint64_t MemoryNetwork::probes_dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

uint64_t MemoryNetwork::probes_blocked() const {
  std::lock_guard lock(mu_);
  return blocked_;
}

verdict::ConnectOutcome MemoryNetwork::connect_outcome(const config::Address& addr, uint16_t port) const {
  const auto it = profile_.hosts.find(addr);
  const HostProfile* h = it != profile_.hosts.end() ? &it->second : profile_.other_hosts ? &*profile_.other_hosts : nullptr;
  if (!h) return verdict::ConnectOutcome::kNoAnswer;
  const Answer a = h->answer_for(port).answer;
  switch (h->lie) {
    case Lie::kSynProxy:
      return a == Answer::kOpen ? verdict::ConnectOutcome::kReached : verdict::ConnectOutcome::kResetAfterHandshake;
    case Lie::kAnswersAll: return verdict::ConnectOutcome::kReached;
    case Lie::kTarpit: return verdict::ConnectOutcome::kHeldZeroWindow;
    case Lie::kNone: break;
  }
  return a == Answer::kOpen     ? verdict::ConnectOutcome::kReached
         : a == Answer::kClosed ? verdict::ConnectOutcome::kRefused
                                : verdict::ConnectOutcome::kNoAnswer;
}

uint64_t MemoryNetwork::answers_limited() const {
  std::lock_guard lock(mu_);
  return limited_;
}

double MemoryNetwork::peak_probe_rate() const {
  std::lock_guard lock(mu_);
  uint64_t peak = 0;
  for (const auto& [w, n] : per_window_) peak = std::max(peak, n);
  return double(peak) * 10;
}

}  // namespace portauth::test
