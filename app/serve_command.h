// `portauth serve [--listen ADDR:PORT] [--allow-clients CIDR] [--trusted-proxy CIDR] ...`:
// ShieldsUP and the Port Authority as a web service (web/). Binds, loads the database, drops to
// --user with CAP_NET_RAW only, then serves until SIGINT or SIGTERM (the first lets running
// requests finish, a second ends at once).
//
// Exit codes: 0 stopped by a signal, 1 bad input (an option, the database), 2 the server or the
// wire could not be set up (the port is taken, no CAP_NET_RAW).
#pragma once
#include <CLI/CLI.hpp>

namespace portauth::app {

void add_serve_command(CLI::App& app, int& exit_code);

}  // namespace portauth::app
