// `portauth probe HOST PORT`: probes one TCP port of one host with the scanner (retries
// included), then explains the answer: the state with its reason and TTL, what that state
// means in ShieldsUP's words, and the port's Port Authority page.
//
// Exit codes: 0 the probe ran (whatever the state), 1 bad input (HOST, PORT, an option, the
// database; found before anything is sent), 2 the wire could not be set up (privileges,
// interface, route).
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>


namespace portauth::app {

void add_probe_command(CLI::App& app, int& exit_code, const std::string& command_line);

}  // namespace portauth::app
