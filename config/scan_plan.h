// ScanPlan: one validated description of a scan, built from raw option strings (the CLI
// today, YAML profiles later). Everything that can be wrong with the user's input is found
// here, before any socket is opened or any packet sent.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "range_set.h"
#include "target_list.h"

namespace portauth::config {

enum ShowMask : unsigned { kShowOpen = 1, kShowClosed = 2, kShowStealth = 4, kShowAll = 7 };
enum class OutputFormat { kText, kJsonl, kXml, kGrepable, kCsv, kHtml };

// One output of a scan; a scan may have several (e.g. JSONL to a file and text to the terminal).
struct OutputSpec {
  OutputFormat format = OutputFormat::kText;
  std::string path;     // "" or "-": standard output
  bool append = false;  // a resumed scan adds to line-oriented files (documents are rewritten)
  bool operator==(const OutputSpec&) const = default;
};

// "text", "jsonl", "xml", "grepable", "csv", "html" <-> OutputFormat. Throws SpecError.
OutputFormat parse_output_format(const std::string& name);
const char* output_format_name(OutputFormat format);

// Raw values as the user typed them. Empty string / nullopt = not given (use the default).
struct ScanOptions {
  std::vector<std::string> targets;
  std::vector<std::string> target_files;   // -iL
  std::vector<std::string> exclude_files;  // --exclude-file
  std::string shard;                  // "i/n", 1-based
  std::string ports;                  // -p spec
  std::string preset;                 // common | service | all
  std::vector<uint16_t> top_ports;    // --top-ports N, already resolved from the database
  std::vector<std::string> excludes;
  std::vector<std::string> allow;
  std::string rate = "10000";
  int retries = 2;
  double wait_seconds = 1.0;
  std::string interface;
  std::string source_ip;
  std::string source_port;
  std::optional<uint64_t> seed;
  std::string show = "open";
  std::string format = "text";             // --format: the format of -o (or of stdout)
  std::string output_path;                  // -o
  std::vector<std::pair<std::string, std::string>> extra_outputs;  // (format, path): -oX FILE, ...
  bool confirm_large = false;
  std::string send_mode = "raw";  // --send-mode raw | ring
  bool dry_run = false;           // --dry-run
  std::string pcap_out;           // --pcap-out FILE
};

// How probes leave (scanner/raw_socket_sink.h, scanner/packet_ring_sink.h), or where they go
// instead of the wire: an offline run opens neither a socket nor a capture.
enum class SendMode { kRaw, kRing };

// A scan of more addresses than this needs confirm_large (a /8: a typo like /8 for /24
// should not start a 16-million-address scan).
inline constexpr uint64_t kLargeScanAddresses = uint64_t{1} << 24;

struct ScanPlan {
  RangeSet targets;             // after every exclude; never empty
  std::vector<uint16_t> ports;  // sorted, unique, never empty
  double rate = 10000;          // packets per second; infinity for --rate max (no pacing)
  unsigned retries = 2;         // extra passes over unanswered probes
  double wait_seconds = 1.0;    // after the last probe of a pass, for late replies
  std::string interface;        // empty: chosen from the routing table
  std::optional<uint32_t> source_ip;
  std::optional<uint16_t> source_port_first;  // empty: chosen at random
  uint16_t source_port_count = 256;
  uint64_t seed = 0;
  uint32_t shard_index = 0;  // 0-based
  uint32_t shard_count = 1;
  unsigned show = kShowOpen;
  std::vector<OutputSpec> outputs;  // never empty; at most one writes to standard output
  std::vector<std::string> warnings;  // addresses skipped by the default excludes, etc.
  SendMode send_mode = SendMode::kRaw;
  bool dry_run = false;   // probes built and counted, sent nowhere
  std::string pcap_out;   // non-empty: probes written to this pcap file, not sent
  int pcap_buffer_bytes = 0;  // --pcap-buffer: the capture ring; 0 = sized from rate and wait

  bool offline() const { return dry_run || !pcap_out.empty(); }

  uint64_t probe_count() const { return targets.count() * ports.size(); }
};

// Largest shard this build keeps per-probe state for (1 bit a probe: 512 MiB): a one-port
// scan of all of IPv4 less the never-scan ranges fits one run.
inline constexpr uint64_t kMaxProbes = uint64_t{1} << 32;

// Validates and resolves. Throws SpecError with a message naming the bad value.
ScanPlan build_scan_plan(const ScanOptions& options, const Resolver& resolve = system_resolver);

// Applies never-scan ranges, default excludes (minus `allow`) and user excludes.
// Returns what is left; appends a warning per special range that removed addresses;
// throws SpecError when nothing is left, saying which list removed the targets and how to
// lift it.
RangeSet resolve_targets(const RangeSet& requested, const RangeSet& user_excludes,
                         const RangeSet& allow, std::vector<std::string>& warnings);

unsigned parse_show(const std::string& text);

// The outputs that -o/--format and the (format, path) list name: -o/--format make one more,
// and with none at all results go to standard output. Throws SpecError for an unknown
// format, two outputs to one file, or two to standard output.
std::vector<OutputSpec> resolve_outputs(const ScanOptions& options);

}  // namespace portauth::config
