#include "app/lookup_command.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "db/lookup_run.h"

namespace portauth::app {

void add_lookup_command(CLI::App& app) {
  // Shared with the callback, which CLI11 runs after parsing fills it in.
  auto options = std::make_shared<db::LookupOptions>();
  CLI::App* lookup = app.add_subcommand(
      "lookup", "Show what portauth knows about a port, a service or a trojan, or search it");
  lookup->add_option("QUERY", options->query,
                     "A port number (0-65535, or PORT/udp), a service name/alias or a trojan name");
  lookup->add_option("--search", options->search,
                     "Find ports by name, alias, purpose, description or trojan name, ranked");
  // run_lookup checks the value (one message for a bad one, in portauth's voice).
  lookup->add_option("--format", options->format, "Output format: text or json")->capture_default_str();
  lookup->add_option("--limit", options->limit, "Most search results to show (0 = all)")
      ->capture_default_str();
  lookup->add_option("--db", options->db_path,
                     "Port database file, YAML or compiled index (default: $PORTAUTH_DB, then "
                     "the installed or build-tree database)");
  lookup->add_option("--iana", options->iana_path,
                     "IANA services file (default: /usr/share/wireshark/services, from the "
                     "Debian package libwireshark-data)");
  lookup->callback([options] {
    if (options->query.empty() && options->search.empty()) {
      throw db::LookupError("give a QUERY (a port, service or trojan) or --search TEXT, e.g. "
                        "'portauth lookup 25' or 'portauth lookup --search redis'");
    }
    db::run_lookup(*options, std::cout);
  });
}

}  // namespace portauth::app
