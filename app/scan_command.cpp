#include "app/scan_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>

#include "app/live_scan.h"
#include "app/privileges.h"
#include "app/service_scan.h"
#include "app/shieldsup_command.h"
#include "app/status.h"
#include "cli/cli_options.h"
#include "cli/parse_errors.h"
#include "common/setup_error.h"
#include "config/own_addresses.h"
#include "config/scan_jobs.h"
#include "config/spec_error.h"
#include "db/db_path.h"
#include "engine/live_wire.h"
#include "merge/manifest.h"
#include "merge/manifest_file.h"
#include "output/output_set.h"
#include "output/progress.h"
#include "report/annotator.h"
#include "report/dry_run_report.h"
#include "report/status_lines.h"
#include "report/summary_json.h"
#include "scanner/route.h"

namespace portauth::app {
namespace {

constexpr const char* kExamples =
    "Examples:\n"
    "  sudo portauth scan <your-network>/24 -p 22,80,443\n"
    "      three ports on every address of your network (a range you name is scanned as asked)\n"
    "  sudo portauth scan -sS -Pn -n -T4 -p- --open -oA out <host>\n"
    "      nmap's habits: all 65536 ports of one host, fast, open ports only, shown here and\n"
    "      written to out.xml, out.gnmap and out.nmap as nmap names them\n";

// One validated scan (config/scan_jobs.h) with what running it needs: its database, and its
// outputs opened before any scan runs (and drops privileges).
struct Scan {
  config::ScanJob job;
  const db::PortDb* db = nullptr;
  std::unique_ptr<output::OutputSet> outputs;
  report::SummaryJsonFile* summary_json = nullptr;  // --summary-json: one line per scan
  std::unique_ptr<merge::ManifestFile> manifest;    // --manifest: written when the scan ends
  std::shared_ptr<ResumeFileSlot> resume_slot;      // a named --resume-file (or --resume's), made up front
};

// Where an interrupt writes this scan's resume file: the file it resumes, or --resume-file (with
// a config file's scan name appended: one file per scan).
std::string resume_path_for(const Scan& scan) {
  if (scan.job.resume) return scan.job.options.resume;  // interrupted again: the same file
  return scan.job.options.resume_file + (scan.job.name.empty() ? "" : "." + scan.job.name);
}

int run_one(Scan& scan, const std::string& command_line, const config::ScanOptions& cli) {
  config::ScanPlan& plan = scan.job.plan;
  if (!scan.job.name.empty()) std::fprintf(stderr, "portauth: running scan '%s'\n", scan.job.name.c_str());
  auto& outputs = *scan.outputs;
  plan.show = outputs.delivery_mask();  // the outputs filter the rest (output_set.h)
  plan.canary_pool = report::canary_pool(scan.db);
  output::ProgressDisplay progress(stderr);
  report::PortAnnotator annotator(scan.db);
  output::Annotator annotate = [&](uint16_t port, config::Proto proto) -> const output::Annotation& {
    return annotator(port, proto);
  };
  try {
    LiveScanOptions live = live_scan_options(scan.job.options, command_line);
    live.run.resume = scan.job.resume.get();
    live.run.resume_path = resume_path_for(scan);
    live.resume_slot = scan.resume_slot;
    if (output::should_show_progress(output::progress_mode(cli.progress), isatty(STDERR_FILENO) == 1)) {
      live.run.progress = [&](const output::ProgressSnapshot& p) { progress.update(p); };
      live.run.progress_end = [&] { progress.clear(); };  // before any report is printed
    }
    // -sV: the service stage in front of the writers (it holds each open port until it is identified).
    std::unique_ptr<service::ServiceStage> stage;
    std::vector<output::ResultWriter*> writers = outputs.writers();
    if (wants_service_scan(scan.job.options, config::kScan, plan)) {
      stage = make_service_stage(scan.job.options, plan, scan.db, writers);
      writers = {stage.get()};
    }
    auto summary = run_live_scan(plan, annotate, writers, std::move(live));
    finish_service_stage(stage.get(), summary);
    if (plan.dry_run) {  // what the scan would do, and no port state (report/dry_run_report.h)
      for (const auto& line : report::dry_run_lines(summary, plan, scan.job.port_set))
        std::fprintf(stderr, "portauth: %s\n", line.c_str());
      for (const auto& [option, path] : {std::pair{"--summary-json", cli.summary_json}, {"--manifest", cli.manifest}})
        if (!path.empty()) std::fprintf(stderr, "portauth: dry run: would write %s %s\n", option, path.c_str());
      return 0;
    }
    // A text report on the terminal carries its own summary; otherwise say it on stderr.
    if (!outputs.text_on_stdout()) {
      std::fprintf(stderr, "portauth: %s\n", output::summary_line(summary).c_str());
      if (summary.service_scan) std::fprintf(stderr, "portauth: %s\n", output::service_summary_line(summary).c_str());
      if (summary.packets_sent > 0) std::fprintf(stderr, "portauth: %s\n", output::send_line(summary).c_str());
      if (const std::string rate = output::rate_summary_line(summary); !rate.empty())
        std::fprintf(stderr, "portauth: %s\n", rate.c_str());
      for (const auto& line : output::icmp_limit_lines(summary)) std::fprintf(stderr, "portauth: %s\n", line.c_str());
    }
    for (const auto& line : report::run_lines(summary, plan, scan.job.port_set))
      std::fprintf(stderr, "portauth: %s\n", line.c_str());
    report_resume(summary);
    std::vector<std::string> warnings = plan.warnings;
    const int ring = plan.offline() ? 0 : engine::capture_buffer_bytes(plan);
    if (summary.pcap_dropped > 0) {
      warnings.push_back(report::pcap_drop_warning(summary.pcap_dropped, ring));
      std::fprintf(stderr, "portauth: warning: %s\n", warnings.back().c_str());
    }
    if (const std::string w = output::retries_warning(summary); !w.empty()) {
      warnings.push_back(w);
      // A text report on the terminal carries it already.
      if (!outputs.text_on_stdout()) std::fprintf(stderr, "portauth: warning: %s\n", w.c_str());
    }
    for (auto& w : report::verdict_warnings(summary)) {
      std::fprintf(stderr, "portauth: warning: %s\n", w.c_str());
      warnings.push_back(std::move(w));
    }
    if (scan.summary_json) scan.summary_json->write(report::summary_json(scan.job.name, summary, ring, warnings));
    if (scan.manifest) scan.manifest->write(summary);  // after finish(): the outputs are flushed
  } catch (const common::SetupError& e) {
    progress.clear();
    std::fprintf(stderr, "portauth: %s\n", e.what());
    if (scan.summary_json) scan.summary_json->write_setup_error(scan.job.name, e.what());
    if (scan.manifest) scan.manifest->write_setup_error(e.what());
    return 2;
  }
  return 0;
}

int run(cli::CommandLine& cli, const std::string& command_line) {
  if (!cli.finish_or_report()) return 1;
  const config::ScanOptions& a = cli.options();
  // One database per --db path, loaded before anything is sent (a scan's annotations).
  std::map<std::string, std::unique_ptr<db::PortDb>> dbs;
  const config::PortRanking ranking = [&](const config::ScanOptions& o) {
    auto& db = dbs[o.db];
    if (!db) db = std::make_unique<db::PortDb>(db::PortDb::load_file(db::resolve_db_path(o.db)));
    return config::RankedPorts{db->top_ports(65536), db->top_ports(65536, db::Proto::kUdp)};
  };
  std::vector<Scan> scans;
  try {
    const config::CommandLineView view{a, [&](config::ScanOptions& o) { cli.override_options(o); },
                                       cli.refused_by_resume()};
    const auto local = scanner::local_addresses();
    for (auto& job : config::plan_scan_jobs(view, ranking)) {
      // This machine's own addresses go over loopback, alone (config/own_addresses.h).
      config::leave_out_own_addresses(job.plan, local);
      print_plan(job.plan, job.options, job.name.empty() ? "" : "scan '" + job.name + "': ", job.port_set);
      scans.emplace_back().job = std::move(job);
    }
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", cli::one_line(e.what()).c_str());
    return 1;
  }
  for (auto& scan : scans) scan.db = dbs.at(scan.job.options.db).get();
  int rc = 0;
  // --report shieldsup, or `report: shieldsup` in a config file: for every scan or for none
  // (a report drops privileges as it starts, so it cannot share the outputs opened below).
  const auto reports = std::count_if(scans.begin(), scans.end(),
                                     [](const Scan& s) { return s.job.options.report == "shieldsup"; });
  if (reports > 0 && size_t(reports) != scans.size()) {
    std::fprintf(stderr, "portauth: 'report: shieldsup' is set for %zu of the %zu scans; set it for every scan "
                 "(at the top of the file) or for none\n", size_t(reports), scans.size());
    return 1;
  }
  if (reports > 0) {
    for (const auto& scan : scans)
      if (scan.job.plan.has_udp()) {
        std::fprintf(stderr, "portauth: --report shieldsup tests TCP ports, as ShieldsUP does; drop -sU and the "
                             "U: ports, or write the UDP results with -o\n");
        return 1;
      }
    for (auto& scan : scans)
      rc = std::max(rc, run_shieldsup_report(scan.job.plan, *scan.db, "", scan.job.options, command_line,
                                             wants_service_scan(scan.job.options, config::kScan, scan.job.plan)));
    return rc;
  }
  // Open every output of every scan first: once the first scan has dropped privileges, a
  // later one could no longer create its files.
  // A dry run writes no file: it says which ones the scan would write.
  std::unique_ptr<report::SummaryJsonFile> summary_file;
  try {
    if (!a.summary_json.empty() && !a.dry_run) summary_file = std::make_unique<report::SummaryJsonFile>(a.summary_json);
    for (auto& scan : scans) {
      scan.outputs = std::make_unique<output::OutputSet>(
          a.dry_run ? std::vector<output::OutputSpec>{} : scan.job.plan.outputs, scan.job.plan.show);
      if (!a.manifest.empty() && !a.dry_run)  // --manifest: created now, while files can still be created
        scan.manifest = std::make_unique<merge::ManifestFile>(merge::manifest_path_for(a.manifest, scan.job.name),
                                                              scan.job.plan);
      scan.summary_json = summary_file.get();
      // A resume file the user named is made now too: an interrupt may come after the drop.
      const std::string resume_path = resume_path_for(scan);
      if (!a.dry_run && ResumeFileSlot::named(resume_path, scan.job.resume != nullptr))
        scan.resume_slot = std::make_shared<ResumeFileSlot>(resume_path, scan.job.resume != nullptr,
                                                            drop_target_user(scan.job.options.user));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  for (auto& scan : scans) rc = std::max(rc, run_one(scan, command_line, a));
  return rc;
}

}  // namespace

void add_scan_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto* cmd = app.add_subcommand(
      "scan", "TCP SYN and UDP (-sU) scan: classify ports as open, closed, stealth or open|filtered");
  auto cli = std::make_shared<cli::CommandLine>(*cmd, config::kScan, "TARGETS...");
  cmd->footer(kExamples);
  cmd->callback([cli, &exit_code, &command_line] { exit_code = run(*cli, command_line); });
}

}  // namespace portauth::app
