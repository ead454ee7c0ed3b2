// An in-memory network for whole-scan tests: a packet sink that takes the scanner's probes
// and a packet source that hands back what scripted hosts answer, in simulated time.
//
// Each probe is read as the wire would carry it (an IPv4 or IPv6 TCP SYN: addresses, ports,
// seq) and answered by its host's profile in the probe's family: SYN-ACK (open), RST
// (closed), an ICMP or ICMPv6 unreachable quoting the probe (closed, by code), or nothing
// (silent). A UDP probe is answered by the host's UDP profile: a datagram back that carries
// the probe's payload (the cookie echoed where the probe put it; port 123 answers as an NTP
// server, origin timestamp = our transmit timestamp), an ICMP port unreachable quoting the
// whole probe (as Linux does), another unreachable, or nothing; and a host may limit its ICMP
// errors as Linux does (a token bucket of `icmp_burst` refilled at `icmp_limit_pps`, full when
// the scan starts). Faults a real network has are scripted
// too: the round-trip time, late answers, duplicated answers, a per-host limit on answers
// per second (as hosts limit RSTs and ICMP errors), a bottleneck that drops probes above a
// rate, random loss each way. Replies come back as Ethernet frames (DLT_EN10MB) through the
// same parser, probe module and table as live captures.
//
// Hosts can lie the ways the lab's liars do (scripts/liarlab.py), over IPv4:
//   kSynProxy    every port answers a SYN-ACK of window 0 with MSS, SACK, timestamps and window
//                scale, whose ISN is a SYN cookie (a hash of the 4-tuple plus the SYN's own
//                sequence number: it moves by exactly what the SYN's moved); connecting reaches
//                a backend only on the profile's open ports, elsewhere it is reset
//   kAnswersAll  every port answers like an honest open port (one stack behind every port)
//   kTarpit      every port answers a SYN-ACK of window 10 and no option
//   rate block   more than block_above_pps SYNs a second (a bucket of block_burst) and the host
//                drops everything from us for block_seconds
// An honest open port's SYN-ACK has Linux's shape (window 64240; MSS, SACK, timestamps, NOP,
// window scale) and a clock-driven ISN. connect_outcome() answers the connect check.
//
// Thread-safe: the sender thread sends while the capture thread dispatches. Randomness comes
// from a seeded generator, so a run is repeatable up to thread interleaving.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <vector>

#include "config/address.h"
#include "scanner/clock.h"
#include "scanner/packet_sink.h"
#include "capture/packet_source.h"
#include "engine/wire.h"
#include "verdict/classify.h"

namespace portauth::test {

enum class Answer : uint8_t { kOpen, kClosed, kIcmp, kSilent };
enum class Lie : uint8_t { kNone, kSynProxy, kAnswersAll, kTarpit };

struct PortAnswer {
  Answer answer = Answer::kClosed;
  uint8_t icmp_code = 3;  // kIcmp: the destination-unreachable code (ICMPv6's for an IPv6 host)
};

struct HostProfile {
  PortAnswer default_answer{};
  std::map<uint16_t, PortAnswer> ports;  // overrides the default
  uint64_t rtt_ns = 1'000'000;
  std::set<uint16_t> late_ports;         // these answer late_ns after the rtt
  uint64_t late_ns = 0;
  unsigned duplicates = 0;               // extra copies of every answer, 1 ms apart
  // At most this many answers a second (0: no limit), a token bucket of `reply_burst`; applies
  // to RSTs and ICMP errors, and to SYN-ACKs too when limit_syn_ack is set.
  double reply_limit_pps = 0;
  double reply_burst = 50;
  bool limit_syn_ack = false;
  Lie lie = Lie::kNone;
  double block_above_pps = 0;  // 0: never blocks
  double block_burst = 0;
  double block_seconds = 0;
  // UDP: kOpen a datagram back, kClosed ICMP port unreachable, kIcmp that code, kSilent nothing.
  PortAnswer udp_default{Answer::kClosed};
  std::map<uint16_t, PortAnswer> udp_ports;
  double icmp_limit_pps = 0;  // ICMP errors to UDP probes a second (0: no limit); Linux: 1
  double icmp_burst = 6;      // Linux: XRLIM_BURST_FACTOR
  PortAnswer answer_for(uint16_t port) const {
    const auto it = ports.find(port);
    return it == ports.end() ? default_answer : it->second;
  }
  PortAnswer udp_answer_for(uint16_t port) const {
    const auto it = udp_ports.find(port);
    return it == udp_ports.end() ? udp_default : it->second;
  }
};

struct NetworkProfile {
  std::map<config::Address, HostProfile> hosts;
  std::optional<HostProfile> other_hosts;  // addresses not in `hosts`; none: they do not exist
  double bottleneck_pps = 0;               // probes above this rate are dropped (0: none)
  double bottleneck_burst = 100;
  double loss_each_way = 0;                // probability a probe, or an answer, is lost
  // The capture falls behind: nothing is delivered from this simulated time for this long (a
  // descheduled capture thread); what arrived meanwhile comes all at once after (0: never).
  uint64_t capture_stall_at_ns = 0, capture_stall_ns = 0;
  uint64_t seed = 1;
};

class MemoryNetwork {
 public:
  MemoryNetwork(scanner::Clock& clock, NetworkProfile profile);

  // A wire whose sink and source are this network (which must outlive it).
  engine::Wire wire();

  // Puts a frame on the scanner's side of the wire at simulated time `at_ns` (forged replies).
  void inject(std::vector<uint8_t> frame, uint64_t at_ns);

  // What the network saw: probes per (address, port), and totals.
  uint64_t probes_to(const config::Address& addr, uint16_t port) const;
  uint64_t udp_probes_to(const config::Address& addr, uint16_t port) const;
  uint64_t icmp_sent() const;  // ICMP errors the hosts sent to UDP probes
  uint64_t probes_total() const;
  uint64_t probes_dropped() const;   // by the bottleneck or loss
  uint64_t answers_limited() const;  // withheld by a host's answer limit
  uint64_t probes_blocked() const;   // dropped by a host that was blocking us
  // What a kernel connection to (addr, port) would come to (the connect check).
  verdict::ConnectOutcome connect_outcome(const config::Address& addr, uint16_t port) const;
  double peak_probe_rate() const;    // highest probes/s over any 100 ms window

  // For the sink and source adapters.
  size_t send(const scanner::OutPacket* packets, size_t n);
  int dispatch(capture::PacketSource::Handler handler, void* ctx);
  uint64_t delivered() const;

 private:
  struct Pending {
    uint64_t at_ns;
    uint64_t order;
    std::vector<uint8_t> frame;
    bool operator>(const Pending& o) const { return at_ns != o.at_ns ? at_ns > o.at_ns : order > o.order; }
  };
  struct Bucket {
    double tokens = 0;
    uint64_t last_ns = 0;
    bool primed = false;
    bool take(uint64_t now_ns, double rate, double burst);
  };
  void answer(const uint8_t* probe, size_t len, uint64_t now_ns);  // with mu_ held
  void answer_udp(const uint8_t* probe, size_t len, uint64_t now_ns);  // with mu_ held
  void schedule(std::vector<uint8_t> frame, uint64_t at_ns);      // with mu_ held

  scanner::Clock& clock_;
  const NetworkProfile profile_;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  uint64_t order_ = 0;
  std::map<std::pair<config::Address, uint16_t>, uint64_t> probes_, udp_probes_;
  std::map<config::Address, Bucket> icmp_limits_;
  uint64_t icmp_sent_ = 0;
  uint64_t total_ = 0, dropped_ = 0, limited_ = 0, delivered_ = 0;
  Bucket bottleneck_;
  std::map<config::Address, Bucket> host_limits_;
  std::map<config::Address, Bucket> block_buckets_;
  std::map<config::Address, uint64_t> blocked_until_;
  uint64_t blocked_ = 0;
  std::map<uint64_t, uint64_t> per_window_;  // 100 ms window -> probes
};

}  // namespace portauth::test
