#include "shieldsup_command.h"

#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "annotator.h"
#include "ipv4.h"
#include "outputs.h"
#include "scan_runner.h"
#include "common/setup_error.h"
#include "shieldsup_report.h"
#include "show_filter.h"
#include "single_host.h"
#include "spec_error.h"

namespace portauth::app {
namespace {

struct ShieldsUpArgs {
  config::ScanOptions o;
  std::string host, db;
  size_t top_ports = 0;
};

// Passes on only the states in a mask, to a writer it does not own: the scan delivers every
// state, for the report, and the -o outputs get what they would have been given without it.
class ShowMaskRef final : public output::ResultWriter {
 public:
  ShowMaskRef(output::ResultWriter& inner, unsigned mask) : inner_(inner), mask_(mask) {}
  void begin(const output::ScanInfo& info) override { inner_.begin(info); }
  void result(const probe::ScanResult& r, const output::Annotation& a) override {
    if (mask_ & output::ShowFilter::state_bit(probe::state_of(r.reason))) inner_.result(r, a);
  }
  void flush() override { inner_.flush(); }
  void finish(const output::ScanSummary& s) override { inner_.finish(s); }

 private:
  output::ResultWriter& inner_;
  unsigned mask_;
};

int run(ShieldsUpArgs& a, const std::string& command_line) {
  a.o.targets = {a.host};
  if (a.o.ports.empty() && a.o.preset.empty() && a.top_ports == 0) a.o.preset = "common";
  auto db = load_port_db(a.db);
  if (!db) return 1;
  if (a.top_ports > 0) a.o.top_ports = db->top_ports(a.top_ports);
  OneHostPlan host;
  try {
    host = plan_one_host(a.o);
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  for (const auto& w : host.plan.warnings) std::fprintf(stderr, "portauth: warning: %s\n", w.c_str());
  return run_shieldsup_report(std::move(host.plan), *db, host.label, command_line);
}

}  // namespace

int run_shieldsup_report(config::ScanPlan plan, const db::PortDb& db, const std::string& host_label,
                         const std::string& command_line) {
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
  const std::string host = host_label.empty() ? config::format_ipv4(plan.targets.at(0)) : host_label;

  std::vector<config::OutputSpec> files;
  for (const auto& spec : plan.outputs)
    if (!spec.path.empty() && spec.path != "-") files.push_back(spec);
  std::unique_ptr<OutputSet> outputs;
  try {
    outputs = std::make_unique<OutputSet>(files, plan.show);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  CollectingWriter collected;
  std::vector<std::unique_ptr<ShowMaskRef>> filtered;
  std::vector<output::ResultWriter*> writers = {&collected};
  for (auto* w : outputs->writers()) {
    // What the outputs would have been given without the report (OutputSet filters the rest).
    filtered.push_back(std::make_unique<ShowMaskRef>(*w, outputs->delivery_mask()));
    writers.push_back(filtered.back().get());
  }
  plan.show = config::kShowAll;  // the report lists every state

  PortAnnotator annotator(&db);
  const output::Annotator annotate = [&](uint16_t p) -> const output::Annotation& { return annotator(p); };
  RunOptions run_options;
  run_options.command_line = command_line;
  run_options.trustealth = true;
  output::ScanSummary summary;
  try {
    summary = run_scan(plan, annotate, writers, run_options);
  } catch (const common::SetupError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }

  ShieldsUpReport report;
  report.host = host;
  report.port_set = describe_port_set(plan.ports);
  report.summary = summary;
  for (const auto& r : collected.results) report.ports.push_back(shieldsup_port(r, db.page(r.port)));
  std::cout << format_shieldsup_report(report) << std::flush;
  std::fprintf(stderr,
               "portauth: %" PRIu64 " SYNs and %" PRIu64 " pings sent from %s on %s in %u pass(es); from the host: %"
               PRIu64 " packet(s) besides %" PRIu64 " echo reply(ies)\n",
               summary.packets_sent, summary.echo_requests, summary.source_ip.c_str(), summary.interface.c_str(),
               summary.passes, summary.frames_from_targets, summary.echo_replies);
  return 0;
}

void add_shieldsup_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto args = std::make_shared<ShieldsUpArgs>();
  auto* cmd = app.add_subcommand("shieldsup", "ShieldsUP-style test of one host, with the TruStealth verdict");
  cmd->add_option("HOST", args->host, "an IPv4 address or a host name")->required();
  cmd->add_option("--preset", args->o.preset,
                  "ShieldsUP port sets: common (its 26 common ports; the default), service (0-1055), all (0-65535)");
  cmd->add_option("-p,--ports", args->o.ports, "ports to test as well (or instead): 22,80,443 / 1-1024 / -");
  cmd->add_option("--top-ports", args->top_ports, "the N ports most commonly found open (database rank)")
      ->check(CLI::Range(size_t{1}, size_t{65536}));
  add_host_wire_options(*cmd, args->o, args->db);
  cmd->callback([args, &exit_code, &command_line] { exit_code = run(*args, command_line); });
}

}  // namespace portauth::app
