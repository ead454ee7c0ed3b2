// An option's value that looks like an option is refused (issue 19, item 1).
//
// CLI11, like getopt, gives an option that takes a value the next word whatever it is, so
// `portauth scan HOST -oA --dry-run` wrote ./--dry-run.xml and scanned for real: the one word
// meant to make the command harmless was swallowed as a file name. Here, before anything is
// parsed, a value-taking option followed by a word that begins with '-' is an error, naming
// both and saying how to mean it: `--output-all=--dry-run`, or `./--dry-run` for a file.
// "-" alone stays a value (standard input for -iL, every port for -p), as does anything after
// "--". So a --dry-run anywhere on the line is never lost.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace portauth::cli {

// `words` are the user's words after the program name, before rewrite_nmap_style_args (so the
// message uses their spelling: -oA, -iL). The value-taking options are those of the
// subcommand the words name (CLI11's definitions, plus the option table's nmap aliases) and of
// `app` itself. Throws config::SpecError.
void refuse_option_like_values(const CLI::App& app, const std::vector<std::string>& words);

}  // namespace portauth::cli
