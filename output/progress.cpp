#include "output/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>

namespace portauth::output {
namespace {

std::string duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = uint64_t(std::llround(seconds));
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%" PRIu64 ":%02" PRIu64, s / 60, s % 60);
  return buf;
}

}  // namespace

ProgressMode progress_mode(const std::string& option) {
  return option == "on" ? ProgressMode::kOn : option == "off" ? ProgressMode::kOff : ProgressMode::kAuto;
}

bool should_show_progress(ProgressMode mode, bool stderr_is_tty) {
  switch (mode) {
    case ProgressMode::kOn: return true;
    case ProgressMode::kOff: return false;
    case ProgressMode::kAuto: return stderr_is_tty;
  }
  return false;
}

std::string progress_line(const ProgressSnapshot& p) {
  const uint64_t total = p.first_pass_total;
  const uint64_t done = std::min(p.first_pass_done, total);
  const double percent = total ? 100.0 * double(done) / double(total) : 100.0;
  char buf[256];
  std::string line;
  std::snprintf(buf, sizeof buf, "[pass %u/%u] ", p.pass + 1, p.passes);
  line += buf;
  if (p.sending_done) {
    line += "waiting for late replies";
  } else if (p.pass == 0) {
    // ETA of the first pass from the current rate; retry passes only re-probe the few
    // unanswered ports, so the first pass is nearly all of the sending.
    const double eta = p.current_pps > 0 ? double(total - done) / p.current_pps : -1;
    std::snprintf(buf, sizeof buf, "%5.1f%%  %s/%s probes  ETA %s", percent, grouped(done).c_str(),
                  grouped(total).c_str(), duration(eta).c_str());
    line += buf;
  } else {
    line += "re-probing unanswered ports";
  }
  std::snprintf(buf, sizeof buf, "  sent %s  %s pps  open %s  closed %s  drops %s  %s elapsed",
                grouped(p.packets_sent).c_str(), grouped(uint64_t(std::llround(p.current_pps))).c_str(),
                grouped(p.open).c_str(), grouped(p.closed).c_str(), grouped(p.pcap_dropped).c_str(),
                duration(p.elapsed_seconds).c_str());
  line += buf;
  // The closed loop's rate of the moment, and why (scanner/rate_controller.h).
  if (p.target_rate > 0) {
    line += "  rate " + grouped(uint64_t(std::llround(p.target_rate))) + " pps";
    if (!p.rate_note.empty()) line += " (" + p.rate_note + ")";
  }
  return line;
}

void ProgressDisplay::update(const ProgressSnapshot& p) {
  std::string line = progress_line(p);
  // A line longer than the terminal wraps, and '\r' then rewrites only its last row: cut it
  // to the width (asked each time, the window may have been resized).
  struct winsize ws {};
  if (ioctl(fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && line.size() >= ws.ws_col)
    line.resize(ws.ws_col - 1);
  // Pad over whatever the previous, possibly longer, line left on the screen. Plain spaces
  // rather than an ANSI erase, so a --progress log written to a file stays plain text.
  const size_t pad = last_width_ > line.size() ? last_width_ - line.size() : 0;
  std::fprintf(out_, "\r%s%*s", line.c_str(), int(pad), "");
  if (pad > 0) std::fprintf(out_, "\r%s", line.c_str());
  std::fflush(out_);
  last_width_ = line.size();
}

void ProgressDisplay::clear() {
  if (last_width_ == 0) return;
  std::fprintf(out_, "\r%*s\r", int(last_width_), "");
  std::fflush(out_);
  last_width_ = 0;
}

}  // namespace portauth::output
