// -sV for the three scanning commands: whether a command identifies services (scan with -sV;
// probe and shieldsup unless --no-service-scan; never offline: --dry-run and --pcap-out
// connect to nothing), and the stage (service/service_stage.h) in front of its writers, fed
// with the port database's names for what to expect on each port.
#pragma once
#include <memory>
#include <vector>

#include "config/option_table.h"
#include "config/scan_options.h"
#include "config/scan_plan.h"
#include "db/port_db.h"
#include "output/report.h"
#include "service/service_stage.h"

namespace portauth::app {

bool wants_service_scan(const config::ScanOptions& o, config::Command command, const config::ScanPlan& plan);

// `plan`: its interface scopes link-local IPv6 targets (fe80::1%eth0).
std::unique_ptr<service::ServiceStage> make_service_stage(const config::ScanOptions& o, const config::ScanPlan& plan,
                                                          const db::PortDb* db, std::vector<output::ResultWriter*> writers);

// After the scan: the stage's counts into the summary, and its note (fewer connections at once
// than asked) on stderr.
void finish_service_stage(const service::ServiceStage* stage, output::ScanSummary& summary);

}  // namespace portauth::app
