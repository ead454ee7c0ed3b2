#include "report/status_lines.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "common/strformat.h"
#include "config/address.h"
#include "config/port_spec.h"

namespace portauth::report {
namespace {

using common::strformat;

std::string target_list(const config::ScanPlan& plan) {
  std::string targets;
  for (const auto& r : plan.targets.ranges()) {
    if (targets.size() > 200) return targets + ", ...";
    targets += (targets.empty() ? "" : ", ") + config::format_address(r.first) +
               (r.last != r.first ? "-" + config::format_address(r.last) : "");
  }
  return targets;
}

}  // namespace

std::string output_list(const config::ScanPlan& plan) {
  std::string outputs;
  for (const auto& out : plan.outputs)
    outputs += (outputs.empty() ? "" : ", ") + std::string(config::output_format_name(out.format)) + " to " +
               (out.path.empty() || out.path == "-" ? "stdout" : out.path);
  return outputs;
}

std::vector<std::string> plan_lines(const config::ScanPlan& plan, int verbosity, const std::string& where,
                                    const std::string& port_set) {
  std::vector<std::string> lines;
  for (const auto& w : plan.warnings) lines.push_back("warning: " + where + w);
  for (const auto& n : plan.notices) lines.push_back("note: " + where + n);
  if (verbosity < 1) return lines;
  const std::string ports = port_set.empty() ? config::format_port_spec(plan.ports, plan.udp_ports) : port_set;
  const std::string rate = std::isinf(plan.rate) ? "max" : std::to_string(uint64_t(plan.rate));
  const std::string floor = plan.min_rate > 0 ? " (floor " + std::to_string(uint64_t(plan.min_rate)) + ")" : "";
  lines.push_back(strformat("%splan: %" PRIu64 " address(es) x %zu port(s) = %" PRIu64
                         " probes; rate %s pps%s, %u retries, %g s wait; ports %s",
                         where.c_str(), plan.targets.count(), size_t(plan.port_count()), plan.probe_count(), rate.c_str(),
                         floor.c_str(), plan.retries, plan.wait_seconds, ports.c_str()));
  if (verbosity < 2) return lines;
  const std::string source_ports =
      plan.source_port_first ? std::to_string(*plan.source_port_first) + "+" + std::to_string(plan.source_port_count)
                             : "random";
  const std::string offline =
      plan.dry_run ? " (dry run)" : (plan.pcap_out.empty() ? "" : " (to " + plan.pcap_out + ")");
  lines.push_back(strformat("%splan details: targets %s; seed %" PRIu64
                         ", shard %u/%u; source ports %s; send mode %s%s; outputs: %s",
                         where.c_str(), target_list(plan).c_str(), plan.seed, plan.shard_index + 1, plan.shard_count,
                         source_ports.c_str(), config::send_mode_name(plan.send_mode),
                         offline.c_str(), output_list(plan).c_str()));
  return lines;
}

std::vector<std::string> run_lines(const output::ScanSummary& s, const config::ScanPlan& plan,
                                   const std::string& port_set) {
  std::vector<std::string> lines;
  lines.push_back(strformat("%" PRIu64 " packets sent from %s on %s in %u pass%s; replies: %" PRIu64
                         " accepted, %" PRIu64 " duplicate, %" PRIu64 " rejected; pcap: %" PRIu64 " received, %" PRIu64
                         " dropped",
                         s.packets_sent, s.source_ip.c_str(), s.interface.c_str(), s.passes,
                         s.passes == 1 ? "" : "es", s.replies_accepted,
                         s.duplicates, s.replies_rejected, s.pcap_received, s.pcap_dropped));
  if (!s.send_path.empty()) lines.push_back("send path: " + s.send_path + ": " + s.send_path_reason);
  if (!port_set.empty()) lines.push_back("ports: " + port_set);
  if (!plan.pcap_out.empty())
    lines.push_back(strformat("probes written to %s: %" PRIu64 " probe%s generated at %.0f pps (send time %.3f s); nothing "
                           "was sent",
                           plan.pcap_out.c_str(), s.packets_sent, s.packets_sent == 1 ? "" : "s", s.pps,
                           s.pps > 0 ? double(s.packets_sent) / s.pps : 0.0));
  return lines;
}

std::string shieldsup_run_line(const output::ScanSummary& s) {
  return strformat("%" PRIu64 " SYNs and %" PRIu64 " pings sent from %s on %s in %u pass%s; from the host: %" PRIu64
                " packet%s besides %" PRIu64 " echo repl%s",
                s.packets_sent, s.echo_requests, s.source_ip.c_str(), s.interface.c_str(), s.passes,
                s.passes == 1 ? "" : "es", s.frames_from_targets, s.frames_from_targets == 1 ? "" : "s",
                s.echo_replies, s.echo_replies == 1 ? "y" : "ies");
}

}  // namespace portauth::report
