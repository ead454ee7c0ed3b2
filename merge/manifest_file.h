// The --manifest FILE of one scan: created (and truncated) before the scan starts, while the
// process may still create files where it was started, written once the scan has ended.
//
// Truncating at the start means a manifest left by an earlier run of the same shard never
// outlives the outputs it described: a run that dies leaves an empty file, which merge
// names as an unfinished shard. The plan and its --show are taken at construction, before
// the scan widens the plan's show mask for its writers, and every output file (already
// created by then) is opened for reading: the scan may drop root before it ends, and the
// checksums must not depend on the new user being allowed to read root's directory.
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "output/report.h"
#include "config/scan_plan.h"

namespace portauth::merge {

class ManifestFile {
 public:
  // Throws std::runtime_error naming the file when it cannot be created.
  ManifestFile(const std::string& path, const config::ScanPlan& plan);
  ~ManifestFile();
  ManifestFile(const ManifestFile&) = delete;
  ManifestFile& operator=(const ManifestFile&) = delete;
  // After the scan: hashes the outputs (flushed by their writers' finish()) and writes the
  // manifest. Prints a warning on stderr when it cannot.
  void write(const output::ScanSummary& summary);
  // The wire could not be set up: nothing was sent; the manifest says why.
  void write_setup_error(const std::string& error);
  const std::string& path() const { return path_; }

 private:
  void put(const std::string& text);
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  std::string path_;
  config::ScanPlan plan_;
  unsigned show_;
  std::vector<int> output_fds_;  // plan_.outputs[i] opened read-only, or -1
};

}  // namespace portauth::merge
