#include "output/text_writer.h"

#include <algorithm>
#include <cinttypes>

#include "config/address.h"
#include "output/service_text.h"

namespace portauth::output {

void TextWriter::result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) {
  rows_.push_back({r, &a, f.service, f.reply});
}

namespace {

bool serves(const verdict::HostVerdict& v, uint16_t port) {
  return std::binary_search(v.service_ports.begin(), v.service_ports.end(), port);
}

}  // namespace

void TextWriter::finish(const ScanSummary& s) {
  std::sort(rows_.begin(), rows_.end(), [](const Row& x, const Row& y) {
    // nmap's order within a host: TCP ports, then UDP ports.
    if (x.r.addr != y.r.addr) return x.r.addr < y.r.addr;
    return x.r.proto != y.r.proto ? x.r.proto < y.r.proto : x.r.port < y.r.port;
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
      const auto state = row.r.state();
      // A SYN-ACK of a liar says nothing; a UDP answer is the host's own.
      if (v && v->collapses_open_ports() && row.r.proto == config::Proto::kTcp && state == probe::PortState::kOpen &&
          !serves(*v, row.r.port)) {
        ++collapsed;
        continue;
      }
      if (!header) {
        std::fprintf(out_, "%-9s %-8s %-22s %-4s %-16s %s\n", "PORT", "STATE", "REASON", "TTL", "SERVICE",
                     service_scan_ ? "VERSION" : "PURPOSE");
        header = true;
      }
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
    if (collapsed > 0)
      std::fprintf(out_, "(%" PRIu64 " open port%s not listed: SYN-ACKs of a host that answers for ports it does not "
                         "serve; the verdict above says what answers)\n",
                   collapsed, collapsed == 1 ? "" : "s");
  }
  if (rows_.empty()) std::fprintf(out_, "no ports to show (use --show all to list closed and stealth ports)\n");
  std::fprintf(out_, "\n%s\n", summary_line(s).c_str());
  if (const std::string sv = service_summary_line(s); !sv.empty()) std::fprintf(out_, "%s\n", sv.c_str());
  if (s.packets_sent > 0) std::fprintf(out_, "%s\n", send_line(s).c_str());
  if (const std::string rate = rate_summary_line(s); !rate.empty()) std::fprintf(out_, "%s\n", rate.c_str());
  for (const auto& line : icmp_limit_lines(s)) std::fprintf(out_, "%s\n", line.c_str());
  if (const std::string w = retries_warning(s); !w.empty()) std::fprintf(out_, "warning: %s\n", w.c_str());
  if (const std::string r = resume_line(s); !r.empty()) std::fprintf(out_, "%s\n", r.c_str());
  std::fflush(out_);
}

}  // namespace portauth::output
