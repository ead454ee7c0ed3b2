#include "scan_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "annotator.h"
#include "db/db_path.h"
#include "db/port_db.h"
#include "jsonl_writer.h"
#include "scan_plan.h"
#include "scan_runner.h"
#include "setup_error.h"
#include "spec_error.h"
#include "text_writer.h"

namespace portauth::app {
namespace {

struct ScanArgs {
  config::ScanOptions o;
  uint64_t seed = 0;
  std::string db;
};

int run(ScanArgs& a, const CLI::App& cmd) {
  if (cmd.count("--seed")) a.o.seed = a.seed;
  config::ScanPlan plan;
  try {
    plan = config::build_scan_plan(a.o);
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  for (const auto& w : plan.warnings) std::fprintf(stderr, "portauth: warning: %s\n", w.c_str());

  std::unique_ptr<db::PortDb> db;
  try {
    db = std::make_unique<db::PortDb>(db::PortDb::load_file(db::resolve_db_path(a.db)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: port database: %s\n", e.what());
    return 1;
  }

  std::FILE* out = stdout;
  if (!plan.output_path.empty() && plan.output_path != "-") {
    out = std::fopen(plan.output_path.c_str(), "w");
    if (!out) {
      std::fprintf(stderr, "portauth: cannot write '%s': %s\n", plan.output_path.c_str(), std::strerror(errno));
      return 1;
    }
  }
  std::unique_ptr<output::ResultWriter> writer;
  if (plan.format == config::OutputFormat::kJsonl) writer = std::make_unique<output::JsonlWriter>(out);
  else writer = std::make_unique<output::TextWriter>(out);

  PortAnnotator annotator(db.get());
  output::Annotator annotate = [&](uint16_t port) -> const output::Annotation& { return annotator(port); };
  int rc = 0;
  try {
    const auto summary = run_scan(plan, annotate, {writer.get()});
    // The text report carries its own summary; for machine formats, say it on stderr.
    if (plan.format != config::OutputFormat::kText || out != stdout)
      std::fprintf(stderr, "portauth: %s\n", output::summary_line(summary).c_str());
    std::fprintf(stderr,
                 "portauth: %llu packets sent from %s on %s in %u pass(es); replies: %llu accepted, %llu "
                 "duplicate, %llu rejected; pcap: %llu received, %llu dropped\n",
                 (unsigned long long)summary.packets_sent, summary.source_ip.c_str(), summary.interface.c_str(),
                 summary.passes, (unsigned long long)summary.replies_accepted,
                 (unsigned long long)summary.duplicates, (unsigned long long)summary.replies_rejected,
                 (unsigned long long)summary.pcap_received, (unsigned long long)summary.pcap_dropped);
    if (summary.pcap_dropped > 0)
      std::fprintf(stderr, "portauth: warning: the capture dropped %llu packets; results may be incomplete "
                   "(lower --rate)\n", (unsigned long long)summary.pcap_dropped);
  } catch (const scanner::SetupError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    rc = 2;
  }
  if (out != stdout) std::fclose(out);
  return rc;
}

}  // namespace

void add_scan_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ScanArgs>();
  auto* cmd = app.add_subcommand("scan", "TCP SYN scan: classify ports as open, closed or stealth");
  auto& o = args->o;
  cmd->add_option("targets", o.targets, "IPv4 addresses, CIDR blocks, ranges a.b.c.d-e.f.g.h or a.b.c.d-h")
      ->required();
  cmd->add_option("-p,--ports", o.ports, "ports: 22,80,443 / 1-1024 / - (all 0-65535)")->required();
  cmd->add_option("--rate", o.rate, "packets per second")->capture_default_str();
  cmd->add_option("--retries", o.retries, "extra passes over unanswered probes")->capture_default_str();
  cmd->add_option("--wait", o.wait_seconds, "seconds to wait for late replies after each pass")
      ->capture_default_str();
  cmd->add_option("-i,--interface", o.interface, "interface to send and capture on (default: from the route)");
  cmd->add_option("--source-ip", o.source_ip, "source address (default: the interface's)");
  cmd->add_option("--source-port", o.source_port, "source port or range A-B (default: 256 random ports above 61000)");
  cmd->add_option("--seed", args->seed, "seed for the probe order (default: random)");
  cmd->add_option("--show", o.show, "which states to report: open, closed, stealth, all (comma list)")
      ->capture_default_str();
  cmd->add_option("--format", o.format, "output format: text or jsonl")->capture_default_str();
  cmd->add_option("-o,--output", o.output_path, "write results to FILE instead of stdout");
  cmd->add_option("--exclude", o.excludes, "never probe these addresses (same grammar as targets)");
  cmd->add_option("--allow", o.allow,
                  "lift the default exclude list (private and reserved ranges) for this range, e.g. "
                  "--allow 192.168.1.0/24");
  cmd->add_option("--db", args->db, "port database file (default: $PORTAUTH_DB, then the installed one)");
  cmd->callback([args, cmd, &exit_code] { exit_code = run(*args, *cmd); });
}

}  // namespace portauth::app
