// An option's value that looks like an option is refused (issue 19, item 1).
//
// CLI11, like getopt, gives an option that takes a value the next word whatever it is, so
// `portauth scan HOST -oA --dry-run` wrote ./--dry-run.xml and scanned for real: the one word
// meant to make the command harmless was swallowed as a file name. Here, before anything is
// parsed, a value-taking option followed by a word that begins with '-' is an error, naming
// both and saying how to mean it: `--output-all=--dry-run`, or `./--dry-run` for a file.
// "-" alone stays a value (standard input for -iL, every port for -p), as does anything after
// "--". So a --dry-run anywhere on the line is never lost.
//
// An empty word is refused too (issue 19, item 4): `-p ""` (an unset shell variable, most often)
// used to scan the default port set, because an empty value is how the options say "not given";
// `--ports=` took the NEXT word as its value; an empty target or HOST was reported late and
// vaguely. Every empty value and every empty argument is an error naming the option, before
// anything is parsed.
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

// `words` as above. Throws config::SpecError for an option given an empty value (`-p ""`,
// `--ports=`) or an empty argument (a target, HOST, PORT or QUERY of "").
void refuse_empty_values(const CLI::App& app, const std::vector<std::string>& words);

}  // namespace portauth::cli
