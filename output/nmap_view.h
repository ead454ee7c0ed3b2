// How nmap would present one host of a SYN and UDP scan (-sS -sU, default verbosity), shared
// by the XML and grepable writers so that both follow nmap's rules exactly:
//   * TCP states: syn-ack -> open, rst -> closed ("reset"), no answer -> filtered
//     ("no-response"), an ICMP unreachable -> filtered with nmap's reason name ("port-unreach", ...);
//   * UDP states: a reply -> open ("udp-response"), ICMP port unreachable -> closed
//     ("port-unreach"), another unreachable -> filtered, no answer -> open|filtered ("no-response");
//   * ports in nmap's order: every TCP port, then every UDP port;
//   * a state other than open with more than 25 ports is not listed port by port but summed
//     up as "extraports" (output.cc / portlist.cc: isIgnoredState, nextIgnoredState);
//   * ignored states in descending count, ties in nmap's state-number order (closed first);
//     the reasons inside one in the order nmap's merge sort leaves them (reason_sort()).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "output/host_table.h"

namespace portauth::output {

// nmap's own state numbers (portlist.h), which decide the order of ties.
enum class NmapState : uint8_t { kClosed = 1, kOpen = 2, kFiltered = 3, kOpenFiltered = 7 };

NmapState nmap_state(probe::Reason r, config::Proto proto = config::Proto::kTcp);
std::string_view nmap_state_name(NmapState s);    // "open", "closed", "filtered", "open|filtered"
std::string_view nmap_reason_name(probe::Reason r);  // "syn-ack", "reset", "no-response", "port-unreach", ...

// Ports above this count in one (non-open) state are summed up instead of listed.
inline constexpr size_t kNmapMaxListedPerState = 25;

struct ReasonGroup {
  probe::Reason reason = probe::Reason::kNone;
  config::Proto proto = config::Proto::kTcp;  // nmap groups by reason and protocol
  std::vector<uint16_t> ports;  // ascending
};

struct IgnoredState {
  NmapState state = NmapState::kClosed;
  size_t count = 0;
  std::vector<ReasonGroup> reasons;  // nmap's order
};

struct NmapHostView {
  std::vector<IgnoredState> ignored;       // nmap's order; empty when every port is listed
  std::vector<const PortRecord*> listed;   // ascending port
};

// `ports` must be sorted by port (HostTable::take_sorted does that).
NmapHostView nmap_host_view(const std::vector<PortRecord>& ports);

// "Sun Nov 29 04:00:32 2026" (local time, as nmap's startstr and ctime(3)).
std::string nmap_time_string(int64_t unix_seconds);

// "1 IP address (1 host up)" / "256 IP addresses (3 hosts up)".
std::string nmap_hosts_phrase(uint64_t addresses, uint64_t hosts_up);

// The portauth version, for report headers ("0.1.0").
std::string_view portauth_version();

}  // namespace portauth::output
