// The TruStealth checks as a scan extension (engine/scan_extension.h): what it adds to
// a scan so that a ShieldsUP report can judge its three checks.
//
//   capture   the reply filter is widened with "src host TARGET" (capture::host_watch_filter),
//             and a capture::HostWatch sees every frame before the reply parser: frames from
//             a target (unsolicited-packet check) and echo replies to our id (ping check)
//   pings     one ICMP (or ICMPv6) echo request to each target at the start of every pass,
//             written by the echo probe module (probe/icmp_echo_probe.h: libnet's template,
//             patched per target, cookie in the sequence number) whose rule also judges the
//             replies the HostWatch sees; sent through a raw socket of its own, since the
//             scan's sink may be a TX ring with a single producer, the sender thread
//
// Offline plans (--dry-run, --pcap-out) send nothing, pings included; the summary then shows
// no echo request sent, and the ping check cannot pass.
//
// Use: construct, capture_filter() for the wire, open() (after the capture is open, before
// the sender starts), attach() to the capture loop, on_pass() from the main loop, fill() at
// the end. All calls but the HostWatch's are on the main thread.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "capture/capture_loop.h"
#include "capture/host_watch.h"
#include "probe/icmp_echo_probe.h"
#include "probe/probe_space.h"
#include "scanner/packet_sink.h"
#include "output/report.h"
#include "engine/scan_extension.h"
#include "scanner/route.h"
#include "config/scan_plan.h"

namespace portauth::engine {

// Pings go to every target address each pass, unthrottled, so the mode is for a few hosts;
// run_scan refuses more (std::invalid_argument).
inline constexpr uint64_t kMaxTrustealthTargets = 256;

class TrustealthWatch final : public ScanExtension {
 public:
  // `canary_ports`: the ports the scan added as canaries (their answers are ours, not unsolicited).
  TrustealthWatch(const config::ScanPlan& plan, const scanner::RouteChoice& route, uint16_t source_port_first,
                  uint16_t source_port_count, const std::vector<uint16_t>& canary_ports = {});
  ~TrustealthWatch() override;

  // The scan's reply filter, widened to the pings' replies and every frame from a target.
  std::string capture_filter(const std::string& reply_filter) const override;
  // Opens the ping socket (live plans only). Throws common::SetupError.
  void open() override;
  void attach(capture::CaptureLoop& loop) override { loop.set_host_watch(&watch_); }
  // Pings every target once for each new pass (call with the sender's current pass; pass 0
  // before any SYN leaves, so the reply has the whole scan to come back).
  void on_pass(unsigned pass) override;
  void fill(output::ScanSummary& summary) const override;

 private:
  void ping();

  const config::ScanPlan& plan_;
  scanner::RouteChoice route_;
  std::string interface_;
  uint16_t echo_id_;
  probe::ProbeSpace echo_space_;  // the targets, "port" 0
  probe::IcmpEchoProbe echo_;
  std::bitset<65536> canaries_;  // the scan's added canary ports (before watch_, which points at it)
  capture::HostWatch watch_;
  std::unique_ptr<scanner::PacketSink> socket_;
  int last_pass_ = -1;
  uint64_t echo_requests_ = 0;
};

}  // namespace portauth::engine
