// A resume file the user named, made before privileges are dropped, as outputs are.
//
// Issue 19.7: run as root, `--resume-file /tmp/x/r2.yaml` was ignored on Ctrl-C ("Permission
// denied; writing /tmp/portauth-resume-PID.yaml instead") because by then the process was
// `nobody`; a Slurm task's resume file landed in the node's /tmp the same way. So a named path
// (--resume-file PATH, or the file of --resume) is created, or opened, while the scan can still
// create it (an error names it before anything is sent), and its descriptor is kept: the engine
// writes the resume file atomically where it may, else through that descriptor
// (engine/run_scan.h RunOptions::resume_fd). Never /tmp instead of a path the user gave. The
// default path (portauth-resume.yaml, not named) is written only on an interrupt, as before.
//
// After the scan, settle(): a complete scan needs no resume file, so the file this slot created
// (still empty), an empty one a killed run left, and the --resume file a resumed scan has
// finished are removed; where the unprivileged user may not remove it, it is emptied instead
// (`--resume` of an empty file says there is nothing to resume), and a note says so.
#pragma once
#include <memory>
#include <string>

#include "output/report.h"

namespace portauth::app {

class ResumeFileSlot {
 public:
  // Opens `path` (O_CREAT, never truncating a file that exists); a file it creates is given to
  // `owner`, the user the scan will become (app/privileges.h). Throws std::runtime_error naming
  // the path. `resumed`: the path is the file of --resume, whose scan this finishes.
  ResumeFileSlot(const std::string& path, bool resumed, const std::string& owner);
  ~ResumeFileSlot();
  ResumeFileSlot(const ResumeFileSlot&) = delete;
  ResumeFileSlot& operator=(const ResumeFileSlot&) = delete;

  // Whether `path` is one the user named, given the options' default for --resume-file.
  static bool named(const std::string& path, bool resumed);

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // After the scan (see above); prints what it did to stderr.
  void settle(const output::ScanSummary& summary);

 private:
  std::string path_;
  int fd_ = -1;
  bool created_ = false;
  bool resumed_ = false;
};

}  // namespace portauth::app
