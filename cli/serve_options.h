// `portauth serve`'s own options, one row each: the command line binds every row to its
// setting (app/serve_command.cpp, which refuses to start when a row and a binding disagree),
// and the shell completions and the man page's SERVE section are generated from the rows
// (cli/completion.cpp, cli/option_docs.h). serve takes no row of the scan option table
// (config/option_rows.cpp): its scans are fixed by the server, only their pacing is the
// operator's (--rate, --retries, --wait, with the scan options' meaning).
#pragma once
#include <span>
#include <string_view>

namespace portauth::cli {

struct ServeOption {
  std::string_view name;          // "--listen"
  std::string_view value;         // "ADDR:PORT"; "" for a flag
  std::string_view help;          // one line, no trailing period
  std::string_view default_text;  // as --help and the documents show it; "" for none
};

std::span<const ServeOption> serve_options();
// The row of `name`; throws std::logic_error when there is none (a binding without a row).
const ServeOption& serve_option(std::string_view name);

}  // namespace portauth::cli
