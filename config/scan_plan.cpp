#include "config/scan_plan.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <sstream>

#include "config/excludes.h"
#include "config/ipv4.h"
#include "config/port_spec.h"
#include "config/presets.h"
#include "config/spec_error.h"
#include "config/target_spec.h"

namespace portauth::config {
namespace {

double parse_rate(const std::string& text) {
  if (text == "max") return std::numeric_limits<double>::infinity();  // the sink is the only brake
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value))
    throw SpecError("bad --rate '" + text + "': not a number of packets per second (or 'max')");
  if (value < 1 || value > 100e6)
    throw SpecError("bad --rate '" + text + "': must be between 1 and 100000000 packets per second");
  return value;
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// "2^64" for an exact power of two above 2^32 (2^128 for ::/0, whose count saturates), else
// the decimal count, or "more than 2^64" beyond what a uint64_t holds.
std::string count_text(Uint128 n) {
  if (n == ~Uint128{0}) return "2^128";
  for (int b = 33; b < 128; ++b)
    if (n == Uint128{1} << b) return "2^" + std::to_string(b);
  if (n >> 64) return "more than 2^64";
  return std::to_string(uint64_t(n));
}

// --source-ip: one address, or one of each family ("198.18.0.1,2001:2::1") for a mixed scan.
void parse_source_ips(const std::string& text, ScanPlan& plan) {
  if (text.empty()) return;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::string why;
    const auto ip = parse_address(item, &why);
    if (!ip) throw SpecError("bad --source-ip '" + text + "': " + why);
    auto& slot = ip->is_v4() ? plan.source_v4 : plan.source_v6;
    if (slot) throw SpecError("bad --source-ip '" + text + "': give at most one address of each family");
    slot = *ip;
  }
}

void parse_source_port(const std::string& text, ScanPlan& plan) {
  const auto ports = parse_ports(text);
  if (text.find(',') != std::string::npos)
    throw SpecError("bad --source-port '" + text + "': give one port or one range A-B");
  if (ports.front() == 0) throw SpecError("bad --source-port '" + text + "': port 0 cannot be a source port");
  plan.source_port_first = ports.front();
  plan.source_port_count = uint16_t(std::min<size_t>(ports.size(), 65535));
}

}  // namespace

OutputFormat parse_output_format(const std::string& name) {
  if (const auto format = output::find_format(name)) return *format;
  throw SpecError("bad output format '" + name + "': use " + output::format_names());
}

const char* output_format_name(OutputFormat format) { return output::format_info(format).name.data(); }

const char* send_mode_name(SendMode m) {
  switch (m) {
    case SendMode::kAuto: return "auto";
    case SendMode::kRaw: return "raw";
    case SendMode::kRing: return "ring";
    case SendMode::kXdp: return "xdp";
  }
  return "?";
}

std::vector<OutputSpec> resolve_outputs(const ScanOptions& o, bool report_on_stdout_too) {
  std::vector<OutputSpec> outputs;
  bool stdout_taken = false;
  for (const auto& [format, path] : o.extra_outputs) {
    if (path.empty()) throw SpecError("output of format " + format + " needs a file name");
    outputs.push_back({parse_output_format(format), path});
    stdout_taken = stdout_taken || path == "-";
  }
  // -o/--format make one more output; with none of -o/-oX/..., results go to stdout (and, for
  // a scan, to stdout as well as to the -oX/-oA/... files: issue 19.11).
  if (!o.output_path.empty() || outputs.empty() || (report_on_stdout_too && !stdout_taken))
    outputs.push_back({parse_output_format(o.format), o.output_path});
  int to_stdout = 0;
  for (const auto& out : outputs) {
    to_stdout += out.path.empty() || out.path == "-";
    for (const auto& other : outputs)
      if (&other != &out && !out.path.empty() && out.path != "-" && other.path == out.path)
        throw SpecError("two outputs write to the same file '" + out.path + "'");
  }
  if (to_stdout > 1) throw SpecError("only one output can go to standard output");
  return outputs;
}

unsigned parse_show(const std::string& text) {
  unsigned mask = 0;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item == "open") mask |= kShowOpen;
    else if (item == "closed") mask |= kShowClosed;
    else if (item == "stealth") mask |= kShowStealth;
    else if (item == "all") mask |= kShowAll;
    else if (item == "canaries") mask |= kShowCanaries;
    else throw SpecError("bad --show '" + text + "': '" + item + "' is not one of open, closed, stealth, all, canaries");
  }
  if ((mask & kShowAll) == 0) throw SpecError("bad --show '" + text + "': give open, closed, stealth or all");
  return mask;
}

RangeSet resolve_targets(const std::vector<AddressRange>& named, const RangeSet& user_excludes,
                         const RangeSet& allow, std::vector<std::string>& notes) {
  const auto& specials = special_ranges();
  std::vector<RangeSet> skipped(specials.size());  // per block, what it took away
  RangeSet left;
  for (const AddressRange& r : named) {
    RangeSet kept({r});
    for (size_t i = 0; i < specials.size(); ++i) {
      const AddressRange& block = specials[i].range;
      if (block.last < r.first || block.first > r.last) continue;  // no overlap: the common case
      const bool wider = r.first <= block.first && block.last <= r.last && r.size() > block.size();
      if (!specials[i].never && !wider) continue;  // named inside (or across) a block: as asked
      RangeSet hit = kept.intersect(RangeSet({block}));
      if (!specials[i].never) hit.subtract(allow);
      if (hit.empty()) continue;
      kept.subtract(hit);
      skipped[i].add(hit);
    }
    left.add(kept);
  }
  uint64_t total = 0;
  bool reserved = false;
  std::string items;
  for (size_t i = 0; i < specials.size(); ++i) {
    if (skipped[i].empty()) continue;
    total += skipped[i].count();
    reserved = reserved || !specials[i].never;
    items += (items.empty() ? "" : ", ") + specials[i].cidr + " (" + specials[i].what +
             (specials[i].never ? "; never scanned)" : ")");
  }
  std::string line;
  if (total > 0) {
    line = "skipped " + std::to_string(total) + " target address(es) in " + items;
    if (reserved) line += "; to scan a reserved block, name it as a target or pass --allow BLOCK";
    notes.push_back(line);
  }
  const uint64_t user_removed = left.subtract(user_excludes);
  if (left.empty()) {
    std::string msg = named.empty() ? "no targets given" : "no targets left to scan";
    if (!line.empty()) msg += "\n  " + line;
    if (user_removed) msg += "\n  " + std::to_string(user_removed) + " removed by --exclude";
    throw SpecError(msg);
  }
  return left;
}

namespace {

// The ports of each protocol. -p, --preset and --top-ports add up ("--preset common -p 8080"
// scans 27 ports). nmap's rules: TCP is scanned unless -sU alone is given; plain ports (and
// presets, and top or default sets) go to every protocol asked for; a T: or U: item is a port
// of that protocol, and asks for it.
void resolve_ports(const ScanOptions& o, ScanPlan& plan) {
  const bool tcp = o.syn_scan || !o.udp_scan;
  const bool udp = o.udp_scan;
  PortSpecParts given;
  if (!o.ports.empty()) given = parse_port_spec(o.ports);
  std::vector<uint16_t> plain = given.plain;
  if (!o.preset.empty()) {
    const auto p = preset_ports(o.preset);
    plain.insert(plain.end(), p.begin(), p.end());
  }
  auto build = [&](bool asked, const std::vector<uint16_t>& top, const std::vector<uint16_t>& prefixed) {
    std::vector<uint16_t> ports = prefixed;
    if (asked) {
      ports.insert(ports.end(), top.begin(), top.end());
      ports.insert(ports.end(), plain.begin(), plain.end());
    }
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    return ports;
  };
  plan.ports = build(tcp, o.top_ports, given.tcp);
  plan.udp_ports = build(udp, o.udp_top_ports, given.udp);
  if (udp && plan.udp_ports.empty())
    throw SpecError("-sU asks for a UDP scan, but -p '" + o.ports + "' names no UDP port (add U:PORTS, or plain ports)");
  if (o.syn_scan && plan.ports.empty())
    throw SpecError("-sS asks for a TCP scan, but -p '" + o.ports + "' names no TCP port (add T:PORTS, or plain ports)");
  if (plan.ports.empty() && plan.udp_ports.empty()) throw SpecError("no ports to scan");
}

}  // namespace

void parse_shard(const ScanOptions& o, ScanPlan& plan) {
  if (o.shard.empty()) return;
  unsigned i = 0, n = 0;
  char extra = 0;
  if (std::sscanf(o.shard.c_str(), "%u/%u%c", &i, &n, &extra) != 2 || n == 0 || i == 0 || i > n || n > 65536)
    throw SpecError("bad --shard '" + o.shard + "': give i/n with 1 <= i <= n, e.g. 1/4");
  if (!o.seed)
    throw SpecError("--shard needs --seed: every shard must use the same seed, or the slices overlap");
  plan.shard_index = i - 1;
  plan.shard_count = n;
}

ScanPlan build_scan_plan(const ScanOptions& o, const Resolver& resolve) {
  ScanPlan plan;
  if (o.service_scan && o.no_service_scan)
    throw SpecError("-sV (--service-scan) and --no-service-scan contradict each other: give one");
  if (o.targets.empty() && o.target_files.empty())
    throw SpecError("no targets given (e.g. portauth scan 198.18.0.2 -p 1-1024)");
  if (o.ports.empty() && o.preset.empty() && o.top_ports.empty() && o.udp_top_ports.empty())
    throw SpecError("no ports given: use -p (e.g. -p 22,80,443 or -p 0-65535), --preset or --top-ports");
  std::string zone;  // of a link-local IPv6 target (fe80::1%eth0): the interface it is on
  std::vector<AddressRange> requested = parse_target_ranges(o.targets, resolve, &zone);
  for (const auto& file : o.target_files) {
    const auto ranges = read_target_ranges(file, resolve, &zone);
    // An empty list is nearly always a step before that failed (a grep that matched nothing):
    // say so, rather than scan only the other targets or report "no targets given".
    if (ranges.empty())
      throw SpecError((file == "-" ? std::string("standard input (-iL -)") : "target file '" + file + "'") +
                      " lists no targets (only blank lines and comments); add targets to it, or leave it out");
    requested.insert(requested.end(), ranges.begin(), ranges.end());
  }
  resolve_ports(o, plan);
  RangeSet excludes = o.excludes.empty() ? RangeSet() : parse_target_list(o.excludes, resolve);
  for (const auto& file : o.exclude_files) excludes.add(read_target_file(file, resolve));
  RangeSet allow = o.allow.empty() ? RangeSet() : parse_targets(o.allow);
  plan.targets = resolve_targets(requested, excludes, allow, plan.notices);

  plan.rate = parse_rate(o.rate);
  if (!(o.min_rate >= 0 && o.min_rate <= 100e6))
    throw SpecError("bad --min-rate: must be 0-100000000 packets per second");
  if (o.min_rate > plan.rate)
    throw SpecError("--min-rate " + format_number(o.min_rate) + " is above the rate ceiling (--rate/--max-rate " +
                    o.rate + ")");
  plan.min_rate = o.min_rate;
  plan.fixed_rate = o.fixed_rate;
  if (o.fixed_rate && o.min_rate > 0)
    throw SpecError("--fixed-rate and --min-rate exclude each other: a fixed rate is --rate itself");
  if (o.send_mode == "auto") plan.send_mode = SendMode::kAuto;
  else if (o.send_mode == "raw") plan.send_mode = SendMode::kRaw;
  else if (o.send_mode == "ring") plan.send_mode = SendMode::kRing;
  else if (o.send_mode == "xdp") plan.send_mode = SendMode::kXdp;
  else
    throw SpecError("bad --send-mode '" + o.send_mode +
                    "': use auto (the default), raw (raw IP socket), ring (PACKET_MMAP TX ring) or xdp (AF_XDP)");
  if (o.dry_run && !o.pcap_out.empty()) throw SpecError("--dry-run and --pcap-out exclude each other");
  plan.dry_run = o.dry_run;
  plan.pcap_out = o.pcap_out;
  plan.pcap_buffer_bytes = int(std::min<uint64_t>(o.pcap_buffer, uint64_t{1} << 30));
  if (o.retries < 0 || o.retries > 20) throw SpecError("bad --retries " + std::to_string(o.retries) + ": must be 0-20");
  plan.retries = unsigned(o.retries);
  if (o.canaries < 0 || o.canaries > 3) throw SpecError("bad --canaries " + std::to_string(o.canaries) + ": must be 0-3");
  plan.canaries = unsigned(o.canaries);
  if (!(o.wait_seconds >= 0 && o.wait_seconds <= 600))
    throw SpecError("bad --wait: must be 0-600 seconds");
  plan.wait_seconds = o.wait_seconds;
  plan.wait_unreachable = o.wait_unreachable;
  if (o.wait_unreachable && plan.udp_ports.empty())
    throw SpecError("--wait-unreachable waits for the ICMP errors of closed UDP ports, but this scan has no UDP "
                    "port: add -sU");
  plan.interface = o.interface;
  if (!zone.empty()) {
    if (!plan.interface.empty() && plan.interface != zone)
      throw SpecError("the target's zone %" + zone + " and --interface " + plan.interface + " name different interfaces");
    plan.interface = zone;
  }
  parse_source_ips(o.source_ip, plan);
  if (!o.source_port.empty()) parse_source_port(o.source_port, plan);
  parse_shard(o, plan);
  // A random seed stays below 2^63, the largest --seed (and resume-file seed) the option table takes.
  plan.seed = o.seed ? *o.seed
                     : (std::random_device{}() * uint64_t{0x100000001} ^ std::random_device{}()) & (~uint64_t{0} >> 1);
  plan.show = parse_show(o.show);
  plan.outputs = resolve_outputs(o, /*report_on_stdout_too=*/true);

  if (plan.targets.count128() > kMaxAddresses)
    throw SpecError(count_text(plan.targets.count128()) + " addresses is more than any scan can track (2^32, even " +
                    "with --confirm-large and --shard); an IPv6 /64 or /48 cannot be swept: list the hosts you " +
                    "know in a target file (-iL FILE), or scan a small prefix (a /120 is 256 addresses)");
  if (plan.targets.count() > kLargeScanAddresses && !o.confirm_large)
    throw SpecError(std::to_string(plan.targets.count()) + " addresses is more than a /8 (16777216) or an IPv6 /104; " +
                    "if that is really meant, add --confirm-large");
  if ((plan.probe_count() + plan.shard_count - 1) / plan.shard_count > kMaxProbes)
    throw SpecError(std::to_string(plan.probe_count()) + " probes (" + std::to_string(plan.targets.count()) +
                    " addresses x " + std::to_string(plan.port_count()) +
                    " ports) is more than one run tracks (2^32 = 4294967296 per shard); split it with --shard");
  return plan;
}

}  // namespace portauth::config
