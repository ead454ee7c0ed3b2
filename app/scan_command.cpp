#include "scan_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "annotator.h"
#include "config_file.h"
#include "resume_file.h"
#include "db/db_path.h"
#include "db/port_db.h"
#include "output_options.h"
#include "outputs.h"
#include "privileges.h"
#include "progress.h"
#include "scan_plan.h"
#include "scan_runner.h"
#include "setup_error.h"
#include "shieldsup_command.h"
#include "merge/manifest.h"
#include "merge/manifest_file.h"
#include "shard_auto.h"
#include "sink_factory.h"
#include "spec_error.h"
#include "summary_json.h"

namespace portauth::app {
namespace {

struct ScanArgs {
  config::ScanOptions o;
  uint64_t seed = 0;
  size_t top_ports = 0;
  std::string db;
  std::string config_file;
  std::string job;
  std::string resume;
  std::string resume_file = "portauth-resume.yaml";
  std::string user;
  output::ProgressMode progress = output::ProgressMode::kAuto;  // --progress / --no-progress
  std::string report;  // --report shieldsup: shieldsup_command.h's report instead of the text
  uint64_t pcap_buffer = 0;   // --pcap-buffer BYTES (0: sized from the rate)
  std::string summary_json;   // --summary-json FILE (summary_json.h)
  std::string manifest;       // --manifest FILE (merge/manifest.h)
};

// One scan ready to run: everything validated, nothing opened yet.
struct PreparedScan {
  std::string name;
  std::unique_ptr<db::PortDb> db;
  config::ScanPlan plan;
  std::unique_ptr<config::ResumeState> resume;  // set for --resume
  std::string resume_path;                      // where an interrupt writes one
  std::unique_ptr<OutputSet> outputs;           // opened before any scan runs (and privileges drop)
  std::string user;                             // who to become once the wire is open
  SummaryJsonFile* summary_json = nullptr;      // --summary-json: one line per scan
  std::unique_ptr<merge::ManifestFile> manifest;  // --manifest: written when the scan ends
};

// Command-line options override the config file's, option by option.
void apply_overrides(const CLI::App& cmd, const config::ScanOptions& cli, config::ScanOptions& o) {
  auto given = [&](const char* name) { return cmd.count(name) > 0; };
  if (!cli.targets.empty()) o.targets = cli.targets;
  if (given("--target-file")) o.target_files = cli.target_files;
  if (given("--exclude")) o.excludes = cli.excludes;
  if (given("--exclude-file")) o.exclude_files = cli.exclude_files;
  if (given("--allow")) o.allow = cli.allow;
  if (given("--ports")) o.ports = cli.ports;
  if (given("--preset")) o.preset = cli.preset;
  if (given("--rate")) o.rate = cli.rate;
  if (given("--retries")) o.retries = cli.retries;
  if (given("--wait")) o.wait_seconds = cli.wait_seconds;
  if (given("--interface")) o.interface = cli.interface;
  if (given("--source-ip")) o.source_ip = cli.source_ip;
  if (given("--source-port")) o.source_port = cli.source_port;
  if (given("--seed")) o.seed = cli.seed;
  if (given("--shard")) o.shard = cli.shard;
  if (given("--show")) o.show = cli.show;
  if (given("--confirm-large")) o.confirm_large = cli.confirm_large;
  if (given("--send-mode")) o.send_mode = cli.send_mode;
  if (given("--dry-run")) o.dry_run = cli.dry_run;
  if (given("--pcap-out")) o.pcap_out = cli.pcap_out;
  // Outputs named on the command line replace the file's outputs as a whole.
  if (given("--output") || !cli.extra_outputs.empty()) {
    o.extra_outputs = cli.extra_outputs;
    o.output_path = cli.output_path;
  }
  if (given("--format")) o.format = cli.format;
}

// Loads the database, resolves --top-ports and builds the plan. Prints the error and
// returns null when the input is bad.
std::unique_ptr<PreparedScan> prepare(const std::string& name, config::ScanOptions o, size_t top_ports,
                                      const std::string& db_path) {
  auto scan = std::make_unique<PreparedScan>();
  scan->name = name;
  const std::string where = name.empty() ? "" : "scan '" + name + "': ";
  try {
    scan->db = std::make_unique<db::PortDb>(db::PortDb::load_file(db::resolve_db_path(db_path)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %sport database: %s\n", where.c_str(), e.what());
    return nullptr;
  }
  if (top_ports > 0) {
    o.top_ports = scan->db->top_ports(top_ports);
    if (o.top_ports.size() < top_ports)
      std::fprintf(stderr, "portauth: warning: the database ranks only %zu ports; --top-ports %zu scans those\n",
                   o.top_ports.size(), top_ports);
  }
  try {
    o.shard = config::resolve_shard_auto(o.shard);  // --shard auto/N (shard_auto.h)
    scan->plan = config::build_scan_plan(o);
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s%s\n", where.c_str(), e.what());
    return nullptr;
  }
  for (const auto& w : scan->plan.warnings) std::fprintf(stderr, "portauth: warning: %s%s\n", where.c_str(), w.c_str());
  return scan;
}

int run_prepared(PreparedScan& scan, const std::string& command_line, output::ProgressMode progress_mode) {
  const config::ScanPlan& plan = scan.plan;
  if (!scan.name.empty()) std::fprintf(stderr, "portauth: running scan '%s'\n", scan.name.c_str());
  std::unique_ptr<OutputSet>& outputs = scan.outputs;
  // nmap XML, grepable and HTML need every state; the other writers then filter by --show.
  scan.plan.show = outputs->delivery_mask();
  output::ProgressDisplay progress(stderr);
  const bool show_progress = output::should_show_progress(progress_mode, isatty(STDERR_FILENO) == 1);

  PortAnnotator annotator(scan.db.get());
  output::Annotator annotate = [&](uint16_t port) -> const output::Annotation& { return annotator(port); };
  int rc = 0;
  try {
    RunOptions run_options;
    run_options.command_line = command_line;
    run_options.resume = scan.resume.get();
    run_options.resume_path = scan.resume_path;
    run_options.user = scan.user;
    auto writers = outputs->writers();
    if (show_progress) {
      run_options.progress = [&](const output::ProgressSnapshot& p) { progress.update(p); };
      writers.insert(writers.begin(), &progress);  // first: clears the line before any report
    }
    const auto summary = run_scan(plan, annotate, writers, run_options);
    // A text report on the terminal carries its own summary; otherwise say it on stderr.
    if (!outputs->text_on_stdout())
      std::fprintf(stderr, "portauth: %s\n", output::summary_line(summary).c_str());
    std::fprintf(stderr,
                 "portauth: %llu packets sent from %s on %s in %u pass(es); replies: %llu accepted, %llu "
                 "duplicate, %llu rejected; pcap: %llu received, %llu dropped\n",
                 (unsigned long long)summary.packets_sent, summary.source_ip.c_str(), summary.interface.c_str(),
                 summary.passes, (unsigned long long)summary.replies_accepted,
                 (unsigned long long)summary.duplicates, (unsigned long long)summary.replies_rejected,
                 (unsigned long long)summary.pcap_received, (unsigned long long)summary.pcap_dropped);
    if (plan.offline())
      std::fprintf(stderr, "portauth: %s: %llu probes generated at %.0f pps (send time %.3f s); nothing was sent\n",
                   plan.dry_run ? "dry run" : ("probes written to " + plan.pcap_out).c_str(),
                   (unsigned long long)summary.packets_sent, summary.pps,
                   summary.pps > 0 ? double(summary.packets_sent) / summary.pps : 0.0);
    if (!summary.resume_file.empty())
      std::fprintf(stderr, "portauth: interrupted; to finish the scan: portauth scan --resume %s\n",
                   summary.resume_file.c_str());
    else if (scan.resume && std::remove(scan.resume_path.c_str()) == 0)
      std::fprintf(stderr, "portauth: resumed scan finished; removed %s\n", scan.resume_path.c_str());
    std::vector<std::string> warnings = plan.warnings;
    if (summary.pcap_dropped > 0) {
      warnings.push_back(pcap_drop_warning(summary.pcap_dropped, capture_buffer_bytes(plan)));
      std::fprintf(stderr, "portauth: warning: %s\n", warnings.back().c_str());
    }
    if (scan.summary_json) {
      const int ring = plan.offline() ? 0 : capture_buffer_bytes(plan);
      scan.summary_json->write(summary_json(scan.name, summary, ring, warnings));
    }
    if (scan.manifest) scan.manifest->write(summary);  // after finish(): the outputs are flushed
  } catch (const scanner::SetupError& e) {
    progress.clear();
    std::fprintf(stderr, "portauth: %s\n", e.what());
    if (scan.summary_json) scan.summary_json->write_setup_error(scan.name, e.what());
    if (scan.manifest) scan.manifest->write_setup_error(e.what());
    rc = 2;
  }
  return rc;
}

int run(ScanArgs& a, const CLI::App& cmd, const std::string& command_line) {
  if (cmd.count("--seed")) a.o.seed = a.seed;
  // Validate every scan before running any: a bad scan later in a file must not be found
  // after the first one has already sent its packets.
  std::vector<std::unique_ptr<PreparedScan>> scans;
  if (!a.resume.empty()) {
    // The probe space (targets, ports, seed, shard) comes from the file; pacing and the
    // wire may be changed on the command line.
    for (const char* fixed : {"--ports", "--preset", "--top-ports", "--seed", "--shard", "--config", "--target-file",
                              "--exclude", "--exclude-file"})
      if (cmd.count(fixed) || !a.o.targets.empty()) {
        std::fprintf(stderr, "portauth: --resume continues the scan in its file; %s cannot change it\n",
                     a.o.targets.empty() ? fixed : "a target list");
        return 1;
      }
    auto state = std::make_unique<config::ResumeState>();
    try {
      *state = config::load_resume_file(a.resume);
    } catch (const config::SpecError& e) {
      std::fprintf(stderr, "portauth: %s\n", e.what());
      return 1;
    }
    config::ScanOptions o = state->options;
    apply_overrides(cmd, a.o, o);
    auto scan = prepare("", o, 0, a.db);
    if (!scan) return 1;
    for (auto& out : scan->plan.outputs) out.append = true;
    scan->resume = std::move(state);
    scan->resume_path = a.resume;  // interrupted again: update the same file
    scans.push_back(std::move(scan));
  } else if (a.config_file.empty()) {
    if (!a.job.empty()) {
      std::fprintf(stderr, "portauth: --job needs --config\n");
      return 1;
    }
    auto scan = prepare("", a.o, a.top_ports, a.db);
    if (!scan) return 1;
    scan->resume_path = a.resume_file;
    scans.push_back(std::move(scan));
  } else {
    std::vector<config::ConfigScan> file;
    try {
      file = config::load_config_file(a.config_file);
    } catch (const config::SpecError& e) {
      std::fprintf(stderr, "portauth: %s\n", e.what());
      return 1;
    }
    if (!a.job.empty()) {
      std::string names;
      for (const auto& s : file) names += (names.empty() ? "" : ", ") + s.name;
      std::erase_if(file, [&](const config::ConfigScan& s) { return s.name != a.job; });
      if (file.empty()) {
        std::fprintf(stderr, "portauth: %s has no scan named '%s' (it has: %s)\n", a.config_file.c_str(),
                     a.job.c_str(), names.empty() ? "one unnamed scan" : names.c_str());
        return 1;
      }
    }
    for (auto& s : file) {
      apply_overrides(cmd, a.o, s.options);
      const size_t top = cmd.count("--top-ports") ? a.top_ports : s.top_ports;
      const std::string& db_path = cmd.count("--db") ? a.db : s.database;
      auto scan = prepare(s.name, s.options, top, db_path);
      if (!scan) return 1;
      scan->resume_path = s.name.empty() ? a.resume_file : a.resume_file + "." + s.name;
      scans.push_back(std::move(scan));
    }
  }
  int rc = 0;
  if (cmd.count("--pcap-buffer"))
    for (auto& scan : scans) scan->plan.pcap_buffer_bytes = int(a.pcap_buffer);
  if (a.report == "shieldsup") {
    for (auto& scan : scans) rc = std::max(rc, run_shieldsup_report(scan->plan, *scan->db, "", command_line));
    return rc;
  }
  // Open every output of every scan first: once the first scan has dropped privileges, a
  // later one could no longer create its files.
  std::unique_ptr<SummaryJsonFile> summary_file;
  try {
    if (!a.summary_json.empty()) summary_file = std::make_unique<SummaryJsonFile>(a.summary_json);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  for (auto& scan : scans) scan->summary_json = summary_file.get();
  for (auto& scan : scans) {
    try {
      scan->outputs = std::make_unique<OutputSet>(scan->plan.outputs, scan->plan.show);
      if (!a.manifest.empty())  // --manifest: created now, while files can still be created
        scan->manifest = std::make_unique<merge::ManifestFile>(merge::manifest_path_for(a.manifest, scan->name),
                                                               scan->plan);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "portauth: %s\n", e.what());
      return 1;
    }
  }
  for (auto& scan : scans) scan->user = drop_target_user(a.user);
  for (auto& scan : scans) rc = std::max(rc, run_prepared(*scan, command_line, a.progress));
  return rc;
}

}  // namespace

void add_scan_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto args = std::make_shared<ScanArgs>();
  auto* cmd = app.add_subcommand("scan", "TCP SYN scan: classify ports as open, closed or stealth");
  auto& o = args->o;
  cmd->add_option("targets", o.targets,
                  "IPv4 addresses, CIDR blocks, ranges a.b.c.d-e.f.g.h or a.b.c.d-h, host names");
  cmd->add_option("--target-file", o.target_files, "(or -iL FILE) read targets from FILE, one per line, '#' comments");
  cmd->add_option("-p,--ports", o.ports, "ports: 22,80,443 / 1-1024 / - (all 0-65535)");
  cmd->add_option("--preset", o.preset,
                  "ShieldsUP port sets: common (its 26 common ports), service (0-1055), all (0-65535)");
  cmd->add_option("--top-ports", args->top_ports, "the N ports most commonly found open (database rank)")
      ->check(CLI::Range(size_t{1}, size_t{65536}));
  cmd->add_option("--rate", o.rate, "packets per second, or max (as fast as the sink takes them)")
      ->capture_default_str();
  cmd->add_option("--send-mode", o.send_mode,
                  "raw (raw IPv4 socket + sendmmsg) or ring (PACKET_MMAP TX ring, Ethernet only, one next hop)")
      ->capture_default_str();
  cmd->add_flag("--dry-run", o.dry_run,
                "run the whole scan logic without sending or capturing (no root needed); prints the probe rate");
  cmd->add_option("--pcap-out", o.pcap_out, "write the probes to this pcap file (raw IPv4) instead of sending them");
  cmd->add_option("--retries", o.retries, "extra passes over unanswered probes")->capture_default_str();
  cmd->add_option("--wait", o.wait_seconds, "seconds to wait for late replies after each pass")
      ->capture_default_str();
  cmd->add_option("-i,--interface", o.interface, "interface to send and capture on (default: from the route)");
  cmd->add_option("--source-ip", o.source_ip, "source address (default: the interface's)");
  cmd->add_option("--source-port", o.source_port, "source port or range A-B (default: 256 random ports above 61000)");
  cmd->add_option("--seed", args->seed, "seed for the probe order (default: random)");
  cmd->add_option("--show", o.show, "which states to report: open, closed, stealth, all (comma list)")
      ->capture_default_str();
  cmd->add_option("--format", o.format,
                  "format of -o (or of standard output): text, jsonl, xml (nmap XML), grepable (nmap -oG), csv, html")
      ->capture_default_str();
  cmd->add_option("-o,--output", o.output_path, "write results to FILE instead of stdout");
  // nmap-style outputs, any number, each to its own file. They add to -o/--format.
  add_output_file_options(*cmd, [args](const std::string& format, const std::string& path) {
    args->o.extra_outputs.emplace_back(format, path);
  });
  cmd->add_flag_callback("--progress", [args] { args->progress = output::ProgressMode::kOn; },
                         "live progress on stderr even when it is not a terminal (default: only on a terminal)");
  cmd->add_flag_callback("--no-progress", [args] { args->progress = output::ProgressMode::kOff; },
                         "no live progress, not even on a terminal");
  cmd->add_option("--exclude", o.excludes, "never probe these addresses (same grammar as targets)");
  cmd->add_option("--exclude-file", o.exclude_files, "never probe the addresses listed in FILE");
  cmd->add_option("--shard", o.shard,
                  "scan slice i of n (1-based, e.g. 2/4), or auto/n: i from the batch engine (JOB_COMPLETION_INDEX, "
                  "SLURM_ARRAY_TASK_ID); every shard needs the same --seed");
  cmd->add_option("--manifest", args->manifest,
                  "when the scan ends, write a shard manifest to FILE (plan fingerprint, completeness, counts, output "
                  "checksums) for portauth merge")
      ->type_name("FILE");
  cmd->add_flag("--confirm-large", o.confirm_large, "allow scans of more than 2^24 addresses");
  cmd->add_option("--allow", o.allow,
                  "lift the default exclude list (private and reserved ranges) for this range, e.g. "
                  "--allow 192.168.1.0/24");
  cmd->add_option("-c,--config", args->config_file,
                  "run the scan(s) a YAML file describes; options given here override the file's");
  cmd->add_option("--job", args->job, "with --config: run only the scan of this name");
  cmd->add_option("--user", args->user,
                  "once sockets and files are open, run as USER with only CAP_NET_RAW (default: $SUDO_USER, "
                  "else nobody; 'root' keeps root)");
  cmd->add_option("--resume", args->resume, "continue the interrupted scan a resume file describes");
  cmd->add_option("--resume-file", args->resume_file, "where Ctrl-C writes the resume file")->capture_default_str();
  cmd->add_option("--pcap-buffer", args->pcap_buffer,
                  "capture buffer (kernel ring) size, e.g. 64M (default: sized from --rate and --wait, "
                  "32M-256M); raise it if the summary reports pcap drops")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(uint64_t{4096}, uint64_t{1} << 30));
  cmd->add_option("--summary-json", args->summary_json,
                  "write one JSON line per scan to FILE: counts, replies, pcap drops, and whether the scan is "
                  "complete")
      ->type_name("FILE");
  cmd->add_option("--db", args->db, "port database file (default: $PORTAUTH_DB, then the installed one)");
  cmd->add_option("--report", args->report,
                  "shieldsup: a ShieldsUP report with the TruStealth verdict on stdout (one host; -o files are "
                  "still written)")
      ->check(CLI::IsMember({"shieldsup"}));
  cmd->callback([args, cmd, &exit_code, &command_line] { exit_code = run(*args, *cmd, command_line); });
}

}  // namespace portauth::app
