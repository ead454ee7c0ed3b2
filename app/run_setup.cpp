#include "app/run_setup.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "config/address.h"
#include "config/port_spec.h"
#include "app/privileges.h"

namespace portauth::app {

RunOptions run_options_for(const config::ScanOptions& o, const std::string& command_line) {
  RunOptions run;
  run.command_line = command_line;
  run.user = drop_target_user(o.user);
  run.resume_path = o.resume_file;
  return run;
}

void print_plan(const config::ScanPlan& plan, const config::ScanOptions& o, const std::string& where,
                const std::string& port_set) {
  for (const auto& w : plan.warnings) std::fprintf(stderr, "portauth: warning: %s%s\n", where.c_str(), w.c_str());
  for (const auto& n : plan.notices) std::fprintf(stderr, "portauth: note: %s%s\n", where.c_str(), n.c_str());
  const int level = o.verbose + 2 * o.debug;
  if (level < 1) return;
  const std::string ports = port_set.empty() ? config::format_ports(plan.ports) : port_set;
  std::fprintf(stderr,
               "portauth: %splan: %" PRIu64 " address(es) x %zu port(s) = %" PRIu64 " probes; rate %s pps%s, "
               "%u retries, %g s wait; ports %s\n",
               where.c_str(), plan.targets.count(), plan.ports.size(), plan.probe_count(),
               std::isinf(plan.rate) ? "max" : std::to_string(uint64_t(plan.rate)).c_str(),
               plan.min_rate > 0 ? (" (floor " + std::to_string(uint64_t(plan.min_rate)) + ")").c_str() : "",
               plan.retries, plan.wait_seconds, ports.c_str());
  if (level < 2) return;
  std::string targets;
  for (const auto& r : plan.targets.ranges()) {
    if (targets.size() > 200) {
      targets += ", ...";
      break;
    }
    targets += (targets.empty() ? "" : ", ") + config::format_address(r.first) +
               (r.last != r.first ? "-" + config::format_address(r.last) : "");
  }
  std::string outputs;
  for (const auto& out : plan.outputs)
    outputs += (outputs.empty() ? "" : ", ") + std::string(config::output_format_name(out.format)) + " to " +
               (out.path.empty() || out.path == "-" ? "stdout" : out.path);
  std::fprintf(stderr,
               "portauth: %splan details: targets %s; seed %" PRIu64 ", shard %u/%u; source ports %s; send mode %s%s; "
               "outputs: %s\n",
               where.c_str(), targets.c_str(), plan.seed, plan.shard_index + 1, plan.shard_count,
               plan.source_port_first ? (std::to_string(*plan.source_port_first) + "+" +
                                         std::to_string(plan.source_port_count))
                                            .c_str()
                                      : "random",
               plan.send_mode == config::SendMode::kRing ? "ring" : "raw",
               plan.dry_run ? " (dry run)" : (plan.pcap_out.empty() ? "" : (" (to " + plan.pcap_out + ")").c_str()),
               outputs.c_str());
}

void report_resume(const output::ScanSummary& summary, const config::ResumeState* resumed,
                   const std::string& resume_path) {
  if (!summary.resume_file.empty())
    std::fprintf(stderr, "portauth: interrupted; to finish the scan: portauth scan --resume %s\n",
                 summary.resume_file.c_str());
  else if (resumed && std::remove(resume_path.c_str()) == 0)
    std::fprintf(stderr, "portauth: resumed scan finished; removed %s\n", resume_path.c_str());
}

}  // namespace portauth::app
