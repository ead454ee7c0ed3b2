#include "report/probe_report.h"

#include <algorithm>

#include "db/page_render.h"
#include "db/text_wrap.h"
#include "report/service_report.h"
#include "report/shieldsup_report.h"

namespace portauth::report {
namespace {

std::string field(const char* label, const std::string& value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%-8s ", label);
  return buf + value + "\n";
}

}  // namespace

std::optional<uint16_t> parse_single_port(const std::string& text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const unsigned long value = std::stoul(text);
  if (value > 65535) return std::nullopt;
  return uint16_t(value);
}

std::string format_probe_report(const std::string& host_label, const std::optional<probe::ScanResult>& result,
                                uint16_t port, uint64_t packets_sent, const db::PortPage& page) {
  return format_probe_report(host_label, result, port, packets_sent, page, ProbeService{});
}

std::string format_probe_report(const std::string& host_label, const std::optional<probe::ScanResult>& result,
                                uint16_t port, uint64_t packets_sent, const db::PortPage& page,
                                const ProbeService& sv, const verdict::HostVerdict* verdict) {
  std::string service;
  if (page.listed || page.entry.name != "unassigned") service = " (" + page.entry.name + ")";
  std::string out = field("Host:", host_label);
  out += field("Port:", std::to_string(port) + "/tcp" + service);
  if (!result) {
    out += field("State:", "unknown");
    out += "The probe was interrupted before it was sent.\n";
  } else {
    const auto state = probe::state_of(result->reason);
    out += field("State:", std::string(probe::state_name(state)));
    out += field("Reason:", std::string(probe::reason_name(result->reason)));
    out += field("TTL:", state == probe::PortState::kStealth ? "- (nothing came back)" : std::to_string(result->ttl));
    out += field("Probes:", std::to_string(packets_sent) + " SYN" + (packets_sent == 1 ? "" : "s") + " sent");
    if (verdict) out += field("Verdict:", std::string(verdict::verdict_name(verdict->kind)));
    if (sv.info) out += service_fields(*sv.info);
    if (verdict) {
      out += "\n" + db::wrap_paragraph("This host " + verdict::verdict_line(*verdict) + ".", 78, "", "");
      const bool serves = std::find(verdict->service_ports.begin(), verdict->service_ports.end(), port) !=
                          verdict->service_ports.end();
      if (verdict->collapses_open_ports() && state == probe::PortState::kOpen)
        out += db::wrap_paragraph(serves ? "Open, and a connection to this port reaches a service behind it."
                                         : "Open only in that the host answers every SYN: the SYN-ACK says nothing "
                                           "about a service on this port.",
                                  78, "", "");
      if (const std::string note = verdict::unverified_note(*verdict); !note.empty())
        out += db::wrap_paragraph(note + ".", 78, "", "");
    } else {
      out += "\n" + db::wrap_paragraph(state_meaning(state), 78, "", "");
    }
    if (sv.info) out += "\n" + what_answers(*sv.info, port, sv.port_names);
  }
  if (sv.service_page && sv.info && !expected_here(*sv.info, sv.port_names))
    return out + "\n" + db::render_page_text(*sv.service_page) + "\n(The port's own page: portauth lookup " +
           std::to_string(port) + ")\n";
  return out + "\n" + db::render_page_text(page);
}

}  // namespace portauth::report
