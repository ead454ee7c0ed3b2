// Where the port database is: the first of, in order,
//   1. the --db value,
//   2. the PORTAUTH_DB environment variable,
//   3. the installed copy next to the running binary, found through /proc/self/exe:
//      <prefix>/bin/portauth -> <prefix>/share/portauth/ports.idx (the compiled index), or
//      ports.yaml beside it,
//   4. the build tree's compiled index (compiled in), or the source tree's
//      db/data/ports.yaml (compiled in) for a binary run from its build tree.
// 1 and 2 are what the user asked for: if one is set but names no file, that is an error
// naming it, not a silent fall-through to another database. Either may name a YAML file or
// an index (PortDb::load_file tells them apart). In 3 and 4 an index is skipped when the
// YAML it stands for is newer (edited since the last build), so an edit is never hidden by
// a stale index. If nothing exists the error lists every place looked.
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
  std::string source_path;               // compiled-in source-tree YAML path
  std::string build_index_path;          // compiled-in build-tree index path ("" = none)
};
std::string resolve_db_path(const DbPathInputs& inputs);

// <prefix>/share/portauth/ports.yaml for an executable at <prefix>/bin/NAME ("" if exe_path
// is "").
std::string installed_db_path(const std::string& exe_path);
// The same directory's compiled index, <prefix>/share/portauth/ports.idx.
std::string installed_index_path(const std::string& exe_path);

// The compiled-in source-tree database path (PORTAUTH_DB_SOURCE_PATH).
std::string source_db_path();
// The compiled-in build-tree index path (PORTAUTH_DB_INDEX_BUILD_PATH).
std::string build_index_path();

}  // namespace portauth::db
