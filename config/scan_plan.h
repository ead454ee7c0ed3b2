// ScanPlan: one validated description of a scan, built from raw option strings (the CLI
// today, YAML profiles later). Everything that can be wrong with the user's input is found
// here, before any socket is opened or any packet sent.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "range_set.h"

namespace portauth::config {

enum ShowMask : unsigned { kShowOpen = 1, kShowClosed = 2, kShowStealth = 4, kShowAll = 7 };
enum class OutputFormat { kText, kJsonl };

// Raw values as the user typed them. Empty string / nullopt = not given (use the default).
struct ScanOptions {
  std::vector<std::string> targets;
  std::string ports;
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
  std::string format = "text";
  std::string output_path;
  bool confirm_large = false;
};

struct ScanPlan {
  RangeSet targets;             // after every exclude; never empty
  std::vector<uint16_t> ports;  // sorted, unique, never empty
  double rate = 10000;          // packets per second
  unsigned retries = 2;         // extra passes over unanswered probes
  double wait_seconds = 1.0;    // after the last probe of a pass, for late replies
  std::string interface;        // empty: chosen from the routing table
  std::optional<uint32_t> source_ip;
  std::optional<uint16_t> source_port_first;  // empty: chosen at random
  uint16_t source_port_count = 256;
  uint64_t seed = 0;
  unsigned show = kShowOpen;
  OutputFormat format = OutputFormat::kText;
  std::string output_path;
  std::vector<std::string> warnings;  // addresses skipped by the default excludes, etc.

  uint64_t probe_count() const { return targets.count() * ports.size(); }
};

// Largest scan this build keeps per-probe state for (1 byte a probe: 256 MiB).
inline constexpr uint64_t kMaxProbes = uint64_t{1} << 28;

// Validates and resolves. Throws SpecError with a message naming the bad value.
ScanPlan build_scan_plan(const ScanOptions& options);

// Applies never-scan ranges, default excludes (minus `allow`) and user excludes.
// Returns what is left; appends a warning per special range that removed addresses;
// throws SpecError when nothing is left, saying which list removed the targets and how to
// lift it.
RangeSet resolve_targets(const RangeSet& requested, const RangeSet& user_excludes,
                         const RangeSet& allow, std::vector<std::string>& warnings);

unsigned parse_show(const std::string& text);

}  // namespace portauth::config
