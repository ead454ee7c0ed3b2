#include "output/text_writer.h"

#include <algorithm>
#include <cinttypes>

#include "config/address.h"
#include "output/service_text.h"

namespace portauth::output {

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
  if (s.packets_sent > 0) std::fprintf(out_, "%s\n", send_line(s).c_str());
  if (const std::string rate = rate_summary_line(s); !rate.empty()) std::fprintf(out_, "%s\n", rate.c_str());
  for (const auto& line : icmp_limit_lines(s)) std::fprintf(out_, "%s\n", line.c_str());
  if (const std::string w = retries_warning(s); !w.empty()) std::fprintf(out_, "warning: %s\n", w.c_str());
  if (const std::string r = resume_line(s); !r.empty()) std::fprintf(out_, "%s\n", r.c_str());
  std::fflush(out_);
}

}  // namespace portauth::output
