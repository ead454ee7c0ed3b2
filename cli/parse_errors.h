// One voice for every error of the command line (issue 19, items 9 and 10).
//
// CLI11 reports what it finds wrong in its own words, on two lines ("PORT is required" /
// "Run with --help for more information."), with no "portauth: " and no hint of what to type
// instead; portauth's own checks say `portauth: what is wrong; what to do`. Here each kind of
// CLI11 error becomes one line in portauth's voice, naming the command, the option as the user
// spelt it (-oA, not --output-all), the closest known name for a typo (an unknown command, an
// unknown option of lookup or merge) and the usage line to follow.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace portauth::cli {

// The one-line message (without "portauth: ") for a failed parse. `app` is the top-level app
// after the failed parse (it knows which subcommand was being read and the words left over);
// `words` are the user's words after the program name, as typed. Not for CLI::Success (help,
// version), which is not an error.
std::string explain_parse_error(const CLI::App& app, const CLI::ParseError& e, const std::vector<std::string>& words);

// "unknown command 'scna' (did you mean 'scan'?); the commands are scan, lookup, ...", for a
// first word that names no command of `app` (also used when the words name none at all).
std::string unknown_command(const CLI::App& app, const std::vector<std::string>& words);

// "unknown option '--serch' (did you mean '--search'?)": the closest of `known` (the spellings
// `cmd` takes), or, when none is close, where the options are listed.
std::string unknown_option(const std::string& typed, const std::vector<std::string>& known, const CLI::App& cmd);

// The usage line of `cmd` ("usage: portauth probe [OPTIONS] HOST PORT").
std::string usage_of(const CLI::App& cmd);

// Any message made one line: each line break becomes "; " (a message is printed as
// "portauth: MESSAGE" and read by scripts line by line).
std::string one_line(std::string message);

}  // namespace portauth::cli
