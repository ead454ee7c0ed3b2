// What `probe` and `shieldsup` share: both test ONE host with the scanner and then explain
// the results, so both need the same one-address plan and a writer that keeps the results
// for the explanation (rather than parsing a text report). Their options are the option
// table's (cli_options.h), the same rows as scan's; run_setup.h gives all three the same
// privilege drop and resume file.
#pragma once
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "db/port_db.h"
#include "output/report.h"
#include "config/scan_plan.h"

namespace portauth::app {

// Keeps every result and the summary.
class CollectingWriter final : public output::ResultWriter {
 public:
  void result(const probe::ScanResult& r, const output::Annotation&) override { results.push_back(r); }
  void flush() override {}
  void finish(const output::ScanSummary& s) override { summary = s; }

  std::vector<probe::ScanResult> results;
  output::ScanSummary summary;
};

struct OneHostPlan {
  config::ScanPlan plan;
  config::Address address;
  std::string label;  // "198.18.0.2", or "name (198.18.0.2)" for a host name
};

// `options.targets` must hold exactly the one HOST as typed. A host name resolving to several
// addresses uses the first (with a warning in plan.warnings, as nmap does). Throws
// config::SpecError for bad input, including a HOST that is more than one address.
OneHostPlan plan_one_host(const config::ScanOptions& options);

// plan_one_host for a subcommand: prints the error and returns nullopt for bad input, else
// prints the plan's status lines (run_setup.h's print_plan) and returns it.
std::optional<OneHostPlan> plan_one_host_or_say_why(const config::ScanOptions& options);

// "198.18.0.2" for an address typed as such, "name (198.18.0.2)" otherwise.
std::string host_label(const std::string& typed, const config::Address& address);

// Loads the database named by --db (or the defaults). Prints the error and returns null.
std::unique_ptr<db::PortDb> load_port_db(const std::string& db_path);

}  // namespace portauth::app
