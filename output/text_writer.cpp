#include "output/text_writer.h"

#include <algorithm>
#include <cinttypes>

#include "config/address.h"
#include "output/service_text.h"

namespace portauth::output {

std::string summary_line(const ScanSummary& s) {
  char buf[256];
  if (s.udp)
    std::snprintf(buf, sizeof buf, "%" PRIu64 " open, %" PRIu64 " closed, %" PRIu64 " stealth, %" PRIu64
                  " open|filtered of %" PRIu64 " probed in %.2f s (%.0f pps)",
                  s.open, s.closed, s.stealth, s.open_filtered, s.probed, s.seconds, s.pps);
  else
    std::snprintf(buf, sizeof buf, "%" PRIu64 " open, %" PRIu64 " closed, %" PRIu64 " stealth of %" PRIu64
                  " probed in %.2f s (%.0f pps)",
                  s.open, s.closed, s.stealth, s.probed, s.seconds, s.pps);
  return buf;
}

namespace {

// "88 s", "2.5 s", "0.2 s": whole seconds once they matter.
std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s >= 10 ? "%.0f s" : "%.1f s", s);
  return buf;
}

}  // namespace

std::vector<std::string> icmp_limit_lines(const ScanSummary& s, size_t max_hosts) {
  std::vector<std::string> lines;
  char buf[512];
  for (size_t i = 0; i < s.icmp_limited.size() && i < max_hosts; ++i) {
    const auto& h = s.icmp_limited[i];
    const std::string host = config::format_address(h.addr);
    if (s.waited_unreachable && h.period_s > 0) {
      std::snprintf(buf, sizeof buf,
                    "%s limits its ICMP errors to one every %.2f s after a burst of %u: --wait-unreachable "
                    "classified %" PRIu64 " more UDP ports; %" PRIu64 " are silent (open|filtered)",
                    host.c_str(), h.period_s, h.icmp_before, h.classified, h.unclassified);
    } else if (h.period_s > 0) {
      std::snprintf(buf, sizeof buf,
                    "%s limits its ICMP errors: %u came at once, then one every %.2f s; %" PRIu64
                    " UDP ports are open|filtered: telling them apart would take up to %s (--wait-unreachable)",
                    host.c_str(), h.icmp_before, h.period_s, h.unclassified,
                    seconds_text(double(h.unclassified) * h.period_s).c_str());
    } else {
      std::snprintf(buf, sizeof buf,
                    "%s limits its ICMP errors: %u came at once, then none for %.2f s (at most one every %.2f s); "
                    "%" PRIu64 " UDP ports are open|filtered: telling them apart would take at least %s "
                    "(--wait-unreachable)",
                    host.c_str(), h.icmp_before, h.bound_s, h.bound_s, h.unclassified,
                    seconds_text(double(h.unclassified) * h.bound_s).c_str());
    }
    lines.push_back(buf);
  }
  if (s.icmp_limited.size() > max_hosts)
    lines.push_back("and " + std::to_string(s.icmp_limited.size() - max_hosts) + " more hosts that limit their ICMP errors");
  return lines;
}

std::string service_summary_line(const ScanSummary& s) {
  if (!s.service_scan) return "";
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "services: %" PRIu64 " identified, %" PRIu64 " unrecognised, %" PRIu64 " silent, %" PRIu64
                " tcpwrapped%s; %" PRIu64 " connections; %.2f s after the SYN scan",
                s.services_identified, s.services_unrecognised, s.services_silent, s.services_tcpwrapped,
                s.services_unfinished ? (", " + std::to_string(s.services_unfinished) + " unfinished").c_str() : "",
                s.service_connections, s.service_extra_seconds);
  return buf;
}

std::string rate_summary_line(const ScanSummary& s) {
  if (!s.adaptive) return "";
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, "rate %.0f-%.0f pps, ended at %.0f", s.rate_min, s.rate_max, s.rate_final);
  auto add = [&](const char* fmt, auto... v) {
    if (n >= 0 && size_t(n) < sizeof buf) n += std::snprintf(buf + n, sizeof buf - size_t(n), fmt, v...);
  };
  if (s.rate_backoffs > 0)
    add("; backed off %" PRIu64 " time%s, last %s", s.rate_backoffs, s.rate_backoffs == 1 ? "" : "s",
        s.rate_held_by.c_str());
  if (s.rtt_p50_ms >= 0) add("; RTT p50 %.2g ms, p99 %.2g ms", s.rtt_p50_ms, s.rtt_p99_ms);
  if (s.extra_passes > 0)
    add("; %u extra retry pass%s (retries kept finding answers)", s.extra_passes, s.extra_passes == 1 ? "" : "es");
  return buf;
}

void TextWriter::result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) {
  rows_.push_back({r, &a, f.service, f.reply});
}

void TextWriter::finish(const ScanSummary& s) {
  std::sort(rows_.begin(), rows_.end(), [](const Row& x, const Row& y) {
    // nmap's order within a host: TCP ports, then UDP ports.
    if (x.r.addr != y.r.addr) return x.r.addr < y.r.addr;
    return x.r.proto != y.r.proto ? x.r.proto < y.r.proto : x.r.port < y.r.port;
  });
  config::Address host;
  bool first = true;
  for (const Row& row : rows_) {
    if (first || row.r.addr != host) {
      host = row.r.addr;
      std::fprintf(out_, "%sportauth scan report for %s\n", first ? "" : "\n", config::format_address(host).c_str());
      std::fprintf(out_, "%-9s %-8s %-22s %-4s %-16s %s\n", "PORT", "STATE", "REASON", "TTL", "SERVICE",
                   service_scan_ ? "VERSION" : "PURPOSE");
      first = false;
    }
    const auto state = row.r.state();
    const std::string port = std::to_string(row.r.port) + "/" + std::string(config::proto_name(row.r.proto));
    const bool silent = state == probe::PortState::kStealth || state == probe::PortState::kOpenFiltered;
    const std::string ttl = silent ? "-" : std::to_string(row.r.ttl);
    const std::string service = service_name(*row.a, row.s.get(), true);
    const std::string last = service_scan_ ? service_version(row.s.get()) : row.a->purpose;
    std::fprintf(out_, "%-9s %-8s %-22s %-4s %-16s %s\n", port.c_str(), std::string(probe::state_name(state)).c_str(),
                 std::string(probe::reason_name(row.r.reason)).c_str(), ttl.c_str(), service.c_str(), last.c_str());
    if (row.reply) {
      std::fprintf(out_, "  | %s\n", row.reply->summary.c_str());
      if (!row.reply->risk.empty()) std::fprintf(out_, "  | risk: %s\n", row.reply->risk.c_str());
    }
  }
  if (rows_.empty()) std::fprintf(out_, "no ports to show (use --show all to list closed and stealth ports)\n");
  std::fprintf(out_, "\n%s\n", summary_line(s).c_str());
  if (const std::string sv = service_summary_line(s); !sv.empty()) std::fprintf(out_, "%s\n", sv.c_str());
  if (const std::string rate = rate_summary_line(s); !rate.empty()) std::fprintf(out_, "%s\n", rate.c_str());
  for (const auto& line : icmp_limit_lines(s)) std::fprintf(out_, "%s\n", line.c_str());
  if (s.interrupted)
    std::fprintf(out_, "interrupted: %" PRIu64 " probes never sent; stealth ports are reported when the scan finishes%s%s\n",
                 s.not_sent, s.resume_file.empty() ? "" : "; resume with: portauth scan --resume ",
                 s.resume_file.c_str());
  std::fflush(out_);
}

}  // namespace portauth::output
