#include "merge/merge_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "config/scan_plan.h"
#include "config/spec_error.h"
#include "db/db_path.h"
#include "db/port_db.h"
#include "merge/merged_summary.h"
#include "merge/shard_results.h"
#include "merge/shard_set.h"
#include "output/formats.h"
#include "output/output_set.h"
#include "report/annotator.h"

namespace portauth::merge {
namespace {

int refuse(const std::vector<std::string>& problems) {
  if (problems.size() == 1) {  // one problem, one line (issue 19.10)
    std::fprintf(stderr, "portauth: merge refused: %s\n", problems.front().c_str());
    return 1;
  }
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

}  // namespace

int run_merge(const MergeRequest& a) {
  std::vector<std::string> problems;
  std::vector<ShardFile> files;
  for (const auto& path : a.manifests) {
    try {
      files.push_back({path, load_manifest(path), "", ""});
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
  }
  if (files.empty() && !problems.empty()) return refuse(problems);  // not also "no manifests given"
  ShardSet set = check_shard_set(std::move(files));
  problems.insert(problems.end(), set.problems.begin(), set.problems.end());
  if (!problems.empty()) return refuse(problems);

  std::vector<config::OutputSpec> specs;
  unsigned show = set.available;
  try {
    config::ScanOptions o;  // the same -o/--format/-oX rules as scan (config::resolve_outputs)
    o.format = a.format;
    o.output_path = a.output_path;
    o.extra_outputs = a.extra_outputs;
    specs = config::resolve_outputs(o);
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
  std::vector<ShardTally> tallies;
  for (const auto& f : set.shards) {
    try {
      tallies.push_back(read_shard_results(set.plan, f, 0, {}));
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
  }
  if (!problems.empty()) return refuse(problems);
  if (const std::string p = service_scan_problem(set, tallies); !p.empty()) return refuse({p});
  const output::ScanSummary s = merged_summary(set, tallies);
  const bool services = s.service_scan;
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
  report::PortAnnotator annotator(db.get());
  const auto writers = outputs->writers();

  const Manifest& first = set.shards.front().manifest;
  output::ScanInfo info;
  info.start_unix = first.start;
  for (const auto& f : set.shards) info.start_unix = std::min(info.start_unix, f.manifest.start);
  info.command_line = a.command_line;
  info.ports = set.plan.ports;
  info.udp_ports = set.plan.udp_ports;
  for (const auto& [lo, hi] : set.plan.targets) info.address_count += config::clamp64(config::AddressRange{lo, hi}.size());
  info.probe_count = info.address_count * (info.ports.size() + info.udp_ports.size());
  info.rate = first.rate;
  info.retries = first.retries;
  info.service_scan = services;  // -sV's "service" object on every JSONL line, the VERSION column, ...
  for (auto* w : writers) w->begin(info);

  // Each port with what its shard found about it (-sV's service, UDP's reply), as the scan's
  // own stages hand it to the writers.
  const auto sink = [&](const probe::ScanResult& r, const output::PortFacts& facts) {
    const auto& note = annotator(r.port, r.proto);
    for (auto* w : writers) w->result(r, note, facts);
  };
  for (size_t i = 0; i < set.shards.size(); ++i) {
    try {
      read_shard_results(set.plan, set.shards[i], deliver, sink);
    } catch (const std::exception& e) {  // changed between the passes
      std::fprintf(stderr, "portauth: %s; the merged outputs are incomplete\n", e.what());
      return 1;
    }
    for (auto* w : writers) w->flush();
  }
  for (auto* w : writers) w->finish(s);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "portauth: merged %zu shards (%s) in %.2f s: %s\n", set.shards.size(),
               set.shards.front().manifest.fingerprint.substr(0, 12).c_str(), took, output::summary_line(s).c_str());
  if (services) std::fprintf(stderr, "portauth: %s\n", output::service_summary_line(s).c_str());
  return 0;
}


}  // namespace portauth::merge
