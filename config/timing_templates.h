// nmap's timing templates (-T0 .. -T5, or their names), mapped onto what portauth's pacing
// has: the rate ceiling (--rate/--max-rate), the retry passes (--retries/--max-retries) and
// the wait for late replies after each pass (--wait). nmap tunes per-probe timeouts and
// parallelism instead; these rows keep each template's intent (T0-T2: slow and patient,
// IDS-shy; T3: the defaults; T4-T5: a fast, reliable network).
//
//   -T  name        rate (pps)  retries  wait (s)
//   0   paranoid          1        2       10
//   1   sneaky           10        2        5
//   2   polite          100        2        2
//   3   normal          max        2        1     (portauth's defaults)
//   4   aggressive      max        2      0.5
//   5   insane          max        1     0.25
// "max" leaves the ceiling to the closed-loop controller (what the wire and the answers take);
// the waits are caps on its RTT-measured waits. T0-T2 stay slow ceilings on purpose.
//
// An option given explicitly wins over the template, wherever it stands on the line.
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace portauth::config {

struct TimingTemplate {
  int level;
  std::string_view name;
  std::string_view rate;
  int retries;
  double wait_seconds;
};

std::span<const TimingTemplate> timing_templates();

// "4", "T4" or "aggressive". Throws SpecError naming the accepted forms.
const TimingTemplate& find_timing_template(const std::string& text);

}  // namespace portauth::config
