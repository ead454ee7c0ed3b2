// The probe's explanation of one port (`portauth probe HOST PORT`): the state with its reason
// and TTL, what that state means in ShieldsUP's words, what answers there (-sV, on by
// default: the service, product, TLS facts, and whether it is what the port usually carries),
// and the Port Authority page: the port's, or the service's when something else answers.
// Pure formatting: tested on fixed results.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "db/port_page.h"
#include "probe/scan_result.h"
#include "service/service_info.h"
#include "verdict/host_verdict.h"

namespace portauth::report {

// A single decimal port 0-65535 ("22"), or nullopt ("", "-1", "65536", "22,80", "1-5", "ssh").
std::optional<uint16_t> parse_single_port(const std::string& text);

// The probe's report: "Host: / Port: / State: / Reason: / TTL: / Probes:" lines, the state's
// meaning, a blank line, then the page. `result` is nullopt when the probe was never sent
// (an interrupt). Ends with a newline.
std::string format_probe_report(const std::string& host_label, const std::optional<probe::ScanResult>& result,
                                 uint16_t port, uint64_t packets_sent, const db::PortPage& page);

// What -sV found on the probed port, for the report.
struct ProbeService {
  const service::ServiceInfo* info = nullptr;  // null: not identified (closed, stealth, --no-service-scan)
  std::vector<std::string> port_names;         // the port's database name and aliases
  const db::PortPage* service_page = nullptr;  // the identified service's page, when it is not the port's
};
// With what -sV found, and `verdict`: the host's, when it lies (then the report leads with it
// and says what "open" is worth on that host), or null. On such a host -sV identifies the port
// only when the verdict's follow-ups found that it reaches a service (service/service_stage.h).
std::string format_probe_report(const std::string& host_label, const std::optional<probe::ScanResult>& result,
                                 uint16_t port, uint64_t packets_sent, const db::PortPage& page,
                                 const ProbeService& service, const verdict::HostVerdict* verdict = nullptr);

}  // namespace portauth::report
