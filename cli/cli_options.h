// The option table (config/option_table.h) on the command line: binds every row a command
// takes to its CLI11 subcommand, in --help's groups, and collects what was given.
//
// Every value-taking option takes exactly one value per occurrence, so options and targets
// mix in any order (`--exclude A 198.18.0.2` excludes A and scans 198.18.0.2); a list option
// may be repeated; a scalar given twice keeps the last. An unknown option is an error that
// names the closest known one.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/option_table.h"
#include "config/scan_options.h"

namespace portauth::cli {

class CommandLine {
 public:
  // Binds the rows `command` takes to `cmd`; `usage_tail` ends the usage line
  // ("TARGETS...": "Usage: portauth scan [OPTIONS] TARGETS...").
  CommandLine(CLI::App& cmd, config::Command command, std::string usage_tail);
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Call once the command line is parsed (the subcommand's callback): rejects what CLI11
  // left over (an unknown option, with the closest known one) and applies -T to the
  // pacing options not given explicitly. Throws config::SpecError.
  void finish();
  // finish(), printing "portauth: MESSAGE" on stderr for bad input: false then (exit 1).
  bool finish_or_report();

  // What the command line says (defaults for everything not given).
  const config::ScanOptions& options() const { return options_; }
  config::ScanOptions& options() { return options_; }
  bool given(const config::OptionSpec& spec) const;
  // Copies every option given on the command line onto `o` (a config or resume file's scan).
  void override_options(config::ScanOptions& o) const;
  // The first option given that --resume cannot take ("" when none): "--ports", "a target list".
  std::string refused_by_resume() const;

 private:
  struct Bound {
    const config::OptionSpec* spec;
    CLI::Option* option;
  };
  CLI::App& cmd_;
  config::ScanOptions options_;
  std::vector<Bound> bound_;
};

}  // namespace portauth::cli
