// portauth_dbgen YAML INDEX: validates a port database and writes its compiled index.
// portauth_dbgen --json YAML: validates it and prints every entry as JSON on stdout, for
// tools without a YAML parser (scripts/db_coverage.py).
//
// Run by the build for db/data/ports.yaml, so a database that fails validation fails the
// build with the loader's "FILE:LINE:COL: what is wrong". The index is written to a
// temporary file and renamed into place, so a failed or interrupted run never leaves a
// half-written index for portauth to trip over.
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "db/db_loader.h"
#include "db/index_file.h"
#include "db/yaml_tree.h"

namespace {

using namespace portauth::db;

nlohmann::json entry_json(const PortEntry& e) {
  return {{"first", e.first},          {"last", e.last},
          {"proto", proto_name(e.proto)}, {"name", e.name},
          {"aliases", e.aliases},      {"purpose", e.purpose},
          {"description", e.description}, {"security", e.security},
          {"if_open", e.if_open},      {"history", e.history},
          {"background", e.background}, {"related", e.related},
          {"trojans", e.trojans},      {"trojan_notes", e.trojan_notes},
          {"risk", risk_name(e.risk)}, {"refs", e.refs},
          {"rank", e.rank},            {"line", e.line}};
}

int dump_json(const std::string& yaml_path) {
  try {
    const LoadedDb db = load_db_yaml(read_db_file(yaml_path, YamlLimits{}.max_bytes), yaml_path);
    nlohmann::json out = {{"data_version", db.data_version},
                          {"entries", nlohmann::json::array()},
                          {"trojans", nlohmann::json::array()}};
    for (const PortEntry& entry : db.entries) out["entries"].push_back(entry_json(entry));
    for (const TrojanName& trojan : db.trojans)
      out["trojans"].push_back({{"name", trojan.name}, {"aliases", trojan.aliases}});
    std::cout << out.dump() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "portauth_dbgen: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--json") return dump_json(argv[2]);
  if (argc != 3) {
    std::cerr << "usage: portauth_dbgen PORTS.yaml OUT.idx | portauth_dbgen --json PORTS.yaml\n";
    return 2;
  }
  const std::string yaml_path = argv[1];
  const std::string index_path = argv[2];
  try {
    const LoadedDb db = load_db_yaml(read_db_file(yaml_path, YamlLimits{}.max_bytes), yaml_path);
    const std::string bytes = write_index(db);
    // Read it back: what ships must be what the reader accepts, equal to what was loaded.
    const LoadedDb back = read_index(bytes, index_path);
    if (back.entries.size() != db.entries.size()) throw std::runtime_error("index read-back differs");
    const std::string temporary = index_path + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      if (!out.flush()) throw std::runtime_error("cannot write " + temporary);
    }
    if (std::rename(temporary.c_str(), index_path.c_str()) != 0)
      throw std::runtime_error("cannot rename " + temporary + " to " + index_path);
    std::cout << "portauth_dbgen: " << db.entries.size() << " entries from " << yaml_path
              << " -> " << index_path << " (" << bytes.size() << " bytes)\n";
  } catch (const std::exception& e) {
    std::cerr << "portauth_dbgen: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
