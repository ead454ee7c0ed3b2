// Live progress on a terminal: one line on stderr, rewritten in place with '\r' every time
// the scan hands over a snapshot (~250 ms), e.g.
//   [pass 1/3]  42.0%  27,525/65,536 probes  20,012 pps  ETA 0:02  open 12  drops 0
// then, after the last probe of the last pass, "waiting for late replies". clear() blanks
// the line so that the final summary starts on a clean one. Whether to show it at all is
// should_show_progress(): on when asked (--progress), off when refused (--no-progress),
// otherwise only when stderr is a terminal (never noise in a pipe or a log file).
#pragma once
#include <cstdio>
#include <string>

#include "output/report.h"

namespace portauth::output {

enum class ProgressMode { kAuto, kOn, kOff };
// The --progress option's value: "on", "off", anything else (the default "auto") kAuto.
ProgressMode progress_mode(const std::string& option);

bool should_show_progress(ProgressMode mode, bool stderr_is_tty);

// The line for one snapshot, without '\r' or padding (pure: tested on its own).
std::string progress_line(const ProgressSnapshot& p);

// The live line on a terminal. Not a result writer: the scan calls update() with each snapshot
// (RunOptions::progress) and clear() once sending and waiting are over, before any writer's
// finish() prints a report (RunOptions::progress_end), so the line never mixes with a table.
class ProgressDisplay final {
 public:
  explicit ProgressDisplay(std::FILE* out) : out_(out) {}
  ~ProgressDisplay() { clear(); }
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  void update(const ProgressSnapshot& p);
  // Erases the line (if one was drawn) and leaves the cursor at its start.
  void clear();

 private:
  std::FILE* out_;
  size_t last_width_ = 0;
};

}  // namespace portauth::output
