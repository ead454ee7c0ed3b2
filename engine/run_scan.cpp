#include "engine/run_scan.h"

#include <ctime>

#include "engine/scan_finish.h"
#include "engine/scan_loop.h"
#include "engine/scan_setup.h"

namespace portauth::engine {

output::ScanSummary run_scan(ScanSetup& setup, Wire& wire, scanner::Clock& clock, const output::Annotator& annotate,
                             const std::vector<output::ResultWriter*>& writers, const RunOptions& options) {
  const config::ScanPlan& plan = setup.plan;
  ScanLoop loop(setup, wire, clock, options);
  if (options.extension) {
    options.extension->open();
    options.extension->attach(loop.capture());
  }
  // Everything privileged is open: from here on the caller's drop applies.
  if (options.after_wire_open) options.after_wire_open();

  output::ScanInfo info;
  info.start_unix = int64_t(std::time(nullptr));
  info.command_line = options.command_line;
  info.ports = plan.ports;
  info.address_count = plan.targets.count();
  info.probe_count = setup.space.slots();
  info.rate = plan.rate;
  info.retries = plan.retries;
  info.source_ip = setup.route.source_text();
  info.interface = setup.route.interface;
  for (auto* w : writers) w->begin(info);

  // Results are filtered by the plan's show mask here, in one place.
  auto report = [&](const probe::ScanResult& r) {
    const auto state = probe::state_of(r.reason);
    const unsigned bit = state == probe::PortState::kOpen     ? config::kShowOpen
                         : state == probe::PortState::kClosed ? config::kShowClosed
                                                              : config::kShowStealth;
    if (plan.show & bit)
      for (auto* w : writers) w->result(r, annotate(r.port));
  };
  const LoopOutcome o = loop.run(report, writers);
  if (options.progress_end) options.progress_end();

  output::ScanSummary s;
  s.source_ip = info.source_ip;
  s.interface = info.interface;
  s.open = o.open;
  s.closed = o.closed;
  s.interrupted = o.interrupted;
  if (o.interrupted) {
    s.probed = loop.sender_stats().first_pass_done.load();
    s.not_sent = setup.space.slots() - s.probed;
    s.resume_file = write_resume(setup, options.resume_path, s.probed);
  } else if (plan.dry_run) {
    // Nothing was sent, so nothing is known about any port: no state is reported.
    s.probed = setup.space.slots();
  } else {
    s.stealth = sweep_stealth(setup, report);
    s.probed = setup.space.slots();
  }
  fill_counters(s, setup, loop, wire);
  s.seconds = double(o.end_ns - o.start_ns) / 1e9;
  if (options.extension) options.extension->fill(s);
  for (auto* w : writers) w->finish(s);
  return s;
}

}  // namespace portauth::engine
