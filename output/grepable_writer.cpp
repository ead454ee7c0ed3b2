#include "output/grepable_writer.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "config/address.h"
#include "output/nmap_view.h"
#include "output/service_text.h"

namespace portauth::output {
namespace {

// Grepable fields are separated by '/', ports by ", " and sections by tabs: keep all three
// out of the free text (nmap turns '/' into '|').
std::string field(std::string text) {
  for (char& c : text) {
    if (c == '/') c = '|';
    else if (c == ',' || c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

void GrepableWriter::begin(const ScanInfo& info) {
  info_ = info;
  begun_ = true;
  std::fprintf(out_, "# portauth %s scan initiated %s as: %s\n", std::string(portauth_version()).c_str(),
               nmap_time_string(info.start_unix).c_str(), info.command_line.c_str());
  std::fflush(out_);
}

void GrepableWriter::finish(const ScanSummary& s) {
  if (!begun_) begin(info_);
  const auto hosts = table_.take_sorted();
  for (const auto& host : hosts) {
    const std::string head = "Host: " + config::format_address(host.addr) + " ()";
    std::string line = head + "\tStatus: Up\n" + head;
    const NmapHostView view = nmap_host_view(host.ports);
    if (view.listed.empty()) {
      line += "\tStatus: Up";  // nmap's line when every port was summed up
    } else {
      line += "\tPorts: ";
      bool first = true;
      for (const PortRecord* p : view.listed) {
        if (!first) line += ", ";
        first = false;
        // nmap's port entry: port/state/protocol/owner/service/rpc/version/; -sV's service with
        // its tunnel ("ssl|http": '/' is the separator) and version.
        const service::ServiceInfo* sv = p->proto == config::Proto::kTcp ? host.service(p->port) : nullptr;
        std::string service = p->annotation ? field(p->annotation->service) : "";
        std::string version;
        if (sv && sv->probed) {
          service = field(sv->name.empty() ? "unknown" : service::service_column(*sv));
          version = field(service::product_line(*sv));
        }
        line += std::to_string(p->port) + "/" + std::string(nmap_state_name(nmap_state(p->reason, p->proto))) + "/" +
                std::string(config::proto_name(p->proto)) + "//" + service + "//" + version + "/";
      }
      if (view.ignored.size() == 1)
        line += "\tIgnored State: " + std::string(nmap_state_name(view.ignored[0].state)) + " (" +
                std::to_string(view.ignored[0].count) + ")";
    }
    // portauth's own field, after nmap's: what the host is doing when it lies (verdict/host_verdict.h).
    // Commas separate ports here: the line's own become semicolons.
    if (const verdict::HostVerdict* v = verdict::find_verdict(s.host_verdicts, host.addr)) {
      std::string text = verdict::verdict_line(*v);
      for (size_t at; (at = text.find(", ")) != std::string::npos;) text.replace(at, 2, "; ");
      line += "\tHost verdict: " + std::string(verdict::verdict_name(v->kind)) + " (" + field(text) + ")";
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out_);
  }
  const int64_t end = info_.start_unix + int64_t(std::llround(s.seconds));
  const uint64_t total = std::max<uint64_t>(info_.address_count, hosts.size());
  std::fprintf(out_, "# portauth done at %s -- %s scanned in %.2f seconds\n", nmap_time_string(end).c_str(),
               nmap_hosts_phrase(total, hosts.size()).c_str(), s.seconds);
  std::fflush(out_);
}

}  // namespace portauth::output
