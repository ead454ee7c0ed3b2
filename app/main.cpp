// portauth: a thin main that wires the subcommands; each lives in its own file.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "lookup_command.h"
#include "scan_command.h"

int main(int argc, char** argv) {
  CLI::App app{"portauth: a fast TCP SYN port scanner that explains what it finds"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "portauth 0.1.0");
  int exit_code = 0;
  portauth::app::add_scan_command(app, exit_code);
  portauth::app::add_lookup_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 1;  // one exit code for every kind of bad input
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
