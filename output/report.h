// What the output writers are given: each reported (address, port) once, with the port's
// annotation from the database, the facts later stages found about it (PortFacts), and a
// summary at the end.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "probe/scan_result.h"
#include "probe/udp_reply_facts.h"
#include "service/service_info.h"
#include "verdict/host_verdict.h"

namespace portauth::output {

struct Annotation {
  std::string service;  // "smtp", or "" when the database knows nothing
  std::string purpose;  // "Simple Mail Transfer Protocol"
  std::string risk;     // "info" | "low" | "medium" | "high" | ""
  std::string description;  // the Port Authority page's description ("" = none recorded)
};

// What stages after the SYN scan found about one reported (address, port), handed to the
// writers beside its ScanResult (which stays the capture thread's small per-packet record).
// Every member is optional: null when its stage did not run or found nothing (closed and
// stealth ports have no service). A stage that adds a fact about a port (a host verdict, ...)
// adds a member here; writers that do not know it ignore it, and none of the others change.
// Shared pointers: a writer that buffers (text, XML, HTML) keeps the fact without a copy.
//   service   -sV: what answers on the port, identified by service/ (service_info.h). With -sV
//             an open result reaches the writers only once its identification concluded
//             (service/service_stage.h), so streaming writers write it whole.
//   reply     an open UDP port: what its service answered to the -sU probe, explained, and
//             the amplification measured (probe/udp_reply_facts.h)
//   host_verdict  the verdict on the port's host when it has one (verdict/host_verdict.h: a
//             host that lies, or blocked the scan): the engine holds a suspect host's results
//             back until its verdict is made (engine/result_holdback.h), so every line of a
//             flagged host carries it; writers that report per host are also told once
//             (ResultWriter::host_verdict)
struct PortFacts {
  std::shared_ptr<const service::ServiceInfo> service;
  std::shared_ptr<const probe::ReplyFacts> reply;
  std::shared_ptr<const verdict::HostVerdict> host_verdict;
};

// Returns the annotation for a port of a protocol; must be cheap (called per result). The
// reference stays valid for the whole scan (writers may keep it until finish()).
using Annotator = std::function<const Annotation&(uint16_t port, config::Proto proto)>;

struct ScanSummary {
  uint64_t open = 0, closed = 0, stealth = 0;
  uint64_t probed = 0;        // distinct (address, port) pairs sent at least once
  uint64_t not_sent = 0;      // left unprobed by an interrupt
  uint64_t unanswered = 0;    // interrupted: probed, not answered yet (their retries are left to the resumed run)
  // A resumed scan's counts, packets and seconds are the whole scan's, earlier runs included
  // (open + closed + stealth == probed once it completes): how many runs came before, and how
  // many answers they had found.
  unsigned earlier_runs = 0;
  uint64_t earlier_answers = 0;
  uint64_t packets_sent = 0;  // including retries (and a resumed scan's earlier runs)
  uint64_t send_errors = 0;
  unsigned passes = 0;
  double seconds = 0;
  double pps = 0;
  uint64_t replies_accepted = 0, replies_rejected = 0, duplicates = 0;
  uint64_t pcap_received = 0, pcap_dropped = 0, pcap_if_dropped = 0;
  bool interrupted = false;
  std::string resume_file;    // written when interrupted ("" if none)
  std::string source_ip, interface;
  std::string send_path, send_path_reason;  // "raw", "ring", "xdp" ("" offline) and why (engine/wire.h)
  // TruStealth mode only (app::RunOptions::trustealth): frames that came from a scanned
  // address other than echo replies to our pings, and the pings sent and answered.
  bool trustealth = false;
  uint64_t frames_from_targets = 0, echo_requests = 0, echo_replies = 0;
  // The closed-loop controller (absent with --fixed-rate): the rates it used, how often it
  // backed off and why it last held the rate, the round-trip times it measured (ms; -1: none).
  // -sV: the ports identified, and how many were silent, tcpwrapped, unrecognised or left
  // unfinished; the stage's own time after the SYN scan ended.
  bool service_scan = false;
  uint64_t services_identified = 0, services_silent = 0, services_tcpwrapped = 0, services_unrecognised = 0,
           services_unfinished = 0, service_connections = 0;
  // Open ports of hosts that answer for ports they do not serve (a host verdict), left
  // unidentified because no connection to them reached a service (service/service_stage.h).
  uint64_t services_not_tried = 0;
  double service_extra_seconds = 0;
  bool adaptive = false;
  double rate_min = 0, rate_max = 0, rate_final = 0;
  uint64_t rate_backoffs = 0;
  double rate_ceiling = 0;          // the most it would allow: --rate, or its own maximum for --rate max
  bool rate_ceiling_is_max = false; // --rate max
  bool rate_at_send_path = false;   // --rate max came down to what the send path delivered
  std::string rate_held_by;  // "198.18.0.4's answers", "capture drops", ... ("" if never held)
  double rtt_p50_ms = -1, rtt_p99_ms = -1;
  unsigned extra_passes = 0;  // retry passes beyond --retries, because retries kept finding answers
  // Hosts that lie (verdict/host_verdict.h), in address order: what each does, its evidence,
  // and what finding it out cost; beside the port results, never inside them.
  std::vector<verdict::HostVerdict> host_verdicts;
  uint64_t canary_probes = 0;     // probes to canary ports the scan added (not in `probed`)
  uint64_t canary_packets = 0;    // of packets_sent, those to canary ports the scan added (retries included)
  uint64_t follow_up_probes = 0;  // SYNs and kernel connections sent to suspects after the scan
  double follow_up_seconds = 0;
  uint64_t hosts_untracked = 0;   // answering hosts the evidence table had no room for (no verdict possible)
  uint64_t silences_forgotten = 0;  // silences that were the capture running late (scanner/block_watch.h)
  // A scan with UDP ports: its silent ones (open|filtered, counted apart from TCP's stealth),
  // and the hosts that limit their ICMP errors as the UDP phase found them
  // (scanner/unreachable_phase.h): the rate each grants, and what is left unclassified.
  bool udp = false;
  uint64_t open_filtered = 0;
  struct IcmpLimit {
    config::Address addr;
    uint32_t icmp_before = 0;  // errors before the UDP phase (its burst)
    double period_s = 0;       // seconds per error it grants (0: not measured)
    double bound_s = 0;        // not measured: at least this long
    uint64_t classified = 0, unclassified = 0;
  };
  std::vector<IcmpLimit> icmp_limited;
  bool waited_unreachable = false;  // --wait-unreachable ran
  double udp_phase_seconds = 0;
  // Answers found by the last pass when it was a retry pass (0: it found none, or there was no
  // retry, or the scan was interrupted). Not 0: the scan stopped while its retries were still
  // finding answers, so some ports reported stealth may be open or closed.
  uint64_t last_retry_answers = 0;
  // --dry-run: nothing was sent and no port has a state; what a real scan would do instead:
  // the rate controller's start (adaptive) and ceiling, and the first pass's sending time if
  // nothing held the rate back (rate_ceiling, rate_ceiling_is_max above).
  bool dry_run = false;
  double rate_initial = 0;
  double estimated_send_seconds = 0;
};

// What a report needs to say about the scan before any result (nmap XML's scaninfo, ...).
struct ScanInfo {
  int64_t start_unix = 0;           // seconds since the epoch
  std::string command_line;         // as typed, for the record
  std::vector<uint16_t> ports;      // TCP ports, sorted
  std::vector<uint16_t> udp_ports;  // UDP ports, sorted
  uint64_t address_count = 0;
  uint64_t probe_count = 0;
  double rate = 0;
  unsigned retries = 0;
  std::string source_ip, interface;
  bool service_scan = false;        // -sV: open ports come with PortFacts::service
};

// A live view of a running scan, handed to the progress display every ~250 ms.
struct ProgressSnapshot {
  double elapsed_seconds = 0;
  uint64_t packets_sent = 0;
  uint64_t first_pass_done = 0, first_pass_total = 0;  // slots of pass 0
  unsigned pass = 0, passes = 1;                        // current pass (0-based) and total
  double current_pps = 0;                               // over the last interval
  uint64_t open = 0, closed = 0;
  uint64_t pcap_dropped = 0;
  bool sending_done = false;  // now only waiting for late replies
  double target_rate = 0;     // the controller's rate of the moment (0: fixed rate)
  std::string rate_note;      // why: "held by 198.18.0.4's answers", "ramping up", ...
};
using ProgressCallback = std::function<void(const ProgressSnapshot&)>;

class ResultWriter {
 public:
  virtual ~ResultWriter() = default;
  // Called once, before any result.
  virtual void begin(const ScanInfo&) {}
  // Called once per reported (address, port): open and closed as they arrive (with -sV, open
  // ones once identified), stealth at the end. A streaming writer writes through; a report
  // writer may buffer and sort.
  virtual void result(const probe::ScanResult& r, const Annotation& a, const PortFacts& facts) = 0;
  // Pushes buffered output to the OS (called every few hundred ms and on interrupt).
  virtual void flush() = 0;
  // A host's verdict (verdict/host_verdict.h), as soon as it is known: before any result of
  // the host that the scan held back until then (engine/result_holdback.h), and in any case
  // before finish(), whose summary lists them all. A streaming writer marks the host's lines.
  virtual void host_verdict(const verdict::HostVerdict&) {}
  // A result on a canary port the scan added, not a port of the scan (only with --show
  // canaries; verdict/canaries.h), with its host's verdict in `facts` as for result().
  // Ignored unless the writer says otherwise.
  virtual void canary_result(const probe::ScanResult&, const Annotation&, const PortFacts&) {}
  virtual void finish(const ScanSummary& summary) = 0;
};

// The lines that sum a scan up (output/summary_lines.cpp), e.g.
//   summary_line       "18 open, 65436 closed, 82 stealth of 65536 ports probed in 0.82 s (79,902 ports/s)"
//                      (ports a second over the whole scan, its waits included)
//   send_line          "sent: 65,700 SYNs in 3 passes, 210,820 a second while sending (...)"
//   rate_summary_line  the closed loop's account: the rates it allowed, what held them and how
//                      often it backed off, the round-trip times, retry passes added ("" for a
//                      fixed-rate scan)
//   retries_warning    "" unless the last retry pass still found answers: how many ports may be
//                      wrong and what to do about it
//   resume_line        "" unless the scan was interrupted (what is left, and how to resume) or
//                      resumed (the counts are the whole scan's)
std::string summary_line(const ScanSummary& s);
std::string send_line(const ScanSummary& s);
// -sV's account: "services: 19 identified, 0 unrecognised, 1 silent, 1 tcpwrapped; 40
// connections; 7.10 s after the SYN scan", and how many open ports of hosts that lie were not
// tried (services_not_tried). "" without -sV.
std::string service_summary_line(const ScanSummary& s);
std::string rate_summary_line(const ScanSummary& s);
// What the UDP phase found about hosts that limit their ICMP errors, one line per host (the
// first `max_hosts`, then how many more): the rate, and how long classifying the ports it
// left open|filtered would take (or what --wait-unreachable did). Empty when nothing limited.
std::vector<std::string> icmp_limit_lines(const ScanSummary& s, size_t max_hosts = 5);
std::string retries_warning(const ScanSummary& s);
std::string resume_line(const ScanSummary& s);
// 27525 -> "27,525".
std::string grouped(uint64_t n);

}  // namespace portauth::output
