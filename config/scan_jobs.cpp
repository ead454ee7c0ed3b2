#include "config/scan_jobs.h"

#include <algorithm>
#include <exception>

#include "config/config_file.h"
#include "config/presets.h"
#include "config/shard_auto.h"
#include "config/spec_error.h"

namespace portauth::config {

ScanJob plan_scan_job(const std::string& name, ScanOptions o, const PortRanking& ranking) {
  const std::string where = name.empty() ? "" : "scan '" + name + "': ";
  RankedPorts ranked;
  try {
    ranked = ranking(o);
  } catch (const std::exception& e) {
    throw SpecError(where + "port database: " + e.what());
  }
  ScanJob job;
  job.name = name;
  std::string warning;
  const bool tcp = o.syn_scan || !o.udp_scan;
  if (o.top_ports_count > 0) {
    auto top = [&](const std::vector<uint16_t>& from, std::vector<uint16_t>& to, const char* what) {
      to.assign(from.begin(), from.begin() + std::min<size_t>(from.size(), o.top_ports_count));
      if (to.size() < o.top_ports_count)
        warning = "the database ranks only " + std::to_string(to.size()) + what + " ports; --top-ports " +
                  std::to_string(o.top_ports_count) + " scans those";
    };
    if (tcp) top(ranked.tcp, o.top_ports, "");
    if (o.udp_scan) top(ranked.udp, o.udp_top_ports, " UDP");
  } else if (o.ports.empty() && o.preset.empty()) {
    if (tcp) {
      o.top_ports = default_port_set(ranked.tcp);
      job.port_set = describe_default_port_set(o.top_ports);
    }
    if (o.udp_scan) {
      o.udp_top_ports = ranked.udp;
      std::sort(o.udp_top_ports.begin(), o.udp_top_ports.end());
      job.port_set += (job.port_set.empty() ? "" : "; ") + std::string("the ") +
                      std::to_string(o.udp_top_ports.size()) + " database-ranked UDP ports";
    }
  }
  try {
    o.shard = resolve_shard_auto(o.shard);
    job.plan = build_scan_plan(o);
  } catch (const SpecError& e) {
    throw SpecError(where + e.what());
  }
  if (!warning.empty()) job.plan.warnings.insert(job.plan.warnings.begin(), warning);
  job.options = std::move(o);
  return job;
}

namespace {

std::vector<ScanJob> resume_job(const CommandLineView& cli, const PortRanking& ranking) {
  // The probe space comes from the file; pacing, the wire and the outputs may be changed.
  if (!cli.refused_by_resume.empty())
    throw SpecError("--resume continues the scan in its file; " + cli.refused_by_resume + " cannot change it");
  auto state = std::make_shared<ResumeState>(load_resume_file(cli.options.resume));
  ScanOptions o = state->options;
  cli.override_options(o);
  std::vector<ScanJob> jobs;
  jobs.push_back(plan_scan_job("", std::move(o), ranking));
  for (auto& out : jobs.back().plan.outputs) out.append = true;  // add to what the first run wrote
  jobs.back().resume = std::move(state);
  return jobs;
}

std::vector<ScanJob> config_file_jobs(const CommandLineView& cli, const PortRanking& ranking) {
  const ScanOptions& a = cli.options;
  std::vector<ConfigScan> file = load_config_file(a.config_file);
  if (!a.job.empty()) {
    std::string names;
    for (const auto& s : file) names += (names.empty() ? "" : ", ") + s.name;
    std::erase_if(file, [&](const ConfigScan& s) { return s.name != a.job; });
    if (file.empty())
      throw SpecError(a.config_file + " has no scan named '" + a.job + "' (it has: " +
                      (names.empty() ? "one unnamed scan" : names) + ")");
  }
  std::vector<ScanJob> jobs;
  for (auto& s : file) {
    cli.override_options(s.options);
    jobs.push_back(plan_scan_job(s.name, std::move(s.options), ranking));
  }
  return jobs;
}

}  // namespace

std::vector<ScanJob> plan_scan_jobs(const CommandLineView& cli, const PortRanking& ranking) {
  if (!cli.options.resume.empty()) return resume_job(cli, ranking);
  if (!cli.options.config_file.empty()) return config_file_jobs(cli, ranking);
  if (!cli.options.job.empty()) throw SpecError("--job needs --config");
  std::vector<ScanJob> jobs;
  jobs.push_back(plan_scan_job("", cli.options, ranking));
  return jobs;
}

}  // namespace portauth::config
