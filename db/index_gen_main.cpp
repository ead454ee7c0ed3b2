// portauth_dbgen YAML INDEX: validates a port database and writes its compiled index.
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

#include "db/db_loader.h"
#include "db/index_file.h"
#include "db/yaml_tree.h"

int main(int argc, char** argv) {
  using namespace portauth::db;
  if (argc != 3) {
    std::cerr << "usage: portauth_dbgen PORTS.yaml OUT.idx\n";
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
