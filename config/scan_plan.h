// ScanPlan: one validated description of a scan, built from raw option strings (ScanOptions:
// the command line, a config file or a resume file). Everything that can be wrong with the user's input is found
// here, before any socket is opened or any packet sent.
#pragma once
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "output/formats.h"
#include "config/range_set.h"
#include "config/scan_options.h"
#include "config/target_list.h"

namespace portauth::config {

// kShowCanaries: also report the canary ports added to the scan (verdict/canaries.h); "all"
// is the three states of the scan's own ports.
enum ShowMask : unsigned { kShowOpen = 1, kShowClosed = 2, kShowStealth = 4, kShowAll = 7, kShowCanaries = 8 };
// The formats and an output's spec are declared with the writers' registry (output/formats.h).
using OutputFormat = output::Format;
using OutputSpec = output::OutputSpec;

// "text", "jsonl", "xml", "grepable", "csv", "html" <-> OutputFormat. Throws SpecError.
OutputFormat parse_output_format(const std::string& name);
const char* output_format_name(OutputFormat format);

// How probes leave (scanner/raw_socket_sink.h, scanner/packet_ring_sink.h), or where they go
// instead of the wire: an offline run opens neither a socket nor a capture.
// --send-mode: kAuto picks at wire-open time (scanner/send_path.h), the others are asked for.
enum class SendMode { kAuto, kRaw, kRing, kXdp };
const char* send_mode_name(SendMode m);  // "auto", "raw", "ring", "xdp"

// A scan of more addresses than this needs confirm_large (a /8: a typo like /8 for /24
// should not start a 16-million-address scan).
inline constexpr uint64_t kLargeScanAddresses = uint64_t{1} << 24;
// No scan takes more addresses than this, confirmed or not (all of IPv4; an IPv6 /96): an
// IPv6 /64 is 2^64 addresses, which no probe table holds and no sender could walk.
inline constexpr uint64_t kMaxAddresses = uint64_t{1} << 32;

struct ScanPlan {
  RangeSet targets;             // after every exclude; never empty
  std::vector<uint16_t> ports;  // TCP ports: sorted, unique (empty only in a UDP-only scan)
  std::vector<uint16_t> udp_ports;  // UDP ports (-sU, U:): sorted, unique; ports and udp_ports are never both empty
  double rate = INFINITY;       // packets per second; infinity for --rate max (no pacing): the ceiling
  double min_rate = 0;          // --min-rate: the floor a rate controller may not go below (0: none)
  bool fixed_rate = false;      // --fixed-rate: send at `rate`, never adapt
  unsigned retries = 2;         // extra passes over unanswered probes
  // Canary ports per host (--canaries, 0-3) and where they are drawn from: the high ports the
  // port database names nothing on. The pool is the caller's (it has the database); empty:
  // no canaries (verdict/canaries.h).
  unsigned canaries = 3;
  std::vector<uint16_t> canary_pool;
  double wait_seconds = 1.0;    // after the last probe of a pass, for late replies
  bool wait_unreachable = false;  // UDP: wait for the ICMP of every closed port (at the host's ICMP rate)
  std::string interface;        // empty: chosen from the routing table
  std::optional<Address> source_v4;  // --source-ip, per family (empty: from the route)
  std::optional<Address> source_v6;
  std::optional<uint16_t> source_port_first;  // empty: chosen at random
  uint16_t source_port_count = 256;
  uint64_t seed = 0;
  uint32_t shard_index = 0;  // 0-based
  uint32_t shard_count = 1;
  unsigned show = kShowOpen;
  std::vector<OutputSpec> outputs;  // never empty; at most one writes to standard output
  std::vector<std::string> warnings;  // never-scanned addresses that were named, etc.
  std::vector<std::string> notices;   // reserved blocks skipped inside wider targets (one line)
  SendMode send_mode = SendMode::kAuto;
  bool dry_run = false;   // probes built and counted, sent nowhere
  std::string pcap_out;   // non-empty: probes written to this pcap file, not sent
  int pcap_buffer_bytes = 0;  // --pcap-buffer: the capture ring; 0 = sized from rate and wait

  bool offline() const { return dry_run || !pcap_out.empty(); }

  // Every (address, port) of both protocols: the probe space's size.
  uint64_t port_count() const { return ports.size() + udp_ports.size(); }
  uint64_t probe_count() const { return targets.count() * port_count(); }
  bool has_udp() const { return !udp_ports.empty(); }
  // The canaries a host actually gets: none offline (nothing answers them) and none without TCP
  // ports (a canary is a SYN; its evidence is SYN-ACKs). The probe space's prefix is made of
  // them (engine/scan_setup.h), so a resume file records this count.
  unsigned canaries_made() const { return offline() || ports.empty() ? 0 : canaries; }
};

// Largest shard this build keeps per-probe state for (1 bit a probe: 512 MiB): a one-port
// scan of all of IPv4 less the never-scan ranges fits one run.
inline constexpr uint64_t kMaxProbes = uint64_t{1} << 32;

// Validates and resolves. Throws SpecError with a message naming the bad value.
ScanPlan build_scan_plan(const ScanOptions& options, const Resolver& resolve = system_resolver);

// The target policy. Each named range (as the user wrote it: one spec, one file line, one
// host name's address) keeps what it names, except:
//  - the never-scan ranges (excludes.h: 0.0.0.0/8, multicast, 240.0.0.0/4, broadcast) are
//    removed from every target;
//  - a reserved or private block (excludes.h) is removed from a target that is WIDER than the
//    block (contains all of it and more), unless `allow` covers it. A target inside a block,
//    or equal to it, is scanned as asked.
// Then `user_excludes` are removed. Appends to `notes` one line naming what was skipped and
// how to include it (nothing when nothing was skipped). Throws SpecError when nothing is
// left, saying what removed the targets.
RangeSet resolve_targets(const std::vector<AddressRange>& named, const RangeSet& user_excludes,
                         const RangeSet& allow, std::vector<std::string>& notes);
inline RangeSet resolve_targets(const RangeSet& named, const RangeSet& user_excludes, const RangeSet& allow,
                                std::vector<std::string>& notes) {
  return resolve_targets(named.ranges(), user_excludes, allow, notes);
}

unsigned parse_show(const std::string& text);

// The outputs that -o/--format and the (format, path) list name: -o/--format make one more,
// and with none at all results go to standard output. With `report_on_stdout_too` (a scan),
// files named by -oX, -oA, ... do not take the report off standard output either: as nmap
// shows its normal output on the terminal whatever files it writes, standard output gets the
// --format report unless -o FILE ("instead of standard output") is given or an output is
// already there (-oN -). Throws SpecError for an unknown format, two outputs to one file, or
// two to standard output.
std::vector<OutputSpec> resolve_outputs(const ScanOptions& options, bool report_on_stdout_too = false);

}  // namespace portauth::config
