#include "app/service_scan.h"

#include <net/if.h>
#include <unistd.h>

#include <cstdio>

#include "app/signals.h"
#include "report/service_report.h"

namespace portauth::app {

bool wants_service_scan(const config::ScanOptions& o, config::Command command, const config::ScanPlan& plan) {
  if (plan.offline()) return false;
  if (command == config::kScan) return o.service_scan;
  return !o.no_service_scan;
}

std::unique_ptr<service::ServiceStage> make_service_stage(const config::ScanOptions& o, const config::ScanPlan& plan,
                                                          const db::PortDb* db, std::vector<output::ResultWriter*> writers) {
  service::StageOptions so;
  if (!plan.interface.empty()) so.link_scope = if_nametoindex(plan.interface.c_str());
  so.concurrency = size_t(o.service_concurrency);
  so.timeout_seconds = o.service_timeout;
  so.interrupts = &interrupt_count();
  // On a terminal, a word while the last ports are identified (the progress line is gone by then).
  if (isatty(STDERR_FILENO) == 1)
    so.waiting = [](size_t pending, double bound) {
      std::fprintf(stderr, "portauth: identifying the services of %zu open port%s (at most %.0f s more)\n", pending,
                   pending == 1 ? "" : "s", bound);
    };
  if (db) so.port_names = [db](uint16_t port) { return report::port_names(*db, port); };
  return std::make_unique<service::ServiceStage>(std::move(writers), std::move(so));
}

void finish_service_stage(const service::ServiceStage* stage, output::ScanSummary& summary) {
  if (!stage) return;
  stage->amend(summary);
  if (!stage->note().empty()) std::fprintf(stderr, "portauth: note: %s\n", stage->note().c_str());
}

}  // namespace portauth::app
