// Where the port database is: the first of, in order,
//   1. the --db value,
//   2. the PORTAUTH_DB environment variable,
//   3. the installed copy next to the running binary: <prefix>/bin/portauth ->
//      <prefix>/share/portauth/ports.yaml (found through /proc/self/exe),
//   4. the source tree's db/data/ports.yaml, compiled in (for a binary run from its build tree).
// 1 and 2 are what the user asked for: if one is set but names no file, that is an error
// naming it, not a silent fall-through to another database. 3 and 4 are tried in turn; if
// neither exists the error lists every place looked.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace portauth::db {

// Uses the real environment and /proc/self/exe. Throws std::runtime_error.
std::string resolve_db_path(const std::string& cli_value);

// The same rules with every input given, for tests.
struct DbPathInputs {
  std::string cli_value;                 // "" = not given
  std::optional<std::string> env_value;  // PORTAUTH_DB; nullopt or "" = not set
  std::string exe_path;                  // "" = unknown
  std::string source_path;               // compiled-in source-tree path
};
std::string resolve_db_path(const DbPathInputs& inputs);

// <prefix>/share/portauth/ports.yaml for an executable at <prefix>/bin/NAME ("" if exe_path
// is "").
std::string installed_db_path(const std::string& exe_path);

// The compiled-in source-tree database path (PORTAUTH_DB_SOURCE_PATH).
std::string source_db_path();

}  // namespace portauth::db
