// What the output writers are given: each reported (address, port) once, with the port's
// annotation from the database, and a summary at the end.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "scan_result.h"

namespace portauth::output {

struct Annotation {
  std::string service;  // "smtp", or "" when the database knows nothing
  std::string purpose;  // "Simple Mail Transfer Protocol"
  std::string risk;     // "info" | "low" | "medium" | "high" | ""
};

// Returns the annotation for a port; must be cheap (called per result).
using Annotator = std::function<const Annotation&(uint16_t port)>;

struct ScanSummary {
  uint64_t open = 0, closed = 0, stealth = 0;
  uint64_t probed = 0;        // distinct (address, port) pairs sent at least once
  uint64_t not_sent = 0;      // left unprobed by an interrupt
  uint64_t packets_sent = 0;  // including retries
  uint64_t send_errors = 0;
  unsigned passes = 0;
  double seconds = 0;
  double pps = 0;
  uint64_t replies_accepted = 0, replies_rejected = 0, duplicates = 0;
  uint64_t pcap_received = 0, pcap_dropped = 0, pcap_if_dropped = 0;
  bool interrupted = false;
  std::string source_ip, interface;
};

class ResultWriter {
 public:
  virtual ~ResultWriter() = default;
  // Called once per reported (address, port): open and closed as they arrive, stealth at
  // the end. A streaming writer writes through; a report writer may buffer and sort.
  virtual void result(const capture::ScanResult& r, const Annotation& a) = 0;
  // Pushes buffered output to the OS (called every few hundred ms and on interrupt).
  virtual void flush() = 0;
  virtual void finish(const ScanSummary& summary) = 0;
};

std::string summary_line(const ScanSummary& s);

}  // namespace portauth::output
