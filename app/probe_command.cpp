#include "app/probe_command.h"

#include <cstdio>
#include <iostream>
#include <memory>

#include "app/live_scan.h"
#include "app/service_scan.h"
#include "app/status.h"
#include "cli/cli_options.h"
#include "common/setup_error.h"
#include "output/collecting_writer.h"
#include "report/annotator.h"
#include "report/probe_report.h"
#include "report/service_report.h"

namespace portauth::app {
namespace {

struct ProbeArgs {
  std::unique_ptr<cli::CommandLine> cli;
  std::string host, port;
};

int run(ProbeArgs& a, const std::string& command_line) {
  if (!a.cli->finish_or_report()) return 1;
  config::ScanOptions o = a.cli->options();
  const auto port = report::parse_single_port(a.port);
  if (!port) {
    std::fprintf(stderr, "portauth: bad PORT '%s': give one port number 0-65535 (e.g. portauth probe HOST 22)\n",
                 a.port.c_str());
    return 1;
  }
  o.targets = {a.host};
  o.ports = std::to_string(*port);
  o.show = "all";
  std::optional<config::OneHostPlan> host = plan_one_host_or_say_why(o);
  if (!host) return 1;
  const auto db = load_port_db(o.db);
  if (!db) return 1;

  host->plan.canary_pool = report::canary_pool(db.get());
  report::PortAnnotator annotator(db.get());
  const output::Annotator annotate = [&](uint16_t p, config::Proto proto) -> const output::Annotation& {
    return annotator(p, proto);
  };
  output::CollectingWriter collected;
  // -sV by default: the open port is identified before the report is written.
  std::unique_ptr<service::ServiceStage> stage;
  std::vector<output::ResultWriter*> writers = {&collected};
  if (wants_service_scan(o, config::kProbe, host->plan)) {
    stage = make_service_stage(o, host->plan, db.get(), writers);
    writers = {stage.get()};
  }
  try {
    auto summary = run_live_scan(host->plan, annotate, writers, live_scan_options(o, command_line));
    finish_service_stage(stage.get(), summary);
    report_resume(summary);
  } catch (const common::SetupError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 2;
  }
  std::optional<probe::ScanResult> result;
  report::ProbeService sv;
  std::optional<db::PortPage> service_page;
  if (!collected.results.empty()) {
    result = collected.results.front();
    sv.info = collected.facts.front().service.get();
  }
  if (sv.info) {
    sv.port_names = report::port_names(*db, *port);
    service_page = report::service_page(*db, *sv.info);
    if (service_page) sv.service_page = &*service_page;
  }
  const auto& verdicts = collected.summary.host_verdicts;
  // The probes to the port itself: canaries are not the port's.
  const uint64_t to_port = collected.summary.packets_sent - collected.summary.canary_packets;
  std::cout << report::format_probe_report(host->label, result, *port, to_port, db->page(*port), sv,
                                           verdicts.empty() ? nullptr : &verdicts.front());
  return 0;
}

}  // namespace

void add_probe_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto args = std::make_shared<ProbeArgs>();
  auto* cmd = app.add_subcommand("probe", "Probe one TCP port of one host and explain the answer");
  cmd->add_option("HOST", args->host, "an IPv4 or IPv6 address, or a host name")->required();
  cmd->add_option("PORT", args->port, "a port number, 0-65535")->required();
  args->cli = std::make_unique<cli::CommandLine>(*cmd, config::kProbe, "HOST PORT");
  cmd->callback([args, &exit_code, &command_line] { exit_code = run(*args, command_line); });
}

}  // namespace portauth::app
