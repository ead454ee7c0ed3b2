#include "scan_plan.h"

#include <charconv>
#include <cmath>
#include <random>
#include <sstream>

#include "excludes.h"
#include "ipv4.h"
#include "port_spec.h"
#include "spec_error.h"
#include "target_spec.h"

namespace portauth::config {
namespace {

double parse_rate(const std::string& text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value))
    throw SpecError("bad --rate '" + text + "': not a number of packets per second");
  if (value < 1 || value > 100e6)
    throw SpecError("bad --rate '" + text + "': must be between 1 and 100000000 packets per second");
  return value;
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

unsigned parse_show(const std::string& text) {
  unsigned mask = 0;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item == "open") mask |= kShowOpen;
    else if (item == "closed") mask |= kShowClosed;
    else if (item == "stealth") mask |= kShowStealth;
    else if (item == "all") mask |= kShowAll;
    else throw SpecError("bad --show '" + text + "': '" + item + "' is not one of open, closed, stealth, all");
  }
  if (mask == 0) throw SpecError("bad --show '" + text + "': give open, closed, stealth or all");
  return mask;
}

RangeSet resolve_targets(const RangeSet& requested, const RangeSet& user_excludes,
                         const RangeSet& allow, std::vector<std::string>& warnings) {
  RangeSet left = requested;
  std::vector<std::string> blocked_by;  // for the error when nothing is left
  for (const auto& special : special_ranges()) {
    RangeSet hit = left.intersect(RangeSet({special.range}));
    if (hit.empty()) continue;
    if (!special.never) hit.subtract(allow);
    if (hit.empty()) continue;
    left.subtract(hit);
    std::string line = std::to_string(hit.count()) + " target address(es) in " + special.cidr + " (" +
                       special.what + ") skipped";
    if (special.never) {
      line += ": never scanned";
    } else {
      line += ": in the default exclude list; to scan them pass --allow " + special.cidr;
    }
    blocked_by.push_back(line);
    warnings.push_back(line);
  }
  const uint64_t user_removed = left.subtract(user_excludes);
  if (left.empty()) {
    std::string msg = "no targets left to scan";
    if (requested.empty()) msg = "no targets given";
    for (const auto& b : blocked_by) msg += "\n  " + b;
    if (user_removed) msg += "\n  " + std::to_string(user_removed) + " removed by --exclude";
    throw SpecError(msg);
  }
  return left;
}

ScanPlan build_scan_plan(const ScanOptions& o) {
  ScanPlan plan;
  if (o.targets.empty()) throw SpecError("no targets given (e.g. portauth scan 198.18.0.2 -p 1-1024)");
  if (o.ports.empty()) throw SpecError("no ports given: use -p, e.g. -p 22,80,443 or -p 0-65535");
  const RangeSet requested = parse_targets(o.targets);
  plan.ports = parse_ports(o.ports);
  RangeSet excludes = o.excludes.empty() ? RangeSet() : parse_targets(o.excludes);
  RangeSet allow = o.allow.empty() ? RangeSet() : parse_targets(o.allow);
  plan.targets = resolve_targets(requested, excludes, allow, plan.warnings);

  plan.rate = parse_rate(o.rate);
  if (o.retries < 0 || o.retries > 20) throw SpecError("bad --retries " + std::to_string(o.retries) + ": must be 0-20");
  plan.retries = unsigned(o.retries);
  if (!(o.wait_seconds >= 0 && o.wait_seconds <= 600))
    throw SpecError("bad --wait: must be 0-600 seconds");
  plan.wait_seconds = o.wait_seconds;
  plan.interface = o.interface;
  if (!o.source_ip.empty()) {
    std::string why;
    auto ip = parse_ipv4(o.source_ip, &why);
    if (!ip) throw SpecError("bad --source-ip '" + o.source_ip + "': " + why);
    plan.source_ip = *ip;
  }
  if (!o.source_port.empty()) parse_source_port(o.source_port, plan);
  plan.seed = o.seed ? *o.seed : std::random_device{}() * uint64_t{0x100000001} ^ std::random_device{}();
  plan.show = parse_show(o.show);
  if (o.format == "text") plan.format = OutputFormat::kText;
  else if (o.format == "jsonl") plan.format = OutputFormat::kJsonl;
  else throw SpecError("bad --format '" + o.format + "': must be text or jsonl");
  plan.output_path = o.output_path;

  if (plan.probe_count() > kMaxProbes)
    throw SpecError(std::to_string(plan.probe_count()) + " probes (" + std::to_string(plan.targets.count()) +
                    " addresses x " + std::to_string(plan.ports.size()) +
                    " ports) is more than this build tracks in one run (2^28 = 268435456); split the scan");
  return plan;
}

}  // namespace portauth::config
