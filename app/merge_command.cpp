#include "app/merge_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "app/annotator.h"
#include "db/db_path.h"
#include "db/port_db.h"
#include "merge/shard_results.h"
#include "merge/shard_set.h"
#include "output/formats.h"
#include "output/output_set.h"
#include "config/scan_plan.h"
#include "config/spec_error.h"

namespace portauth::app {
namespace {

struct MergeArgs {
  std::vector<std::string> manifests;
  std::string format = "jsonl";
  std::string output_path;
  std::vector<std::pair<std::string, std::string>> extra_outputs;  // (format, path)
  std::string show;  // "" = every state the shards hold
  std::string db;
  bool check = false;
};

int refuse(const std::vector<std::string>& problems) {
  std::fprintf(stderr, "portauth: merge refused: %zu problem(s):\n", problems.size());
  for (const auto& p : problems) std::fprintf(stderr, "  %s\n", p.c_str());
  return 1;
}

std::string state_list(unsigned mask) {
  std::string out;
  for (auto [bit, name] : {std::pair{config::kShowOpen, "open"}, {config::kShowClosed, "closed"},
                           {config::kShowStealth, "stealth"}})
    if (mask & bit) out += (out.empty() ? "" : ",") + std::string(name);
  return out.empty() ? "none" : out;
}

// -o/--format and -oX FILE ... as for scan; with none, JSONL to standard output.
std::vector<config::OutputSpec> output_specs(const MergeArgs& a) {
  std::vector<config::OutputSpec> specs;
  for (const auto& [format, path] : a.extra_outputs) specs.push_back({config::parse_output_format(format), path});
  if (!a.output_path.empty() || specs.empty()) specs.push_back({config::parse_output_format(a.format), a.output_path});
  int to_stdout = 0;
  for (const auto& s : specs) {
    to_stdout += s.path.empty() || s.path == "-";
    for (const auto& t : specs)
      if (&s != &t && s.path == t.path && !s.path.empty() && s.path != "-")
        throw config::SpecError("two outputs write to the same file '" + s.path + "'");
  }
  if (to_stdout > 1) throw config::SpecError("only one output can go to standard output");
  return specs;
}

output::ScanSummary combine(const merge::ShardSet& set) {
  output::ScanSummary s;
  int64_t start = INT64_MAX, end = 0;
  for (const auto& f : set.shards) {
    const auto& c = f.manifest.counts;
    s.packets_sent += c.packets_sent;
    s.send_errors += c.send_errors;
    s.passes = std::max(s.passes, c.passes);
    s.pcap_received += c.pcap_received;
    s.pcap_dropped += c.pcap_dropped;
    start = std::min(start, f.manifest.start);
    end = std::max(end, f.manifest.end);
  }
  s.seconds = double(end - start);
  s.pps = s.seconds > 0 ? double(s.packets_sent) / s.seconds : 0;  // all machines together
  return s;
}

int run(const MergeArgs& a, const std::string& command_line) {
  std::vector<std::string> problems;
  std::vector<merge::ShardFile> files;
  for (const auto& path : a.manifests) {
    try {
      files.push_back({path, merge::load_manifest(path), "", ""});
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
  }
  merge::ShardSet set = merge::check_shard_set(std::move(files));
  problems.insert(problems.end(), set.problems.begin(), set.problems.end());
  if (!problems.empty()) return refuse(problems);

  std::vector<config::OutputSpec> specs;
  unsigned show = set.available;
  try {
    specs = output_specs(a);
    if (!a.show.empty()) show = config::parse_show(a.show);
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  const std::string held = state_list(set.available);
  if ((show & set.available) != show)
    problems.push_back("--show " + state_list(show) + " asks for states the shards did not record (they hold: " +
                       held + "); scan them with --show all");
  for (const auto& spec : specs)
    if (output::format_info(spec.format).every_state && set.available != config::kShowAll)
      problems.push_back(std::string(config::output_format_name(spec.format)) +
                         " output reports every port, but the shards recorded only " + held +
                         " ports; scan them with --show all (or --show open,closed)");
  for (const auto& w : set.warnings) std::fprintf(stderr, "portauth: warning: %s\n", w.c_str());

  // First pass: every shard's results checked (and checksummed) before anything is written.
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<merge::ShardTally> tallies;
  for (const auto& f : set.shards) {
    try {
      tallies.push_back(merge::read_shard_results(set.plan, f, 0, {}));
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
  }
  if (!problems.empty()) return refuse(problems);
  if (a.check) {
    std::fprintf(stderr, "portauth: %zu shards of %u checked: they merge into one complete scan\n", set.shards.size(),
                 set.plan.shards);
    return 0;
  }

  std::unique_ptr<db::PortDb> db;
  try {
    db = std::make_unique<db::PortDb>(db::PortDb::load_file(db::resolve_db_path(a.db)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: port database: %s\n", e.what());
    return 1;
  }
  std::unique_ptr<output::OutputSet> outputs;
  try {
    outputs = std::make_unique<output::OutputSet>(specs, show);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  const unsigned deliver = outputs->delivery_mask() & set.available;
  PortAnnotator annotator(db.get());
  const auto writers = outputs->writers();

  const merge::Manifest& first = set.shards.front().manifest;
  output::ScanInfo info;
  info.start_unix = first.start;
  for (const auto& f : set.shards) info.start_unix = std::min(info.start_unix, f.manifest.start);
  info.command_line = command_line;
  info.ports = set.plan.ports;
  for (const auto& [lo, hi] : set.plan.targets) info.address_count += config::clamp64(config::AddressRange{lo, hi}.size());
  info.probe_count = info.address_count * info.ports.size();
  info.rate = first.rate;
  info.retries = first.retries;
  for (auto* w : writers) w->begin(info);

  output::ScanSummary s = combine(set);
  const auto sink = [&](const probe::ScanResult& r) {
    const auto& note = annotator(r.port);
    for (auto* w : writers) w->result(r, note);
  };
  for (size_t i = 0; i < set.shards.size(); ++i) {
    try {
      merge::read_shard_results(set.plan, set.shards[i], deliver, sink);
    } catch (const std::exception& e) {  // changed between the passes
      std::fprintf(stderr, "portauth: %s; the merged outputs are incomplete\n", e.what());
      return 1;
    }
    for (auto* w : writers) w->flush();
    s.open += tallies[i].open;
    s.closed += tallies[i].closed;
    s.stealth += tallies[i].stealth;
    s.probed += tallies[i].probes;
  }
  for (auto* w : writers) w->finish(s);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "portauth: merged %zu shards (%s) in %.2f s: %s\n", set.shards.size(),
               set.shards.front().manifest.fingerprint.substr(0, 12).c_str(), took, output::summary_line(s).c_str());
  return 0;
}

}  // namespace

void add_merge_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto a = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand("merge", "merge the shards of one scan (scan --shard i/n --manifest FILE) into one result");
  cmd->add_option("manifests", a->manifests, "the shards' manifest files (one per shard)")->required();
  cmd->add_option("--format", a->format, "format of -o (or of standard output): jsonl, text, xml, grepable, csv, html")
      ->capture_default_str();
  cmd->add_option("-o,--output", a->output_path, "write the merged result to FILE instead of stdout");
  // The same -oX/-oJ/... outputs as scan (main rewrites -oX to --output-xml: nmap_style_args.h).
  for (const auto& f : output::formats()) {
    const std::string format(f.name);
    cmd->add_option_function<std::vector<std::string>>(
           std::string(f.long_option),
           [a, format](const std::vector<std::string>& paths) {
             for (const auto& p : paths) a->extra_outputs.emplace_back(format, p);
           },
           "(or " + std::string(f.short_flag) + " FILE) " + std::string(f.help) + " to FILE")
        ->type_name("FILE");
  }
  cmd->add_option("--show", a->show, "which states to report (default: every state the shards recorded)");
  cmd->add_flag("--check", a->check, "check that the shards merge, and write nothing");
  cmd->add_option("--db", a->db, "port database file (default: $PORTAUTH_DB, then the installed one)");
  cmd->callback([a, &exit_code, &command_line] { exit_code = run(*a, command_line); });
}

}  // namespace portauth::app
