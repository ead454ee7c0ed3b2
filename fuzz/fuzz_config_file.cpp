// Fuzz harness: the YAML scan configuration loader (portauth scan --config FILE).
//
// Input: the file's text. parse_config_text must either return scans or throw SpecError
// (with FILE:LINE:COL); nothing else may escape, and it must not crash, hang or blow up in
// memory. Each scan it returns is then validated as the command does (build_scan_plan, with a
// resolver that never touches DNS), unless it names list files: the fuzzer would otherwise
// read whatever path it invents (/dev/zero, a FIFO).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config_file.h"
#include "config/scan_plan.h"
#include "config/spec_error.h"

using namespace portauth::config;

namespace {

std::vector<portauth::config::Address> no_dns(const std::string& host) {
  throw SpecError("cannot resolve host name '" + host + "' (no DNS while fuzzing)");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<ConfigScan> scans;
  try {
    scans = parse_config_text(text, "fuzz.yaml", "/nonexistent-fuzz-dir");
  } catch (const SpecError&) {
    return 0;
  }
  for (const auto& s : scans) {
    if (!s.options.target_files.empty() || !s.options.exclude_files.empty()) continue;
    try {
      (void)build_scan_plan(s.options, no_dns);
    } catch (const SpecError&) {
    }
  }
  return 0;
}
