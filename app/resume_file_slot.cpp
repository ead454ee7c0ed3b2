#include "app/resume_file_slot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "app/privileges.h"
#include "config/scan_options.h"

namespace portauth::app {

ResumeFileSlot::ResumeFileSlot(const std::string& path, bool resumed, const std::string& owner)
    : path_(path), resumed_(resumed) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd_ >= 0) {
    created_ = true;
    // The unprivileged scan's own file: it may rename a new one over it, or remove it, in a
    // sticky directory such as /tmp (else it keeps writing through fd_).
    give_to_user(fd_, owner);
  } else if (errno == EEXIST) {
    // An older resume file (or the one --resume reads): kept as it is until an interrupt
    // rewrites it.
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  }
  if (fd_ < 0)
    throw std::runtime_error("cannot create the --resume-file '" + path + "': " + std::strerror(errno) +
                             "; nothing was sent");
}

ResumeFileSlot::~ResumeFileSlot() {
  if (fd_ >= 0) ::close(fd_);
}

bool ResumeFileSlot::named(const std::string& path, bool resumed) {
  if (resumed) return true;
  // The default, and the default with a config file's scan name appended.
  const std::string fallback = config::ScanOptions{}.resume_file;
  return path != fallback && path.rfind(fallback + ".", 0) != 0;
}

void ResumeFileSlot::settle(const output::ScanSummary& summary) {
  if (summary.interrupted) return;  // it holds the resume state
  // Ours to remove: the file made for this scan, the one this scan resumed, or an empty one (made
  // for a run that was killed). Another scan's resume file is left alone.
  struct stat st {};
  const bool empty = fstat(fd_, &st) == 0 && st.st_size == 0;
  if (!created_ && !resumed_ && !empty) return;
  if (::unlink(path_.c_str()) == 0) {
    if (resumed_) std::fprintf(stderr, "portauth: resumed scan finished; removed %s\n", path_.c_str());
    return;
  }
  const int err = errno;
  // After the privilege drop the directory may not be ours to change: empty the file instead, so
  // it can never resume a scan that is over.
  if (ftruncate(fd_, 0) == 0)
    std::fprintf(stderr, "portauth: note: the scan is complete, so the resume file %s is left empty (it could not be "
                 "removed: %s)\n", path_.c_str(), std::strerror(err));
  else
    std::fprintf(stderr, "portauth: the scan is complete, but %s could not be removed (%s): remove it\n",
                 path_.c_str(), std::strerror(err));
}

}  // namespace portauth::app
