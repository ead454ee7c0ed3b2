#include "app/status.h"

#include <cstdio>

#include "cli/parse_errors.h"
#include "config/spec_error.h"
#include "db/db_path.h"
#include "report/status_lines.h"

namespace portauth::app {

void print_plan(const config::ScanPlan& plan, const config::ScanOptions& o, const std::string& where,
                const std::string& port_set) {
  for (const auto& line : report::plan_lines(plan, o.verbose + 2 * o.debug, where, port_set))
    std::fprintf(stderr, "portauth: %s\n", line.c_str());
}

void report_resume(const output::ScanSummary& summary) {
  // Interrupted: what is left, and how to finish it; resumed: the counts are the whole scan's.
  if (const std::string line = output::resume_line(summary); !line.empty())
    std::fprintf(stderr, "portauth: %s\n", line.c_str());
}

std::unique_ptr<db::PortDb> load_port_db(const std::string& db_path) {
  try {
    return std::make_unique<db::PortDb>(db::PortDb::load_file(db::resolve_db_path(db_path)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: port database: %s\n", e.what());
    return nullptr;
  }
}

std::optional<config::OneHostPlan> plan_one_host_or_say_why(const config::ScanOptions& options) {
  try {
    config::OneHostPlan host = config::plan_one_host(options);
    print_plan(host.plan, options, "", "");
    return host;
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", cli::one_line(e.what()).c_str());
    return std::nullopt;
  }
}

}  // namespace portauth::app
