// Which way probes leave, decided from facts about the wire (pure: the facts are gathered by
// engine/live_wire.cpp from the kernel, scanner/next_hop.h).
//
//   raw   raw IP sockets + sendmmsg: works everywhere (loopback, tun, WireGuard, any number of
//         next hops); the kernel routes and resolves each packet, and its firewall and packet
//         taps see our probes. The slowest per packet.
//   ring  Ethernet frames through a PACKET_MMAP TX ring with PACKET_QDISC_BYPASS: no route,
//         neighbour or netfilter work per packet. Needs an Ethernet-like interface and one next
//         hop per family whose MAC the neighbour cache already holds.
//   xdp   the same frames through an AF_XDP socket in copy mode (scanner/xdp_sink.h); the same
//         needs, plus a kernel and driver that take AF_XDP.
//
// auto (the default) takes the fastest path that serves the plan: kAutoOrder (xdp, then ring),
// measured in bench/README.md ("The default send path"), falling back to raw with the reason why.
#pragma once
#include <string>

#include "config/scan_plan.h"

namespace portauth::scanner {

struct PathFacts {
  std::string interface;
  std::string link_problem;  // why frames cannot go out on the interface ("" when it is Ethernet-like)
  bool has_v4 = false, has_v6 = false;
  std::string hop_problem_v4, hop_problem_v6;  // why a family has no single next hop with a MAC ("" when it has)
  std::string hop_v4, hop_v6;                  // "198.18.0.2 (02:70:61:00:00:02)" when it has
};

struct PathChoice {
  config::SendMode mode = config::SendMode::kRaw;  // never kAuto
  std::string reason;                              // one clause, for -v and the summary
};

// Why a link-layer path (ring, xdp) cannot serve the plan, or "" when it can.
std::string link_path_problem(const PathFacts& facts);

// The path for `requested`. kAuto never fails (raw serves everything); an explicit ring or
// xdp that cannot serve the plan throws common::SetupError saying why and what to use instead.
// (Whether the socket itself can be opened is learnt by opening it: engine/live_wire.cpp falls
// back to raw when auto's pick fails to open, and reports an explicit mode's failure.)
PathChoice choose_path(config::SendMode requested, const PathFacts& facts);

// The order auto tries the link-layer paths in, fastest first (bench/README.md, "The default send
// path": AF_XDP in copy mode put ~1.9x the ring's probes on the lab's veth). One that cannot be
// opened (no AF_XDP here, the queue held by another scan, RLIMIT_MEMLOCK for its UMEM when not
// root) hands over to the next, then to raw (engine/live_wire.cpp).
inline constexpr config::SendMode kAutoOrder[] = {config::SendMode::kXdp, config::SendMode::kRing};

// "ring (PACKET_MMAP TX ring)": the path's name with what it is.
std::string describe_path(config::SendMode mode);

}  // namespace portauth::scanner
