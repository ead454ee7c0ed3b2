// The lines that sum a scan up (declared in output/report.h): what was found and how fast, what
// was sent, what the rate controller did and why, and the warning when retries were still
// finding answers. Words an nmap user reads: ports a second over the whole scan, SYNs a
// second while sending, and the rate the controller allowed.
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "common/strformat.h"
#include "config/address.h"
#include "output/report.h"

namespace portauth::output {
namespace {

using common::strformat;

// Grouped; with one decimal under 10 (2 ports in 4 s is 0.5 a second, not 0).
std::string per_second(double rate) {
  if (rate > 0 && rate < 9.95) return strformat("%.1f", rate);
  return grouped(uint64_t(std::llround(std::max(rate, 0.0))));
}

}  // namespace

std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string summary_line(const ScanSummary& s) {
  // Ports a second over the whole scan, waits included: what a user plans with.
  const double ports_per_second = s.seconds > 0 ? double(s.probed) / s.seconds : 0;
  if (s.udp)  // UDP's silent ports are open|filtered, counted apart from TCP's stealth
    return strformat("%" PRIu64 " open, %" PRIu64 " closed, %" PRIu64 " stealth, %" PRIu64 " open|filtered of %" PRIu64
                  " ports probed in %.2f s (%s ports/s)",
                  s.open, s.closed, s.stealth, s.open_filtered, s.probed, s.seconds,
                  per_second(ports_per_second).c_str());
  return strformat("%" PRIu64 " open, %" PRIu64 " closed, %" PRIu64 " stealth of %" PRIu64
                " ports probed in %.2f s (%s ports/s)",
                s.open, s.closed, s.stealth, s.probed, s.seconds, per_second(ports_per_second).c_str());
}

namespace {

// "88 s", "2.5 s", "0.2 s": whole seconds once they matter.
std::string seconds_text(double s) { return strformat(s >= 10 ? "%.0f s" : "%.1f s", s); }

}  // namespace

std::vector<std::string> icmp_limit_lines(const ScanSummary& s, size_t max_hosts) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < s.icmp_limited.size() && i < max_hosts; ++i) {
    const auto& h = s.icmp_limited[i];
    const std::string host = config::format_address(h.addr);
    if (s.waited_unreachable && h.period_s > 0) {
      lines.push_back(strformat("%s limits its ICMP errors to one every %.2f s after a burst of %u: --wait-unreachable "
                             "classified %" PRIu64 " more UDP ports; %" PRIu64 " are silent (open|filtered)",
                             host.c_str(), h.period_s, h.icmp_before, h.classified, h.unclassified));
    } else if (h.period_s > 0) {
      lines.push_back(strformat("%s limits its ICMP errors: %u came at once, then one every %.2f s; %" PRIu64
                             " UDP ports are open|filtered: telling them apart would take up to %s (--wait-unreachable)",
                             host.c_str(), h.icmp_before, h.period_s, h.unclassified,
                             seconds_text(double(h.unclassified) * h.period_s).c_str()));
    } else {
      lines.push_back(strformat("%s limits its ICMP errors: %u came at once, then none for %.2f s (at most one every "
                             "%.2f s); %" PRIu64 " UDP ports are open|filtered: telling them apart would take at "
                             "least %s (--wait-unreachable)",
                             host.c_str(), h.icmp_before, h.bound_s, h.bound_s, h.unclassified,
                             seconds_text(double(h.unclassified) * h.bound_s).c_str()));
    }
  }
  if (s.icmp_limited.size() > max_hosts)
    lines.push_back("and " + std::to_string(s.icmp_limited.size() - max_hosts) +
                    " more hosts that limit their ICMP errors");
  return lines;
}

std::string service_summary_line(const ScanSummary& s) {
  if (!s.service_scan) return "";
  const std::string not_tried =
      s.services_not_tried ? "; " + grouped(s.services_not_tried) + " open port" + (s.services_not_tried == 1 ? "" : "s") +
                                 " of hosts that answer on every port not tried (the host answering, not services)"
                           : "";
  return strformat("services: %" PRIu64 " identified, %" PRIu64 " unrecognised, %" PRIu64 " silent, %" PRIu64
                   " tcpwrapped%s; %" PRIu64 " connections; %.2f s after the SYN scan%s",
                s.services_identified, s.services_unrecognised, s.services_silent, s.services_tcpwrapped,
                s.services_unfinished ? (", " + std::to_string(s.services_unfinished) + " unfinished").c_str() : "",
                s.service_connections, s.service_extra_seconds, not_tried.c_str());
}

std::string send_line(const ScanSummary& s) {
  const std::string runs = s.earlier_runs > 0 ? strformat(" over %u runs (this one: ", s.earlier_runs + 1) : " (";
  return strformat("sent: %s %s%s%u pass%s, %s a second while sending; the waits for late replies not counted)",
                grouped(s.packets_sent).c_str(), s.udp ? "probes" : "SYNs", runs.c_str(), s.passes, s.passes == 1 ? "" : "es",
                per_second(s.pps).c_str());
}

std::string resume_line(const ScanSummary& s) {
  if (s.interrupted)
    return strformat("interrupted: %" PRIu64 " ports not probed yet, and %" PRIu64
                  " probed without an answer so far: they are retried and reported when the scan finishes%s%s",
                  s.not_sent, s.unanswered, s.resume_file.empty() ? "" : "; resume with: portauth scan --resume ",
                  s.resume_file.c_str());
  if (s.earlier_runs > 0)
    return strformat("resumed: the counts above are the whole scan's; the %u interrupted run%s before this one found "
                  "%" PRIu64 " of the answers",
                  s.earlier_runs, s.earlier_runs == 1 ? "" : "s", s.earlier_answers);
  return "";
}

std::string rate_summary_line(const ScanSummary& s) {
  if (!s.adaptive) return "";
  std::string line = "rate: the controller allowed " + per_second(s.rate_min) +
                     (s.rate_max > s.rate_min ? " to " + per_second(s.rate_max) : "") + " SYNs a second";
  if (s.rate_backoffs > 0) {
    line += strformat(" and ended at %s, %s (it backed off %" PRIu64 " time%s)", per_second(s.rate_final).c_str(),
                   s.rate_held_by.c_str(), s.rate_backoffs, s.rate_backoffs == 1 ? "" : "s");
  } else if (s.rate_at_send_path || (s.rate_ceiling > 0 && s.rate_max >= s.rate_ceiling)) {
    // Nothing answered too slowly: the ceiling (--rate, or the most the controller ever
    // allows with --rate max) was the only brake, and below it this machine's own speed.
    line += s.rate_ceiling_is_max ? "; nothing held it back, so the SYNs went out as fast as this machine sent them"
                                  : "; nothing held it back below the --rate ceiling";
  } else {
    line += "; nothing held it back (it was still ramping up when sending ended)";
  }
  if (s.rtt_p50_ms >= 0)
    line += strformat("; round trip %.2g ms median, %.2g ms 99th percentile", s.rtt_p50_ms, s.rtt_p99_ms);
  if (s.extra_passes > 0)
    line += strformat("; %u more retry pass%s than --retries asked, because retries kept finding answers", s.extra_passes,
                   s.extra_passes == 1 ? "" : "es");
  return line;
}

std::string retries_warning(const ScanSummary& s) {
  if (s.last_retry_answers == 0) return "";
  // Answers lost to a limit come back at a lower rate; answers lost to a bad link, with more
  // passes. Half the rate the scan ended at is a start for the first.
  const double ended_at = s.adaptive ? s.rate_final : s.pps;
  const std::string rate = ended_at >= 2 ? " (e.g. --rate " + std::to_string(uint64_t(ended_at / 2)) + ")" : "";
  return strformat("the last retry pass (pass %u) still found %" PRIu64 " answer%s, so up to %" PRIu64
                " of the ports reported stealth may be open or closed; to get them right, scan again with a lower "
                "--rate%s or more retries (--retries %u)",
                s.passes, s.last_retry_answers, s.last_retry_answers == 1 ? "" : "s", s.stealth, rate.c_str(),
                s.passes + 2);
}

}  // namespace portauth::output
