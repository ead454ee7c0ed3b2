#include "engine/live_wire.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "capture/capture_sizing.h"
#include "capture/null_source.h"
#include "common/setup_error.h"
#include "config/ipv4.h"
#include "config/own_addresses.h"
#include "scanner/next_hop.h"
#include "probe/reply_bytes.h"
#include "scanner/packet_ring_sink.h"
#include "scanner/pcap_file_sink.h"
#include "scanner/raw_socket_sink.h"
#include "scanner/send_path.h"
#include "scanner/xdp_sink.h"

namespace portauth::engine {
namespace {

const config::RangeSet& all_v4() {
  static const config::RangeSet v4({{config::kFirstV4, config::kLastV4}});
  return v4;
}

// What the kernel says about the wire for this plan: the link type, and per family the one
// next hop (with its MAC) behind which every target sits, or why there is none.
struct WireFacts {
  scanner::PathFacts path;
  scanner::LinkInfo link;
  std::optional<scanner::NextHop> hop4, hop6;
};

WireFacts gather_facts(const config::ScanPlan& plan, const std::string& interface) {
  WireFacts f;
  f.path.interface = interface;
  f.link = scanner::link_info(interface);
  f.path.link_problem = f.link.problem;
  const config::RangeSet v4 = plan.targets.intersect(all_v4());
  config::RangeSet v6 = plan.targets;
  v6.subtract(all_v4());
  f.path.has_v4 = !v4.empty();
  f.path.has_v6 = !v6.empty();
  if (!f.link.ethernet) return f;  // no next hop would help
  auto hop_of = [&](const config::RangeSet& targets, std::optional<scanner::NextHop>& hop, std::string& problem,
                    std::string& text) {
    if (targets.empty()) return;
    scanner::HopAnswer a = scanner::shared_next_hop(targets, interface);
    if (!a.hop) {
      problem = a.why;
      return;
    }
    hop = a.hop;
    text = (a.hop->on_link ? "on-link " : "next hop ") + config::format_address(a.hop->address) + " (" +
           scanner::format_mac(a.hop->mac) + ")";
  };
  hop_of(v4, f.hop4, f.path.hop_problem_v4, f.path.hop_v4);
  hop_of(v6, f.hop6, f.path.hop_problem_v6, f.path.hop_v6);
  return f;
}

std::optional<scanner::PacketRingSink::Mac> mac_of(const std::optional<scanner::NextHop>& hop) {
  if (!hop) return std::nullopt;
  return hop->mac;
}

// The sink of a chosen link-layer path.
std::unique_ptr<scanner::PacketSink> open_link_sink(config::SendMode mode, const std::string& interface,
                                                    const WireFacts& f) {
  if (mode == config::SendMode::kXdp)
    return std::make_unique<scanner::XdpSink>(interface, f.link.mac, mac_of(f.hop4), mac_of(f.hop6));
  return std::make_unique<scanner::PacketRingSink>(interface, f.link.mac, mac_of(f.hop4), mac_of(f.hop6));
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

// The sink for the plan's --send-mode: auto takes the fastest path that serves the plan and
// falls back to raw (saying why) when it cannot, or when its socket cannot be opened.
// `raw_bind`: the interface a raw socket is bound to ("" for none).
static void open_send_path(const config::ScanPlan& plan, const std::string& interface, const std::string& raw_bind,
                           Wire& w) {
  const config::SendMode asked = plan.send_mode;
  if (asked == config::SendMode::kRaw) {
    const uint64_t v4 = plan.targets.count_v4();
    w.sink = std::make_unique<scanner::RawSocketSink>(raw_bind, v4 > 0, v4 < plan.targets.count());
    w.send_path = "raw";
    w.send_path_reason = "asked for (--send-mode raw)";
    return;
  }
  const WireFacts facts = gather_facts(plan, interface);
  const scanner::PathChoice choice = scanner::choose_path(asked, facts.path);  // throws for ring/xdp that cannot serve
  w.send_path = config::send_mode_name(choice.mode);
  w.send_path_reason = choice.reason;
  if (choice.mode != config::SendMode::kRaw && asked != config::SendMode::kAuto) {
    w.sink = open_link_sink(choice.mode, interface, facts);  // asked for: its failure says why
    return;
  }
  if (choice.mode != config::SendMode::kRaw) {
    // Auto: the link-layer paths fastest first; one that cannot be opened here (no AF_XDP in
    // this kernel or driver, a queue another scan holds) hands over to the next, then to raw.
    std::string failures;
    for (const config::SendMode mode : scanner::kAutoOrder) {
      try {
        w.sink = open_link_sink(mode, interface, facts);
        w.send_path = config::send_mode_name(mode);
        if (!failures.empty()) w.send_path_reason += " (" + failures + ")";
        return;
      } catch (const common::SetupError& e) {
        failures += (failures.empty() ? "" : "; ") + std::string(e.what());
      }
    }
    w.send_path = "raw";
    w.send_path_reason = "auto: " + failures;
  }
  const uint64_t v4 = plan.targets.count_v4();
  w.sink = std::make_unique<scanner::RawSocketSink>(raw_bind, v4 > 0, v4 < plan.targets.count());
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
  // For the before/after bench row only (bench/README.md, "Capture"): let the kernel hand
  // the capture socket our own outgoing frames again, as it did before PACKET_IGNORE_OUTGOING.
  if (const char* e = std::getenv("PORTAUTH_BENCH_CAPTURE_OUTGOING"); e && *e == '1') lo.ignore_outgoing = false;
  // A UDP service's answer is explained from its first bytes (probe/reply_bytes.h): capture
  // enough of them (the link, IPv6 and UDP headers and ReplyBytes::kKeep).
  if (plan.has_udp()) lo.snaplen = int(14 + 8 + 40 + 8 + probe::ReplyBytes::kKeep);
  w.source = capture::open_live(lo);
  // Our own addresses: the raw socket is bound to no interface, so the kernel delivers them as
  // local (over loopback, where the capture is).
  open_send_path(plan, route.interface, route.own_addresses ? "" : route.interface, w);
  return w;
}

}  // namespace portauth::engine
