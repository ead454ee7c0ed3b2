// The ShieldsUP-style report and the TruStealth verdict, as pure functions of a finished
// scan: results and summary in, text out. No I/O, so every line is tested without a network.
//
// The report, after GRC's ShieldsUP:
//   a heading (host, port set), the four counts "N Ports Open / Closed / Stealth / Tested",
//   a table of the tested ports (every port when there are at most kListEveryPortUpTo of
//   them; otherwise the open and closed ones, and the stealth ones as a compact range list),
//   the security implications of each open or closed port (its database background, or its
//   description when there is none, its risk and trojan sightings), and the TruStealth
//   analysis: one PASSED / FAILED line per check, then the overall verdict.
//
// TruStealth PASSES only if all three checks pass:
//   all ports stealth    every tested port is stealth (and the test ran to the end)
//   unsolicited packets  nothing at all came from the host's address during the test
//                        (echo replies to our pings are the third check's, not this one's)
//   ping reply           at least one echo request went out and none was answered
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "db/port_page.h"
#include "probe/reason.h"
#include "output/report.h"
#include "probe/scan_result.h"
#include "service/service_info.h"

namespace portauth::report {

inline constexpr size_t kListEveryPortUpTo = 64;
// Implications are printed for at most this many answered ports; the rest are counted.
inline constexpr size_t kMaxImplications = 100;

// What ShieldsUP's words mean for a port in this state (one sentence or two, no newline).
std::string_view state_meaning(probe::PortState state);

// One tested port, with what the database says about it.
struct ShieldsUpPort {
  uint16_t port = 0;
  probe::Reason reason = probe::Reason::kNoResponse;
  uint8_t ttl = 0;
  std::string service;       // "" when the database has no name for the port
  std::string purpose;
  std::string risk;          // "info" | "low" | "medium" | "high" | "" (not rated)
  std::string implications;  // the page's background, or its description when that is empty
  std::vector<std::string> trojans;
  std::vector<std::string> port_names;  // the database's name and aliases (what is expected here)
  std::shared_ptr<const service::ServiceInfo> found;  // -sV: what answers (null: not identified)
};

ShieldsUpPort shieldsup_port(const probe::ScanResult& result, const db::PortPage& page);

struct TrustealthCheck {
  bool passed = false;
  std::string detail;  // why, in a sentence
};

struct TrustealthVerdict {
  TrustealthCheck all_stealth, unsolicited, ping;
  bool passed() const { return all_stealth.passed && unsolicited.passed && ping.passed; }
};

// `host` names the address in the details. Uses the summary's counts and trustealth fields;
// a summary without them (trustealth false) fails the two checks it cannot vouch for.
TrustealthVerdict judge_trustealth(const output::ScanSummary& summary, const std::string& host);

// "common (ShieldsUP's 26 common ports)", "service (all service ports 0-1055)",
// "all (0-65535)", or "N ports" for any other sorted list.
std::string describe_port_set(const std::vector<uint16_t>& ports);

struct ShieldsUpReport {
  std::string host;      // "198.18.0.2" or "name (198.18.0.2)"
  std::string port_set;  // describe_port_set()
  std::vector<ShieldsUpPort> ports;  // any order; the report sorts by port
  output::ScanSummary summary;
};

// The TruStealth lines: "All ports stealth:   PASSED  ..." x3, a blank line, then
// "TruStealth:          PASSED  ..." (or FAILED). Ends with a newline.
std::string format_trustealth(const TrustealthVerdict& verdict);

// The whole report; ends with a newline.
std::string format_shieldsup_report(const ShieldsUpReport& report);

}  // namespace portauth::report
