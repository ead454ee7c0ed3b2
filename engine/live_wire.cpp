#include "engine/live_wire.h"

#include <algorithm>
#include <optional>

#include "capture/capture_sizing.h"
#include "config/ipv4.h"
#include "config/own_addresses.h"
#include "scanner/next_hop.h"
#include "capture/null_source.h"
#include "scanner/packet_ring_sink.h"
#include "scanner/pcap_file_sink.h"
#include "scanner/raw_socket_sink.h"
#include "common/setup_error.h"

namespace portauth::engine {
namespace {

// The ring sends every frame to one MAC, so every target must sit behind the same next hop.
// Checked at both ends of the target set; a single target on the local link is its own hop.
scanner::NextHop ring_next_hop(const config::ScanPlan& plan, const std::string& interface) {
  if (plan.targets.count_v4() < plan.targets.count())
    throw common::SetupError("--send-mode ring sends IPv4 frames only; scan IPv6 targets with --send-mode raw");
  const uint32_t first = plan.targets.ranges().front().first.v4();
  const uint32_t last = plan.targets.ranges().back().last.v4();
  const scanner::NextHop hop = scanner::resolve_next_hop(first, interface);
  if (first != last) {
    if (hop.on_link)
      throw common::SetupError("--send-mode ring: the targets are on the local link of " + hop.interface +
                                ", each with its own MAC, and the TX ring sends to one next hop; use "
                                "--send-mode raw (or scan them one at a time)");
    const scanner::NextHop other = scanner::resolve_next_hop(last, interface);
    if (other.address != hop.address)
      throw common::SetupError("--send-mode ring: " + config::format_ipv4(first) + " and " +
                                config::format_ipv4(last) + " leave through different next hops (" +
                                config::format_ipv4(hop.address) + ", " + config::format_ipv4(other.address) +
                                "); use --send-mode raw");
  }
  return hop;
}

// The first target of each family: IPv4 lives in ::ffff:0:0/96, so IPv6 targets may sort
// before it (::1) as well as after it.
std::optional<config::Address> first_of_family(const config::RangeSet& targets, bool v4) {
  for (const auto& r : targets.ranges()) {
    if (v4) {
      if (r.last < config::kFirstV4 || r.first > config::kLastV4) continue;
      return std::max(r.first, config::kFirstV4);
    }
    if (!r.first.is_v4()) return r.first;
    if (r.last > config::kLastV4) return config::Address{config::kLastV4.value + 1};
  }
  return std::nullopt;
}

}  // namespace

scanner::RouteChoice scan_route(const config::ScanPlan& plan) {
  // One route per family the targets hold, towards its first target.
  const auto first_v4 = first_of_family(plan.targets, true);
  const auto first_v6 = first_of_family(plan.targets, false);
  scanner::RouteChoice route;
  try {
    if (first_v4) route = scanner::choose_route(*first_v4, plan.interface, plan.source_v4);
    if (first_v6) {
      const auto r6 = scanner::choose_route(*first_v6, route.interface.empty() ? plan.interface : route.interface,
                                            plan.source_v6);
      if (!route.interface.empty() && r6.interface != route.interface)
        throw common::SetupError("the IPv4 targets are reached through " + route.interface + " and the IPv6 ones through " +
                                 r6.interface + "; a scan captures on one interface: scan each family on its own");
      route.interface = r6.interface;
      route.source_v6 = r6.source_v6;
      route.own_addresses = route.own_addresses || r6.own_addresses;
    }
    // One scan captures on one interface: our own addresses (over loopback) and others cannot
    // share it (config/own_addresses.h leaves them out of a command's plan, with a warning).
    const config::RangeSet own = config::own_addresses_among(plan.targets, scanner::local_addresses());
    if (!own.empty() && own.count() != plan.targets.count())
      throw common::SetupError(config::format_address(own.ranges().front().first) +
                               " is this machine's own address, which a scan reaches over loopback, not with the "
                               "other targets: scan it on its own");
  } catch (const common::SetupError&) {
    if (!plan.offline()) throw;
    // Nothing leaves: no route needed.
    route.interface = "none";
    route.source_v4 = first_v4 ? plan.source_v4.value_or(config::Address::v4(0)) : config::Address{};
    route.source_v6 = first_v6 ? plan.source_v6.value_or(config::Address{}) : config::Address{};
  }
  return route;
}

int capture_buffer_bytes(const config::ScanPlan& plan) {
  if (plan.pcap_buffer_bytes > 0) return plan.pcap_buffer_bytes;
  // One first answer per probe of this shard. Retry passes only re-probe the unanswered, and
  // retransmitted SYN-ACKs come a second or more later: the ring has drained by then.
  const uint64_t max_replies = plan.probe_count() / plan.shard_count;
  return capture::size_capture(plan.rate, plan.wait_seconds, max_replies).buffer_bytes;
}

Wire open_wire(const config::ScanPlan& plan, const scanner::RouteChoice& route, const std::string& capture_filter) {
  Wire w;
  if (plan.offline()) {
    w.source = std::make_unique<capture::NullSource>();
    if (plan.dry_run) w.sink = std::make_unique<scanner::NullSink>();
    else w.sink = std::make_unique<scanner::PcapFileSink>(plan.pcap_out);
    return w;
  }
  capture::LiveOptions lo;
  lo.interface = route.interface;
  lo.filter = capture_filter;
  lo.buffer_bytes = capture_buffer_bytes(plan);
  lo.immediate = capture::size_capture(plan.rate, plan.wait_seconds).immediate;
  // The closed loop times answers and judges them per window of a few round trips: a reply
  // held 10 ms in an unfilled TPACKET_V3 block would make every window's count lumpy. 2 ms
  // blocks keep the delay small; at high rates blocks fill before the timeout anyway.
  if (!plan.fixed_rate && !lo.immediate) lo.timeout_ms = 2;
  w.source = capture::open_live(lo);
  if (plan.send_mode == config::SendMode::kRing) {
    const auto hop = ring_next_hop(plan, route.interface);
    w.sink = std::make_unique<scanner::PacketRingSink>(route.interface, scanner::interface_mac(route.interface),
                                                       hop.mac);
  } else {
    const uint64_t v4 = plan.targets.count_v4();
    // Our own addresses: a socket bound to no interface, so the kernel delivers them as local.
    w.sink = std::make_unique<scanner::RawSocketSink>(route.own_addresses ? "" : route.interface, v4 > 0,
                                                      v4 < plan.targets.count());
  }
  return w;
}

}  // namespace portauth::engine
