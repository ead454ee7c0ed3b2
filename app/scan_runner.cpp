#include "app/scan_runner.h"

#include <unistd.h>

#include <optional>

#include "scanner/clock.h"
#include "engine/live_wire.h"
#include "app/privileges.h"
#include "engine/run_scan.h"
#include "engine/scan_setup.h"
#include "app/signals.h"
#include "engine/trustealth_watch.h"

namespace portauth::app {

output::ScanSummary run_scan(const config::ScanPlan& plan, const output::Annotator& annotate,
                             const std::vector<output::ResultWriter*>& writers, const RunOptions& options) {
  const auto route = engine::scan_route(plan);
  engine::ScanSetup setup(plan, route, options.resume);
  std::optional<engine::TrustealthWatch> trustealth;
  if (options.trustealth)
    trustealth.emplace(plan, route, setup.sender_config.source_port_first, setup.sender_config.source_port_count);
  std::string filter = setup.capture_filter();
  if (trustealth) filter = trustealth->capture_filter(filter);
  // Capture first, then the sink: live ones need CAP_NET_RAW and throw SetupError (with the
  // hint) before anything is sent.
  engine::Wire wire = engine::open_wire(plan, route, filter);

  SignalGuard signals;
  engine::RunOptions ro;
  ro.command_line = options.command_line;
  ro.progress = options.progress;
  ro.progress_end = options.progress_end;
  ro.resume = options.resume;
  ro.resume_path = options.resume_path;
  ro.interrupt = signals.flags();
  ro.extension = trustealth ? &*trustealth : nullptr;
  // Capture, socket, outputs, config and database are open: run as an ordinary user with
  // CAP_NET_RAW only. An offline run (--dry-run, --pcap-out) opened nothing privileged:
  // started unprivileged, it has nothing to drop and must not ask for CAP_NET_RAW.
  ro.after_wire_open = [&] {
    if (!plan.offline() || geteuid() == 0) drop_privileges(options.user);
  };
  scanner::SteadyClock clock;
  return engine::run_scan(setup, wire, clock, annotate, writers, ro);
}

}  // namespace portauth::app
