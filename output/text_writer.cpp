#include "output/text_writer.h"

#include <algorithm>
#include <cinttypes>

#include "config/address.h"

namespace portauth::output {

std::string summary_line(const ScanSummary& s) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%" PRIu64 " open, %" PRIu64 " closed, %" PRIu64 " stealth of %" PRIu64
                " probed in %.2f s (%.0f pps)",
                s.open, s.closed, s.stealth, s.probed, s.seconds, s.pps);
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

void TextWriter::result(const probe::ScanResult& r, const Annotation& a) { rows_.push_back({r, &a}); }

namespace {

bool serves(const verdict::HostVerdict& v, uint16_t port) {
  return std::binary_search(v.service_ports.begin(), v.service_ports.end(), port);
}

}  // namespace

void TextWriter::finish(const ScanSummary& s) {
  std::sort(rows_.begin(), rows_.end(), [](const Row& x, const Row& y) {
    return x.r.addr != y.r.addr ? x.r.addr < y.r.addr : x.r.port < y.r.port;
  });
  // Every host with a row or a verdict, in address order.
  std::vector<config::Address> hosts;
  for (const Row& row : rows_)
    if (hosts.empty() || hosts.back() != row.r.addr) hosts.push_back(row.r.addr);
  for (const auto& v : s.host_verdicts) hosts.push_back(v.addr);
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  size_t next = 0;
  for (size_t h = 0; h < hosts.size(); ++h) {
    const config::Address host = hosts[h];
    std::fprintf(out_, "%sportauth scan report for %s\n", h == 0 ? "" : "\n", config::format_address(host).c_str());
    const verdict::HostVerdict* v = verdict::find_verdict(s.host_verdicts, host);
    if (v) {
      std::fprintf(out_, "VERDICT: %s: %s\n", verdict::verdict_name(v->kind), verdict::verdict_line(*v).c_str());
      if (const std::string note = verdict::unverified_note(*v); !note.empty()) std::fprintf(out_, "         %s\n", note.c_str());
    }
    bool header = false;
    uint64_t collapsed = 0;
    for (; next < rows_.size() && rows_[next].r.addr == host; ++next) {
      const Row& row = rows_[next];
      const auto state = probe::state_of(row.r.reason);
      if (v && v->collapses_open_ports() && state == probe::PortState::kOpen && !serves(*v, row.r.port)) {
        ++collapsed;
        continue;
      }
      if (!header) {
        std::fprintf(out_, "%-9s %-8s %-22s %-4s %-16s %s\n", "PORT", "STATE", "REASON", "TTL", "SERVICE", "PURPOSE");
        header = true;
      }
      const std::string port = std::to_string(row.r.port) + "/tcp";
      const std::string ttl = state == probe::PortState::kStealth ? "-" : std::to_string(row.r.ttl);
      std::fprintf(out_, "%-9s %-8s %-22s %-4s %-16s %s\n", port.c_str(), std::string(probe::state_name(state)).c_str(),
                   std::string(probe::reason_name(row.r.reason)).c_str(), ttl.c_str(),
                   row.a->service.empty() ? "unknown" : row.a->service.c_str(), row.a->purpose.c_str());
    }
    if (collapsed > 0)
      std::fprintf(out_, "(%" PRIu64 " open port%s not listed: SYN-ACKs of a host that answers for ports it does not "
                         "serve; the verdict above says what answers)\n",
                   collapsed, collapsed == 1 ? "" : "s");
  }
  if (rows_.empty()) std::fprintf(out_, "no ports to show (use --show all to list closed and stealth ports)\n");
  std::fprintf(out_, "\n%s\n", summary_line(s).c_str());
  if (const std::string rate = rate_summary_line(s); !rate.empty()) std::fprintf(out_, "%s\n", rate.c_str());
  if (s.interrupted)
    std::fprintf(out_, "interrupted: %" PRIu64 " probes never sent; stealth ports are reported when the scan finishes%s%s\n",
                 s.not_sent, s.resume_file.empty() ? "" : "; resume with: portauth scan --resume ",
                 s.resume_file.c_str());
  std::fflush(out_);
}

}  // namespace portauth::output
