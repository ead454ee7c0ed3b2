#include "app/scan_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "report/annotator.h"
#include "cli/cli_options.h"
#include "config/config_file.h"
#include "db/db_path.h"
#include "db/port_db.h"
#include "output/output_set.h"
#include "config/presets.h"
#include "output/progress.h"
#include "config/resume_file.h"
#include "app/run_setup.h"
#include "config/scan_plan.h"
#include "app/scan_runner.h"
#include "common/setup_error.h"
#include "app/shieldsup_command.h"
#include "engine/live_wire.h"
#include "merge/manifest.h"
#include "merge/manifest_file.h"
#include "config/shard_auto.h"
#include "config/spec_error.h"
#include "report/summary_json.h"

namespace portauth::app {
namespace {

constexpr const char* kExamples =
    "Examples:\n"
    "  sudo portauth scan 192.168.1.0/24 -p 22,80,443\n"
    "      three ports on every address of a home network (a range you name is scanned as asked)\n"
    "  sudo portauth scan -sS -Pn -n -T4 -p- --open -oA out 198.18.0.2\n"
    "      nmap's habits: all 65536 ports of one host, fast, open ports only, written to\n"
    "      out.xml, out.gnmap and out.nmap as nmap names them\n";

// One scan ready to run: everything validated, nothing opened yet.
struct PreparedScan {
  std::string name;
  config::ScanOptions options;  // as given (file + command line): who to become, resume file, ...
  std::unique_ptr<db::PortDb> db;
  config::ScanPlan plan;
  std::string port_set;                                 // the default set's description ("" = chosen)
  std::unique_ptr<config::ResumeState> resume;          // set for --resume
  std::unique_ptr<output::OutputSet> outputs;           // opened before any scan runs (and privileges drop)
  report::SummaryJsonFile* summary_json = nullptr;           // --summary-json: one line per scan
  std::unique_ptr<merge::ManifestFile> manifest;        // --manifest: written when the scan ends
};

// Loads the database, resolves --top-ports (or the default port set) and builds the plan.
// Prints the error and returns null when the input is bad.
std::unique_ptr<PreparedScan> prepare(const std::string& name, config::ScanOptions o) {
  auto scan = std::make_unique<PreparedScan>();
  scan->name = name;
  const std::string where = name.empty() ? "" : "scan '" + name + "': ";
  try {
    scan->db = std::make_unique<db::PortDb>(db::PortDb::load_file(db::resolve_db_path(o.db)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %sport database: %s\n", where.c_str(), e.what());
    return nullptr;
  }
  if (o.top_ports_count > 0) {
    o.top_ports = scan->db->top_ports(o.top_ports_count);
    if (o.top_ports.size() < o.top_ports_count)
      std::fprintf(stderr, "portauth: warning: the database ranks only %zu ports; --top-ports %llu scans those\n",
                   o.top_ports.size(), (unsigned long long)o.top_ports_count);
  } else if (o.ports.empty() && o.preset.empty()) {
    o.top_ports = config::default_port_set(scan->db->top_ports(65536));
    scan->port_set = config::describe_default_port_set(o.top_ports);
  }
  try {
    o.shard = config::resolve_shard_auto(o.shard);  // --shard auto/N (shard_auto.h)
    scan->plan = config::build_scan_plan(o);
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s%s\n", where.c_str(), e.what());
    return nullptr;
  }
  print_plan(scan->plan, o, where, scan->port_set);
  scan->options = std::move(o);
  return scan;
}

int run_prepared(PreparedScan& scan, const std::string& command_line, const config::ScanOptions& cli) {
  const config::ScanPlan& plan = scan.plan;
  if (!scan.name.empty()) std::fprintf(stderr, "portauth: running scan '%s'\n", scan.name.c_str());
  auto& outputs = *scan.outputs;
  scan.plan.show = outputs.delivery_mask();  // the outputs filter the rest (output_set.h)
  output::ProgressDisplay progress(stderr);
  const auto mode = cli.progress == "on"    ? output::ProgressMode::kOn
                    : cli.progress == "off" ? output::ProgressMode::kOff
                                            : output::ProgressMode::kAuto;
  const bool show_progress = output::should_show_progress(mode, isatty(STDERR_FILENO) == 1);

  report::PortAnnotator annotator(scan.db.get());
  output::Annotator annotate = [&](uint16_t port) -> const output::Annotation& { return annotator(port); };
  int rc = 0;
  try {
    RunOptions run_options = run_options_for(scan.options, command_line);
    run_options.resume = scan.resume.get();
    if (scan.resume) run_options.resume_path = scan.options.resume;  // interrupted again: update the same file
    else if (!scan.name.empty()) run_options.resume_path += "." + scan.name;
    auto writers = outputs.writers();
    if (show_progress) {
      run_options.progress = [&](const output::ProgressSnapshot& p) { progress.update(p); };
      run_options.progress_end = [&] { progress.clear(); };  // before any report is printed
    }
    const auto summary = run_scan(plan, annotate, writers, run_options);
    // A text report on the terminal carries its own summary; otherwise say it on stderr.
    if (!outputs.text_on_stdout())
      std::fprintf(stderr, "portauth: %s\n", output::summary_line(summary).c_str());
    std::fprintf(stderr,
                 "portauth: %llu packets sent from %s on %s in %u pass(es); replies: %llu accepted, %llu "
                 "duplicate, %llu rejected; pcap: %llu received, %llu dropped\n",
                 (unsigned long long)summary.packets_sent, summary.source_ip.c_str(), summary.interface.c_str(),
                 summary.passes, (unsigned long long)summary.replies_accepted,
                 (unsigned long long)summary.duplicates, (unsigned long long)summary.replies_rejected,
                 (unsigned long long)summary.pcap_received, (unsigned long long)summary.pcap_dropped);
    if (!scan.port_set.empty()) std::fprintf(stderr, "portauth: ports: %s\n", scan.port_set.c_str());
    if (plan.offline())
      std::fprintf(stderr, "portauth: %s: %llu probes generated at %.0f pps (send time %.3f s); nothing was sent\n",
                   plan.dry_run ? "dry run" : ("probes written to " + plan.pcap_out).c_str(),
                   (unsigned long long)summary.packets_sent, summary.pps,
                   summary.pps > 0 ? double(summary.packets_sent) / summary.pps : 0.0);
    report_resume(summary, scan.resume.get(), run_options.resume_path);
    std::vector<std::string> warnings = plan.warnings;
    if (summary.pcap_dropped > 0) {
      warnings.push_back(report::pcap_drop_warning(summary.pcap_dropped, engine::capture_buffer_bytes(plan)));
      std::fprintf(stderr, "portauth: warning: %s\n", warnings.back().c_str());
    }
    if (scan.summary_json) {
      const int ring = plan.offline() ? 0 : engine::capture_buffer_bytes(plan);
      scan.summary_json->write(report::summary_json(scan.name, summary, ring, warnings));
    }
    if (scan.manifest) scan.manifest->write(summary);  // after finish(): the outputs are flushed
  } catch (const common::SetupError& e) {
    progress.clear();
    std::fprintf(stderr, "portauth: %s\n", e.what());
    if (scan.summary_json) scan.summary_json->write_setup_error(scan.name, e.what());
    if (scan.manifest) scan.manifest->write_setup_error(e.what());
    rc = 2;
  }
  return rc;
}

// Every scan the command line asks for, validated; empty after an error (printed).
std::vector<std::unique_ptr<PreparedScan>> prepare_all(const cli::CommandLine& cli) {
  const config::ScanOptions& a = cli.options();
  std::vector<std::unique_ptr<PreparedScan>> scans;
  if (!a.resume.empty()) {
    // The probe space comes from the file; pacing, the wire and the outputs may be changed.
    if (const std::string refused = cli.refused_by_resume(); !refused.empty()) {
      std::fprintf(stderr, "portauth: --resume continues the scan in its file; %s cannot change it\n",
                   refused.c_str());
      return {};
    }
    auto state = std::make_unique<config::ResumeState>();
    try {
      *state = config::load_resume_file(a.resume);
    } catch (const config::SpecError& e) {
      std::fprintf(stderr, "portauth: %s\n", e.what());
      return {};
    }
    config::ScanOptions o = state->options;
    cli.override_options(o);
    auto scan = prepare("", o);
    if (!scan) return {};
    for (auto& out : scan->plan.outputs) out.append = true;
    scan->resume = std::move(state);
    scans.push_back(std::move(scan));
  } else if (a.config_file.empty()) {
    if (!a.job.empty()) {
      std::fprintf(stderr, "portauth: --job needs --config\n");
      return {};
    }
    auto scan = prepare("", a);
    if (!scan) return {};
    scans.push_back(std::move(scan));
  } else {
    std::vector<config::ConfigScan> file;
    try {
      file = config::load_config_file(a.config_file);
    } catch (const config::SpecError& e) {
      std::fprintf(stderr, "portauth: %s\n", e.what());
      return {};
    }
    if (!a.job.empty()) {
      std::string names;
      for (const auto& s : file) names += (names.empty() ? "" : ", ") + s.name;
      std::erase_if(file, [&](const config::ConfigScan& s) { return s.name != a.job; });
      if (file.empty()) {
        std::fprintf(stderr, "portauth: %s has no scan named '%s' (it has: %s)\n", a.config_file.c_str(),
                     a.job.c_str(), names.empty() ? "one unnamed scan" : names.c_str());
        return {};
      }
    }
    // Validate every scan before running any: a bad scan later in a file must not be found
    // after the first one has already sent its packets.
    for (auto& s : file) {
      cli.override_options(s.options);
      auto scan = prepare(s.name, s.options);
      if (!scan) return {};
      scans.push_back(std::move(scan));
    }
  }
  return scans;
}

int run(cli::CommandLine& cli, const std::string& command_line) {
  if (!cli.finish_or_report()) return 1;
  const config::ScanOptions& a = cli.options();
  auto scans = prepare_all(cli);
  if (scans.empty()) return 1;
  int rc = 0;
  if (a.report == "shieldsup") {
    for (auto& scan : scans)
      rc = std::max(rc, run_shieldsup_report(scan->plan, *scan->db, "", scan->options, command_line));
    return rc;
  }
  // Open every output of every scan first: once the first scan has dropped privileges, a
  // later one could no longer create its files.
  std::unique_ptr<report::SummaryJsonFile> summary_file;
  try {
    if (!a.summary_json.empty()) summary_file = std::make_unique<report::SummaryJsonFile>(a.summary_json);
    for (auto& scan : scans) {
      scan->outputs = std::make_unique<output::OutputSet>(scan->plan.outputs, scan->plan.show);
      if (!a.manifest.empty())  // --manifest: created now, while files can still be created
        scan->manifest =
            std::make_unique<merge::ManifestFile>(merge::manifest_path_for(a.manifest, scan->name), scan->plan);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  for (auto& scan : scans) scan->summary_json = summary_file.get();
  for (auto& scan : scans) rc = std::max(rc, run_prepared(*scan, command_line, a));
  return rc;
}

}  // namespace

void add_scan_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto* cmd = app.add_subcommand("scan", "TCP SYN scan: classify ports as open, closed or stealth");
  auto cli = std::make_shared<cli::CommandLine>(*cmd, config::kScan, "TARGETS...");
  cmd->footer(kExamples);
  cmd->callback([cli, &exit_code, &command_line] { exit_code = run(*cli, command_line); });
}

}  // namespace portauth::app
