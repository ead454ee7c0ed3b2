// TruStealth's eyes on the capture thread: counts every frame whose IP source is a scanned
// address, whatever it is (a reply the validator accepts, one it rejects as forged or stale,
// a stray, a TCP keep-alive, an ICMP error), and apart from those the echo replies that the
// ping's probe module (probe/icmp_echo_probe.h) accepts as answers to this run's own echo
// requests (ICMP or ICMPv6: the ping check). A host that is truly stealth sends neither.
//
// Answers to our canary probes (the ports a scan adds to see whether a host answers everywhere:
// verdict/canaries.h) are our own questions' answers, like the echo replies, and are counted
// apart (canary_answers), not as unsolicited.
//
// Our own packets are not the host's: when the scanned address is our own (loopback), the
// SYNs from our source ports, our kernel's RSTs from those ports and our echo requests carry
// the target's address as their source too, and are skipped.
//
// Pure: bytes in, counters out. observe() runs on one thread (the capture thread) and does no
// allocation, takes no lock and throws nothing; the counters may be read from any thread.
// Non-IP frames (ARP) and frames too short for their IP header are not counted.
#pragma once
#include <atomic>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "config/range_set.h"
#include "probe/reply_classifier.h"

namespace portauth::capture {

struct HostWatchConfig {
  config::Address our_v4;           // our source address of each family the scan uses
  config::Address our_v6;
  uint16_t echo_id = 0;             // the ICMP id of our echo requests (our own, on loopback)
  uint16_t source_port_first = 0;   // our probes' source ports [first, first + count)
  uint16_t source_port_count = 0;
  // Judges echo replies: the ping's probe module (its identifier, its cookie). Null: no echo
  // reply is ours, and each counts as a frame from the target. Must outlive the watch.
  const probe::ReplyClassifier* echo = nullptr;
  // The canary ports the scan added (TCP answers from them, ICMP errors quoting them, to our
  // source ports); null: none. Must outlive the watch.
  const std::bitset<65536>* canary_ports = nullptr;
};

struct HostWatchStats {
  std::atomic<uint64_t> frames_from_targets{0};  // anything from a target but our echo replies
  std::atomic<uint64_t> echo_replies{0};         // echo replies the ping's module accepts
  std::atomic<uint64_t> canary_answers{0};       // answers to our canary probes
};

// What observe() made of a frame.
enum class FrameOrigin : uint8_t { kOther, kOwnPacket, kFromTarget, kEchoReply, kCanaryAnswer };

class HostWatch {
 public:
  HostWatch(config::RangeSet targets, HostWatchConfig config) : targets_(std::move(targets)), config_(config) {}

  FrameOrigin observe(int linktype, const uint8_t* frame, size_t caplen);
  struct Frame;  // one frame's source, protocol and L4 header (host_watch.cpp)
  const HostWatchStats& stats() const { return stats_; }

 private:
  bool own_packet(const Frame& f) const;

  const config::RangeSet targets_;
  const HostWatchConfig config_;
  HostWatchStats stats_;
};

// A BPF expression matching every frame from `targets` ("src net A/N or src host B ...",
// one term per CIDR block), to be or-ed with the reply filter so the watch sees everything
// the hosts send. Empty for an empty set.
std::string host_watch_filter(const config::RangeSet& targets);

}  // namespace portauth::capture
