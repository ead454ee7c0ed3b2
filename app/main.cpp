// portauth: a thin main that wires the subcommands; each lives in its own file.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "app/lookup_command.h"
#include "app/merge_command.h"
#include "cli/nmap_style_args.h"
#include "cli/option_values.h"
#include "cli/parse_errors.h"
#include "common/version.h"
#include "app/probe_command.h"
#include "app/scan_command.h"
#include "app/serve_command.h"
#include "app/shieldsup_command.h"
#include "config/spec_error.h"

int main(int argc, char** argv) {
  CLI::App app{"portauth: a fast TCP SYN port scanner that explains what it finds"};
  app.name("portauth");
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("portauth ") + portauth::common::kVersion);
  int exit_code = 0;
  std::string command_line = "portauth";
  for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
  portauth::app::add_scan_command(app, exit_code, command_line);
  portauth::app::add_lookup_command(app);
  portauth::app::add_probe_command(app, exit_code, command_line);
  portauth::app::add_shieldsup_command(app, exit_code, command_line);
  portauth::app::add_merge_command(app, exit_code, command_line);
  portauth::app::add_serve_command(app, exit_code);
  const std::vector<std::string> words(argv + 1, argv + argc);
  try {
    portauth::cli::refuse_option_like_values(app, words);
    portauth::cli::refuse_empty_values(app, words);
    // CLI11 wants the arguments in reverse order when given a vector.
    std::vector<std::string> args = portauth::cli::rewrite_nmap_style_args(argc, argv);
    args.erase(args.begin());
    std::reverse(args.begin(), args.end());
    app.parse(args);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    // One voice for every error, CLI11's included (cli/parse_errors.h); exit 1 for bad input.
    std::fprintf(stderr, "portauth: %s\n", portauth::cli::explain_parse_error(app, e, words).c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %s\n", portauth::cli::one_line(e.what()).c_str());
    return 1;
  }
  return exit_code;
}
