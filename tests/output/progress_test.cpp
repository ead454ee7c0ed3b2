#include "output/progress.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace portauth::output {
namespace {

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

ProgressSnapshot first_pass() {
  ProgressSnapshot p;
  p.elapsed_seconds = 1.4;
  p.packets_sent = 27525;
  p.first_pass_done = 27525;
  p.first_pass_total = 65536;
  p.pass = 0;
  p.passes = 3;
  p.current_pps = 20000;
  p.open = 12;
  p.closed = 3;
  p.pcap_dropped = 0;
  return p;
}

TEST(Progress, LineCarriesEverythingAsked) {
  const std::string line = progress_line(first_pass());
  EXPECT_TRUE(contains(line, "[pass 1/3]")) << line;
  EXPECT_TRUE(contains(line, " 42.0%")) << line;
  EXPECT_TRUE(contains(line, "27,525/65,536 probes")) << line;
  EXPECT_TRUE(contains(line, "ETA 0:02")) << line;  // 38,011 left at 20,000 pps
  EXPECT_TRUE(contains(line, "sent 27,525")) << line;
  EXPECT_TRUE(contains(line, "20,000 pps")) << line;
  EXPECT_TRUE(contains(line, "open 12")) << line;
  EXPECT_TRUE(contains(line, "drops 0")) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(Progress, ShowsTheControllersRateAndWhy) {
  ProgressSnapshot p = first_pass();
  EXPECT_FALSE(contains(progress_line(p), "rate ")) << "a fixed-rate scan has no controller to report";
  p.target_rate = 48000;
  p.rate_note = "held by 198.18.0.4's answers";
  const std::string line = progress_line(p);
  EXPECT_TRUE(contains(line, "rate 48,000 pps (held by 198.18.0.4's answers)")) << line;
}

TEST(Progress, RetryPassAndWaiting) {
  ProgressSnapshot p = first_pass();
  p.pass = 1;
  p.first_pass_done = 65536;
  EXPECT_TRUE(contains(progress_line(p), "[pass 2/3] re-probing")) << progress_line(p);
  p.sending_done = true;
  EXPECT_TRUE(contains(progress_line(p), "waiting for late replies")) << progress_line(p);
}

TEST(Progress, UnknownRateHasNoEta) {
  ProgressSnapshot p = first_pass();
  p.current_pps = 0;
  EXPECT_TRUE(contains(progress_line(p), "ETA --:--")) << progress_line(p);
}

TEST(Progress, ShownOnATerminalOrWhenAsked) {
  EXPECT_TRUE(should_show_progress(ProgressMode::kAuto, true));
  EXPECT_FALSE(should_show_progress(ProgressMode::kAuto, false));  // piped: no noise
  EXPECT_TRUE(should_show_progress(ProgressMode::kOn, false));
  EXPECT_FALSE(should_show_progress(ProgressMode::kOff, true));
}

TEST(Progress, RewritesInPlaceAndClears) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  {
    ProgressDisplay d(f);
    d.update(first_pass());
    ProgressSnapshot p = first_pass();
    p.sending_done = true;  // a shorter line: padded over the longer one
    d.update(p);
    d.clear();
  }
  std::fclose(f);
  const std::string out(buf, len);
  std::free(buf);
  EXPECT_EQ(out.find('\n'), std::string::npos) << "progress must never scroll";
  EXPECT_EQ(out[0], '\r');
  const std::string first = progress_line(first_pass());
  ProgressSnapshot waiting = first_pass();
  waiting.sending_done = true;
  const std::string second = progress_line(waiting);
  ASSERT_LT(second.size(), first.size());
  // The second, shorter line is padded with spaces over the end of the first.
  EXPECT_TRUE(contains(out, "\r" + first + "\r" + second + std::string(first.size() - second.size(), ' ') + "\r" +
                                second))
      << out;
  // The clear at the end blanks the line and returns to its start.
  EXPECT_EQ(out.substr(out.size() - second.size() - 2), "\r" + std::string(second.size(), ' ') + "\r");
}

// As the first of the scan's writers, it clears the line before any report is written.
TEST(Progress, FinishClearsTheLine) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  {
    ProgressDisplay d(f);
    d.update(first_pass());
    d.clear();  // as the scan does when it ends, before any report
    std::fputs("report", f);  // what the next writer prints
  }
  std::fclose(f);
  const std::string out(buf, len);
  std::free(buf);
  const std::string line = progress_line(first_pass());
  EXPECT_EQ(out, "\r" + line + "\r" + std::string(line.size(), ' ') + "\rreport");
}

}  // namespace
}  // namespace portauth::output
