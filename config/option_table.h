// The option table: every option of `scan` (and the ones `probe` and `shieldsup` share)
// declared ONCE: its command-line names, its nmap spelling, its config-file key, its kind of
// value, its default, its help line, its --help group, which commands take it, and what a
// --resume may do with it. From this one table come:
//   - the command line (app/cli_options.h binds each row to CLI11);
//   - the config file's keys and their "did you mean" (config_file.h, option_yaml.h);
//   - the resume file's keys, and which options --resume refuses (resume_file.h);
//   - --help (grouped), the man page's option list, the README's option table and the shell
//     completions (app/option_docs.h; a test keeps docs/portauth.1 and README.md in step).
// Adding an option is one row in option_rows.cpp (plus its field in ScanOptions).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/scan_options.h"

namespace portauth::config {

enum class OptionGroup { kTargets, kPorts, kTiming, kServices, kOutput, kPrivileges, kAdvanced };
inline constexpr OptionGroup kOptionGroups[] = {OptionGroup::kTargets, OptionGroup::kPorts,
                                                OptionGroup::kTiming,  OptionGroup::kServices,
                                                OptionGroup::kOutput,  OptionGroup::kPrivileges,
                                                OptionGroup::kAdvanced};
std::string_view group_title(OptionGroup group);  // "Targets", ...

enum class ValueKind {
  kFlag,    // no value
  kCount,   // no value; counts its occurrences (-v -v, -vv)
  kText,    // one value; given again, the last one wins
  kList,    // one value per occurrence, each added (a value may itself be a comma list)
  kPaths,   // as kList, file names (relative to a config file's directory)
  kPath,    // one file name (relative to a config file's directory)
  kInt,     // a whole number in [lo, hi]
  kNumber,  // a decimal number in [lo, hi]
  kSize,    // a byte count with an optional k/M/G suffix (powers of 1024), in [lo, hi]
};

// What `--resume FILE` does with an option.
enum class ResumePolicy {
  kProbeSpace,  // stored in the resume file; the command line cannot change it
  kFixed,       // resolved into the stored probe space; the command line cannot give it
  kStored,      // stored; the command line may change it (pacing, the wire, outputs)
  kFree,        // not stored; may be given (privileges, progress, ...)
};

// Which commands take an option.
enum Command : unsigned { kScan = 1, kProbe = 2, kShieldsUp = 4, kHostCommands = 6, kEveryCommand = 7 };

// The ScanOptions member an option reads and writes (std::monostate: an effect only).
using OptionField =
    std::variant<std::monostate, std::string ScanOptions::*, std::vector<std::string> ScanOptions::*,
                 int ScanOptions::*, double ScanOptions::*, bool ScanOptions::*,
                 uint64_t ScanOptions::*, std::optional<uint64_t> ScanOptions::*>;

struct OptionSpec {
  std::string names{};     // CLI11 spelling: "-p,--ports", "TARGETS" (positional), "" (file only)
  std::string alias{};     // nmap's (or masscan's) spelling: "-iL", "--max-rate"; rewritten to the long name
  std::string yaml_key{};  // config and resume file key ("" = none)
  ValueKind kind = ValueKind::kText;
  std::string value_name{};    // help's value label: TEXT, INT, FLOAT, FILE, ...
  std::string default_text{};  // the default as help shows it ("" = none)
  std::string help{};
  OptionGroup group = OptionGroup::kAdvanced;
  ResumePolicy resume = ResumePolicy::kFree;
  unsigned commands = kScan;
  OptionField field{};
  double lo = 0, hi = 0;  // kInt, kNumber, kSize
  // One value's effect when it is not "set the field" (kFlag/kCount: called with "").
  // Throws SpecError for a bad value.
  std::function<void(ScanOptions&, const std::string& value)> apply{};
  // Carries the option from one ScanOptions to another when it is not "copy the field"
  // (the outputs: given on the command line, they replace a config file's as a whole).
  std::function<void(const ScanOptions& from, ScanOptions& to)> copy{};
  std::string example{};         // a valid value (tests run every option with it)
  bool resume_optional = false;  // may be missing from a resume file (added after format 1)
  bool resume_when_set = false;  // a flag written to resume files only when set (resume_optional too)
  bool hidden = false;           // accepted, not listed by --help (CLI11's group "")

  // "--ports" (the first long name), "-T" when there is none, or the YAML key.
  std::string long_name() const;
  // Every spelling a user may type: "-p", "--ports", and the alias.
  std::vector<std::string> spellings() const;
  bool takes_value() const { return kind != ValueKind::kFlag && kind != ValueKind::kCount; }
  bool positional() const { return !names.empty() && names.front() != '-'; }
};

std::span<const OptionSpec> option_table();

// The row with this config-file key, spelling or long name; null when there is none.
const OptionSpec* find_option_by_key(std::string_view yaml_key);
const OptionSpec* find_option(std::string_view spelling);
// The config-file keys, in table order (for "did you mean").
std::vector<std::string_view> option_keys();

// Sets a row's field from one typed value, or runs its effect. Throws SpecError.
void apply_option(const OptionSpec& spec, ScanOptions& o, const std::string& value);
// Carries a row's value from `from` to `to` (the command line over a config or resume file).
void copy_option(const OptionSpec& spec, const ScanOptions& from, ScanOptions& to);

// Applies o.timing (-T) to rate, retries and wait, except the ones `given` says were set
// explicitly (`given` takes a YAML key: "rate", "retries", "wait"). Throws SpecError.
void apply_timing(ScanOptions& o, const std::function<bool(std::string_view key)>& given);

}  // namespace portauth::config
