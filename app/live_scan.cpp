#include "app/live_scan.h"

#include <unistd.h>

#include <cstdio>
#include <optional>

#include "app/privileges.h"
#include "common/setup_error.h"
#include "app/signals.h"
#include "engine/live_connect.h"
#include "engine/live_wire.h"
#include "engine/scan_setup.h"
#include "engine/trustealth_watch.h"
#include "scanner/clock.h"

namespace portauth::app {

LiveScanOptions live_scan_options(const config::ScanOptions& o, const std::string& command_line) {
  LiveScanOptions live;
  live.run.command_line = command_line;
  live.run.resume_path = o.resume_file;
  live.user = drop_target_user(o.user);
  live.verbosity = o.verbose + 2 * o.debug;
  return live;
}

output::ScanSummary run_live_scan(const config::ScanPlan& plan, const output::Annotator& annotate,
                                  const std::vector<output::ResultWriter*>& writers, LiveScanOptions options) {
  engine::RunOptions& run = options.run;
  if (!options.resume_slot && !plan.dry_run &&
      ResumeFileSlot::named(run.resume_path, run.resume != nullptr)) {
    try {
      options.resume_slot = std::make_shared<ResumeFileSlot>(run.resume_path, run.resume != nullptr, options.user);
    } catch (const std::exception& e) {
      throw common::SetupError(e.what());
    }
  }
  run.resume_fd = options.resume_slot ? options.resume_slot->fd() : -1;
  const auto route = engine::scan_route(plan);
  engine::ScanSetup setup(plan, route, options.run.resume);
  std::optional<engine::TrustealthWatch> trustealth;
  if (options.trustealth)
    trustealth.emplace(plan, route, setup.sender_config.source_port_first, setup.sender_config.source_port_count,
                       setup.space.prefix_ports());
  std::string filter = setup.capture_filter();
  if (trustealth) filter = trustealth->capture_filter(filter);
  // Capture first, then the sink: live ones need CAP_NET_RAW and throw SetupError (with the
  // hint) before anything is sent.
  engine::Wire wire = engine::open_wire(plan, route, filter);
  if (options.verbosity >= 1 && !wire.send_path.empty())
    std::fprintf(stderr, "portauth: send path: %s on %s: %s\n", wire.send_path.c_str(), route.interface.c_str(),
                 wire.send_path_reason.c_str());

  SignalGuard signals;
  run.interrupt = signals.flags();
  run.extension = trustealth ? &*trustealth : nullptr;
  // Capture, socket, outputs, config and database are open: run as an ordinary user with
  // CAP_NET_RAW only. An offline run (--dry-run, --pcap-out) opened nothing privileged:
  // started unprivileged, it has nothing to drop and must not ask for CAP_NET_RAW.
  run.after_wire_open = [&] {
    if (!plan.offline() || geteuid() == 0) drop_privileges(options.user);
  };
  // The connect check of suspects runs after the loop, as whoever we have become by then.
  engine::LiveConnectChecker connect;
  if (!plan.offline()) run.connect = &connect;
  scanner::SteadyClock clock;
  auto summary = engine::run_scan(setup, wire, clock, annotate, writers, run);
  // An interrupt that came once the loop was over (while the results were being written) cut
  // nothing short: say so, rather than nothing.
  if (!summary.interrupted && run.interrupt.interrupts->load() > 0)
    std::fprintf(stderr,
                 "portauth: interrupted as the scan was ending: it had finished, so its results are complete\n");
  if (options.resume_slot) options.resume_slot->settle(summary);
  return summary;
}

}  // namespace portauth::app
