#include "app/shieldsup_command.h"

#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "app/live_scan.h"
#include "app/service_scan.h"
#include "app/status.h"
#include "cli/cli_options.h"
#include "common/setup_error.h"
#include "config/address.h"
#include "output/collecting_writer.h"
#include "output/output_set.h"
#include "report/annotator.h"
#include "report/shieldsup_report.h"
#include "report/status_lines.h"

namespace portauth::app {
namespace {

struct ShieldsUpArgs {
  std::unique_ptr<cli::CommandLine> cli;
  std::string host;
};

int run(ShieldsUpArgs& a, const std::string& command_line) {
  if (!a.cli->finish_or_report()) return 1;
  config::ScanOptions o = a.cli->options();
  o.targets = {a.host};
  if (o.ports.empty() && o.preset.empty() && o.top_ports_count == 0) o.preset = "common";
  auto db = load_port_db(o.db);
  if (!db) return 1;
  if (o.top_ports_count > 0) o.top_ports = db->top_ports(o.top_ports_count);
  std::optional<config::OneHostPlan> host = plan_one_host_or_say_why(o);
  if (!host) return 1;
  const bool identify = wants_service_scan(o, config::kShieldsUp, host->plan);
  return run_shieldsup_report(std::move(host->plan), *db, host->label, o, command_line, identify);
}

}  // namespace

int run_shieldsup_report(config::ScanPlan plan, const db::PortDb& db, const std::string& host_label,
                         const config::ScanOptions& options, const std::string& command_line, bool identify) {
  if (plan.targets.count() != 1) {
    std::fprintf(stderr, "portauth: a ShieldsUP report tests one host, and the targets are %" PRIu64
                 " addresses; give one address or host name\n", plan.targets.count());
    return 1;
  }
  if (plan.offline()) {
    std::fprintf(stderr, "portauth: a ShieldsUP report needs the wire: it cannot be combined with --dry-run "
                 "or --pcap-out\n");
    return 1;
  }
  const std::string host = host_label.empty() ? config::format_address(plan.targets.at(0)) : host_label;

  // The report goes to standard output; the outputs that write files get what their --show
  // asked for (the report itself wants every state: the set filters).
  std::vector<config::OutputSpec> files;
  for (const auto& spec : plan.outputs)
    if (!spec.path.empty() && spec.path != "-") files.push_back(spec);
  std::unique_ptr<output::OutputSet> outputs;
  try {
    outputs = std::make_unique<output::OutputSet>(files, plan.show);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  output::CollectingWriter collected;
  outputs->add(collected, config::kShowAll);
  plan.show = outputs->delivery_mask();
  plan.canary_pool = report::canary_pool(&db);

  report::PortAnnotator annotator(&db);
  const output::Annotator annotate = [&](uint16_t p, config::Proto proto) -> const output::Annotation& {
    return annotator(p, proto);
  };
  LiveScanOptions live = live_scan_options(options, command_line);
  live.trustealth = true;
  std::unique_ptr<service::ServiceStage> stage;
  std::vector<output::ResultWriter*> writers = outputs->writers();
  if (identify) {
    stage = make_service_stage(options, plan, &db, writers);
    writers = {stage.get()};
  }
  output::ScanSummary summary;
  try {
    summary = run_live_scan(plan, annotate, writers, live);
    finish_service_stage(stage.get(), summary);
  } catch (const common::SetupError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }

  report::ShieldsUpReport report;
  report.host = host;
  report.port_set = report::describe_port_set(plan.ports);
  report.summary = summary;
  for (size_t i = 0; i < collected.results.size(); ++i) {
    const auto& r = collected.results[i];
    report.ports.push_back(report::shieldsup_port(r, db.page(r.port)));
    report.ports.back().found = collected.facts[i].service;
  }
  std::cout << report::format_shieldsup_report(report) << std::flush;
  std::fprintf(stderr, "portauth: %s\n", report::shieldsup_run_line(summary).c_str());
  report_resume(summary);
  return 0;
}

void add_shieldsup_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto args = std::make_shared<ShieldsUpArgs>();
  auto* cmd = app.add_subcommand("shieldsup", "ShieldsUP-style test of one host, with the TruStealth verdict");
  cmd->add_option("HOST", args->host, "an IPv4 or IPv6 address, or a host name")->required();
  args->cli = std::make_unique<cli::CommandLine>(*cmd, config::kShieldsUp, "HOST");
  cmd->callback([args, &exit_code, &command_line] { exit_code = run(*args, command_line); });
}

}  // namespace portauth::app
