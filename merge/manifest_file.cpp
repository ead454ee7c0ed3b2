#include "merge/manifest_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "merge/manifest.h"

namespace portauth::merge {

ManifestFile::ManifestFile(const std::string& path, const config::ScanPlan& plan)
    : file_(std::fopen(path.c_str(), "w")), path_(path), plan_(plan), show_(plan.show) {
  if (!file_) throw std::runtime_error("cannot write --manifest file '" + path + "': " + std::strerror(errno));
  for (const auto& o : plan.outputs)
    output_fds_.push_back(o.path.empty() || o.path == "-" ? -1 : ::open(o.path.c_str(), O_RDONLY | O_CLOEXEC));
}

ManifestFile::~ManifestFile() {
  for (int fd : output_fds_)
    if (fd >= 0) ::close(fd);
}

void ManifestFile::put(const std::string& text) {
  // The file is written once, at the end; on a shared file system it must be on disk
  // before the task reports success to the batch engine.
  if (std::fwrite(text.data(), 1, text.size(), file_.get()) != text.size() || std::fflush(file_.get()) != 0 ||
      fsync(fileno(file_.get())) != 0)
    std::fprintf(stderr, "portauth: warning: cannot write --manifest file '%s': %s\n", path_.c_str(),
                 std::strerror(errno));
}

void ManifestFile::write(const output::ScanSummary& summary) {
  put(manifest_json(make_manifest(plan_, show_, summary, path_, &output_fds_)));
}

void ManifestFile::write_setup_error(const std::string& error) {
  output::ScanSummary none;
  Manifest m = make_manifest(plan_, show_, none, path_, &output_fds_);
  m.complete = false;
  m.error = error;
  put(manifest_json(m));
}

}  // namespace portauth::merge
