// --summary-json FILE: a machine-readable account of each scan, for JSON Lines consumers.
//
// One JSON object per line, one line per scan run by the command (a config file with three
// scans writes three lines), appended as each scan ends; the port results stay in the -oJ /
// --format jsonl output, which keeps exactly one object per port. The file is opened before
// anything is sent (and before privileges are dropped), so a scan that cannot write it never
// starts. A line:
//
//   {"summary": 1, "scan": "web", "complete": false, "incomplete": ["pcap-drops"],
//    "open": 18, "closed": 65436, "stealth": 82, "probed": 65536, "not_sent": 0,
//    "unanswered": 0, "earlier_runs": 0,
//    "packets_sent": 65700, "send_errors": 0, "passes": 3, "last_retry_answers": 0,
//    "seconds": 9.1, "pps": 49990.0, "ports_per_second": 7201.8,
//    "rate": {"mode": "closed-loop", "min": 50000, "max": 400000, "final": 8600, "backoffs": 9,
//             "held_by": "...", "extra_passes": 2, "ceiling": 10000000, "rtt_ms": {...}},
//    "replies": {"accepted": 65454, "duplicate": 0, "rejected": 12},
//    "pcap": {"received": 65466, "dropped": 310, "interface_dropped": 0, "buffer_bytes": 65536},
//    "source_ip": "198.18.0.1", "interface": "veth-scan", "resume_file": null,
//    "hosts": [{"ip": "198.18.2.10", "verdict": "syn-proxy", "line": "answers on every port: ...",
//               "evidence": {"window": 0, "syn_cookies": true, ...}, "open_ports": 65536,
//               "service_ports": [22, 80, 443], "services_checked": true, "cost_seconds": 1.2}],
//    "canary_probes": 3, "follow_ups": {"probes": 12, "seconds": 0.4}, "hosts_untracked": 0,
//    "services": {"identified": 3, ..., "not_tried": 65533, ...} (with -sV: output/report.h),
//    "silences_forgotten": 0,
//    "warnings": ["the capture dropped 310 packets; ...", "198.18.2.10: ..."]}
//
// "hosts" lists every host with a verdict (verdict/host_verdict.h: syn-proxy, tarpit,
// answers-all, rate-block), its evidence by name, and what it cost; a host without one is not
// listed. "warnings" says, per flagged host, what portauth had to conclude about it and what
// that cost in time (verdict_warnings()).
//
// "complete" is true only when nothing below happened; "incomplete" lists what did:
//   "interrupted"  Ctrl-C / SIGTERM: probes were left unsent (see resume_file)
//   "pcap-drops"   the capture ring overflowed: replies were lost, so ports may be reported
//                  stealth that are not (lower --rate, or a bigger --pcap-buffer)
//   "send-errors"  some probes could not be sent
//   "setup-error"  the wire could not be set up and nothing was sent ("error" says why)
//   "retries-still-answering"  the last retry pass still found answers ("last_retry_answers"
//                  of them): some of the ports reported stealth may be open or closed
//                  (a lower --rate, or more --retries; the warning says so)
// The counts add up: open + closed + stealth + unanswered (interrupted: probed, no answer
// yet) == probed, and probed + not_sent == every probe of the scan (this shard). A resumed
// scan's counts, "packets_sent" and "seconds" are the whole scan's, its "earlier_runs"
// included. "pps" is SYNs a second while sending (the waits not counted); "ports_per_second" is the
// ports probed over the whole scan's "seconds", waits included.
// "summary" is the format's version (1).
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "output/report.h"

namespace portauth::report {

// Why a finished scan is incomplete (the "incomplete" list above); empty: complete.
std::vector<std::string> incomplete_reasons(const output::ScanSummary& s);

// The warning printed (and put in "warnings") when the capture dropped replies.
std::string pcap_drop_warning(uint64_t dropped, int buffer_bytes);

// One warning per flagged host: its verdict, what the scan did about it, what it cost in time.
std::vector<std::string> verdict_warnings(const output::ScanSummary& s);

// A verdict as the "hosts" array holds it.
nlohmann::ordered_json verdict_json(const verdict::HostVerdict& v);

// One summary line's object (pure, for tests).
nlohmann::ordered_json summary_json(const std::string& scan_name, const output::ScanSummary& s, int pcap_buffer_bytes,
                            const std::vector<std::string>& warnings);

class SummaryJsonFile {
 public:
  // Creates or truncates `path`; throws std::runtime_error naming it when it cannot.
  explicit SummaryJsonFile(const std::string& path);
  // Appends one line and flushes it.
  void write(const nlohmann::ordered_json& line);
  // A scan that never ran because the wire could not be set up.
  void write_setup_error(const std::string& scan_name, const std::string& error);

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  std::string path_;
};

}  // namespace portauth::report
