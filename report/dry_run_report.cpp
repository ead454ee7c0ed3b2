#include "report/dry_run_report.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "common/strformat.h"
#include "config/port_spec.h"
#include "report/status_lines.h"

namespace portauth::report {
namespace {

using common::strformat;

std::string plural(uint64_t n, const char* one, const char* many) {
  return output::grouped(n) + " " + (n == 1 ? one : many);
}

std::string per_second(double rate) { return output::grouped(uint64_t(std::llround(rate))); }

std::string seconds_text(double s) {
  if (s < 0.01) return "under 0.01 s";
  if (s < 100) return strformat("%.2f s", s);
  if (s < 7200) return strformat("%.0f s (%.0f min)", s, s / 60);
  return strformat("%.0f s (%.1f h)", s, s / 3600);
}

std::string rate_text(const output::ScanSummary& s, const config::ScanPlan& plan) {
  const std::string ceiling = s.rate_ceiling_is_max ? per_second(s.rate_ceiling) + " (--rate max)"
                                                    : "the --rate ceiling of " + per_second(s.rate_ceiling);
  if (plan.fixed_rate)
    return std::isfinite(plan.rate) ? "exactly " + per_second(plan.rate) + " SYNs a second (--fixed-rate)"
                                    : "as fast as this machine sends them (--fixed-rate --rate max)";
  std::string floor = plan.min_rate > 0 ? ", never under --min-rate " + per_second(plan.min_rate) : "";
  if (s.rate_initial >= s.rate_ceiling) return per_second(s.rate_ceiling) + " SYNs a second at most (--rate)" + floor +
                                               "; slower for hosts whose answers fall behind";
  return "from " + per_second(s.rate_initial) + " SYNs a second, doubling while the answers keep up, up to " + ceiling +
         floor + "; slower for hosts whose answers fall behind";
}

std::string time_text(const output::ScanSummary& s, const config::ScanPlan& plan) {
  std::string sending;
  if (plan.fixed_rate && !std::isfinite(plan.rate))
    sending = "as long as this machine takes to send them (it built them in " +
              seconds_text(s.pps > 0 ? double(s.packets_sent) / s.pps : 0.0) + ")";
  else
    sending = (s.estimated_send_seconds < 0.01 ? "" : "about ") + seconds_text(s.estimated_send_seconds) +
              " of sending" + (plan.fixed_rate ? "" : " if nothing holds the rate back");
  const std::string waits = plan.fixed_rate
                                ? strformat("%g s of waiting for late replies after each pass", plan.wait_seconds)
                                : strformat("up to %g s of waiting for late replies after each pass (3 round trips, "
                                         "at least 0.05 s)",
                                         plan.wait_seconds);
  return sending + ", and " + waits;
}

}  // namespace

std::vector<std::string> dry_run_lines(const output::ScanSummary& s, const config::ScanPlan& plan,
                                       const std::string& port_set) {
  std::vector<std::string> lines;
  const std::string ports = port_set.empty() ? config::format_ports(plan.ports) : port_set;
  const std::string where = s.interface == "none"
                                ? " (no route to the targets from here: a real scan would stop before sending)"
                                : " from " + s.source_ip + " on " + s.interface;
  const std::string retries =
      plan.retries == 0 ? ""
      : plan.fixed_rate
          ? ", then " + plural(plan.retries, "retry pass", "retry passes") + " over the ports that do not answer"
          : ", then up to " + plural(plan.retries, "retry pass", "retry passes") +
                " over the ports that do not answer (more while retries keep finding answers)";
  lines.push_back("dry run: would send " + plural(s.probed, "SYN", "SYNs") + " (" +
                  plural(plan.targets.count() / plan.shard_count, "address", "addresses") + " x " +
                  plural(plan.ports.size(), "port", "ports") + (plan.shard_count > 1 ? ", this shard" : "") + ")" +
                  where + " in 1 pass" + retries + "; ports " + ports);
  lines.push_back("dry run: rate: " + rate_text(s, plan));
  lines.push_back("dry run: time: " + time_text(s, plan));
  lines.push_back("dry run: would write: " + output_list(plan) + " (nothing is written now)");
  lines.push_back(strformat("dry run: %" PRIu64 " probe%s generated at %.0f pps by this machine (in %.3f s); nothing "
                         "was sent",
                         s.packets_sent, s.packets_sent == 1 ? "" : "s", s.pps, s.pps > 0 ? double(s.packets_sent) / s.pps : 0.0));
  return lines;
}

}  // namespace portauth::report
