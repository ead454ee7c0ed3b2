// `portauth lookup QUERY [--format text|json] [--db FILE]`: print what the port database
// knows about a port (any 0-65535; unlisted ports get a fallback page) or about a service
// name or alias (case-insensitive; every matching entry is printed).
//
// Error contract: bad input (a number outside 0-65535, "-1", an empty query, an unknown
// name) and database problems are thrown as std::runtime_error (LookupError or
// portauth::db::DbError) with a complete message; main() prints "portauth: <what>" and
// exits 1. Nothing calls std::exit.
#pragma once

#include <ostream>
#include <stdexcept>
#include <string>

namespace CLI {
class App;
}

namespace portauth::app {

class LookupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LookupOptions {
  std::string query;            // a decimal port 0-65535, or a service name/alias
  std::string format = "text";  // "text" or "json"
  std::string db_path;          // --db; "" = resolve_db_path() defaults
};

// Text: one page per match, separated by a blank line. JSON: a port query prints one object;
// a name query prints an array of objects (it can match several entries). Returns 0.
int run_lookup(const LookupOptions& options, std::ostream& out);

// Registers the `lookup` subcommand; its callback runs run_lookup() on std::cout.
void add_lookup_command(CLI::App& app);

}  // namespace portauth::app
