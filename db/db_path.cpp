#include "db/db_path.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#ifndef PORTAUTH_DB_SOURCE_PATH
#error "PORTAUTH_DB_SOURCE_PATH must be defined by db/CMakeLists.txt"
#endif
#ifndef PORTAUTH_DB_INSTALL_RELPATH
#error "PORTAUTH_DB_INSTALL_RELPATH must be defined by db/CMakeLists.txt"
#endif
#ifndef PORTAUTH_DB_INDEX_BUILD_PATH
#error "PORTAUTH_DB_INDEX_BUILD_PATH must be defined by db/CMakeLists.txt"
#endif

namespace portauth::db {
namespace {

bool is_file(const std::string& path) {
  std::error_code ec;  // a permission error while probing just means "not here"
  return std::filesystem::is_regular_file(path, ec);
}

// An index stands for its YAML unless the YAML was changed after the index was built.
bool index_is_current(const std::string& index, const std::string& yaml) {
  if (!is_file(index)) return false;
  std::error_code ec;
  const auto yaml_time = std::filesystem::last_write_time(yaml, ec);
  if (ec) return true;  // no YAML beside it: the index is all there is
  const auto index_time = std::filesystem::last_write_time(index, ec);
  return !ec && index_time >= yaml_time;
}

std::string exe_path() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : path.string();
}

}  // namespace

std::string installed_db_path(const std::string& exe) {
  if (exe.empty()) return {};
  const std::filesystem::path prefix = std::filesystem::path(exe).parent_path().parent_path();
  return (prefix / PORTAUTH_DB_INSTALL_RELPATH).lexically_normal().string();
}

std::string installed_index_path(const std::string& exe) {
  const std::string yaml = installed_db_path(exe);
  if (yaml.empty()) return {};
  return std::filesystem::path(yaml).replace_extension(".idx").string();
}

std::string source_db_path() { return PORTAUTH_DB_SOURCE_PATH; }
std::string build_index_path() { return PORTAUTH_DB_INDEX_BUILD_PATH; }

std::string resolve_db_path(const DbPathInputs& in) {
  if (!in.cli_value.empty()) {
    if (is_file(in.cli_value)) return in.cli_value;
    throw std::runtime_error("port database '" + in.cli_value + "' (from --db) does not exist");
  }
  if (in.env_value && !in.env_value->empty()) {
    if (is_file(*in.env_value)) return *in.env_value;
    throw std::runtime_error("port database '" + *in.env_value +
                             "' (from PORTAUTH_DB) does not exist");
  }
  std::string looked;
  const std::string installed = installed_db_path(in.exe_path);
  if (!installed.empty()) {
    const std::string index = installed_index_path(in.exe_path);
    if (index_is_current(index, installed)) return index;
    if (is_file(installed)) return installed;
    looked += "\n  " + index + " or " + installed + " (installed copy, next to " + in.exe_path + ")";
  }
  if (!in.build_index_path.empty() && index_is_current(in.build_index_path, in.source_path))
    return in.build_index_path;
  if (is_file(in.source_path)) return in.source_path;
  looked += "\n  " + in.source_path + " (source tree)";
  throw std::runtime_error("port database not found; looked in:" + looked +
                           "\ngive one with --db FILE or the PORTAUTH_DB environment variable");
}

std::string resolve_db_path(const std::string& cli_value) {
  DbPathInputs inputs;
  inputs.cli_value = cli_value;
  if (const char* env = std::getenv("PORTAUTH_DB")) inputs.env_value = env;
  inputs.exe_path = exe_path();
  inputs.source_path = source_db_path();
  inputs.build_index_path = build_index_path();
  return resolve_db_path(inputs);
}

}  // namespace portauth::db
