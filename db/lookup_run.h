// `portauth lookup QUERY | --search TEXT [--format text|json] [--limit N] [--db FILE]
//  [--iana FILE]`: what portauth knows about a port, a service or a trojan.
//
//   QUERY a port 0-65535    the port's page, for any port: portauth's entry, else the IANA
//                           registry, else /etc/services, else "unassigned" with what that
//                           means (port_page.h); every page says where its facts came from
//   QUERY PORT/tcp|PORT/udp that protocol's page exactly (1194/udp)
//   QUERY a name            every entry whose name or alias it is (case-insensitive); if none,
//                           every entry listing a trojan of that name or catalog spelling
//   --search TEXT           ranked matches over names, aliases, purposes, descriptions and
//                           trojan names, then IANA names (port_search.h)
//
// Error contract: bad input (a number outside 0-65535, "-1", an empty query, an unknown
// name, a search with no match, QUERY and --search together or neither) and database
// problems are thrown as std::runtime_error (LookupError or portauth::db::DbError) with a
// complete message; main() prints "portauth: <what>" and exits 1. Nothing calls std::exit.
// A missing IANA registry is not an error: pages say it is not installed.
#pragma once

#include <cstddef>
#include <ostream>
#include <stdexcept>
#include <string>

namespace portauth::db {

class LookupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LookupOptions {
  std::string query;            // a port, PORT/PROTO, or a service or trojan name
  std::string search;           // --search TEXT ("" = not a search)
  std::string format = "text";  // "text" or "json"
  size_t limit = 25;            // --limit: most search results shown (0 = all)
  std::string db_path;          // --db; "" = resolve_db_path() defaults
  std::string iana_path;        // --iana; "" = /usr/share/wireshark/services
};

// Text: one page per match, separated by a blank line; a search prints one line per hit.
// JSON: a port query prints one object; a name query an array of page objects; a search
// {"query", "matches": [{"port", "last", "proto", "name", "purpose", "source", "matched",
// "score"}]}. Returns 0.
int run_lookup(const LookupOptions& options, std::ostream& out);

// Registers the `lookup` subcommand; its callback runs run_lookup() on std::cout.
}  // namespace portauth::db
