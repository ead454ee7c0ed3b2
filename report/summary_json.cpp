#include "report/summary_json.h"

#include "config/address.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "config/address.h"

namespace portauth::report {

std::vector<std::string> incomplete_reasons(const output::ScanSummary& s) {
  std::vector<std::string> out;
  if (s.interrupted) out.emplace_back("interrupted");
  if (s.pcap_dropped > 0) out.emplace_back("pcap-drops");
  if (s.send_errors > 0) out.emplace_back("send-errors");
  if (s.last_retry_answers > 0) out.emplace_back("retries-still-answering");
  return out;
}

std::string pcap_drop_warning(uint64_t dropped, int buffer_bytes) {
  // Dropped replies are answers we never saw: those ports look stealth, wrongly. The ring
  // overflows when replies arrive faster than the capture thread drains them for longer than
  // the ring can hold, so the fixes are fewer replies per second or a bigger ring.
  return "the capture dropped " + std::to_string(dropped) +
         " packets: replies came faster than they could be read, so some open or closed ports may be "
         "reported stealth and the results are incomplete; scan again with a lower --rate, or a bigger "
         "capture buffer (--pcap-buffer, now " +
         std::to_string(buffer_bytes) + " bytes)";
}

std::vector<std::string> verdict_warnings(const output::ScanSummary& s) {
  std::vector<std::string> out;
  char cost[64];
  for (const auto& v : s.host_verdicts) {
    std::snprintf(cost, sizeof cost, "%.1f s", v.cost_seconds);
    std::string w = config::format_address(v.addr) + ": " + verdict::verdict_name(v.kind) + ": " + verdict::verdict_line(v);
    if (v.kind == verdict::VerdictKind::kRateBlock)
      w += "; the scan waited out its silences, paced itself to the rate it tolerates and re-probed what fell into "
           "them; this host cost " + std::string(cost);
    else
      w += "; its open ports are reported as SYN-ACKs, not as services; finding this out cost " + std::string(cost);
    out.push_back(std::move(w));
  }
  if (s.hosts_untracked > 0)
    out.push_back(std::to_string(s.hosts_untracked) + " answering hosts had no room in the evidence table: no verdict "
                  "was possible for them (split the scan with --shard)");
  return out;
}

nlohmann::ordered_json verdict_json(const verdict::HostVerdict& v) {
  using J = nlohmann::ordered_json;
  J evidence = J::object();
  for (const auto& e : v.evidence) {
    struct Visit {
      J operator()(bool b) const { return b; }
      J operator()(int64_t i) const { return i; }
      J operator()(double d) const { return d; }
      J operator()(const std::string& s) const { return s; }
      J operator()(const std::vector<uint16_t>& p) const { return p; }
    };
    evidence[e.key] = std::visit(Visit{}, e.value);
  }
  J j;
  j["ip"] = config::format_address(v.addr);
  j["verdict"] = verdict::verdict_name(v.kind);
  j["line"] = verdict::verdict_line(v);
  j["evidence"] = evidence;
  j["open_ports"] = v.open_ports;
  j["service_ports"] = v.service_ports;
  j["services_checked"] = v.services_checked;
  j["services_identified"] = v.services_identified;
  j["cost_seconds"] = v.cost_seconds;
  return j;
}

nlohmann::ordered_json summary_json(const std::string& scan_name, const output::ScanSummary& s, int pcap_buffer_bytes,
                            const std::vector<std::string>& warnings) {
  using J = nlohmann::ordered_json;  // keys in the documented order
  const auto reasons = incomplete_reasons(s);
  J j;
  j["summary"] = 1;
  j["scan"] = scan_name.empty() ? J(nullptr) : J(scan_name);
  j["complete"] = reasons.empty();
  j["incomplete"] = reasons;
  j["open"] = s.open;
  j["closed"] = s.closed;
  j["stealth"] = s.stealth;
  j["probed"] = s.probed;
  j["not_sent"] = s.not_sent;
  j["unanswered"] = s.unanswered;
  j["earlier_runs"] = s.earlier_runs;
  j["packets_sent"] = s.packets_sent;
  j["send_errors"] = s.send_errors;
  j["passes"] = s.passes;
  j["last_retry_answers"] = s.last_retry_answers;
  j["seconds"] = s.seconds;
  j["pps"] = s.pps;
  j["ports_per_second"] = s.seconds > 0 ? double(s.probed) / s.seconds : 0.0;
  if (s.udp) {
    // UDP: the silent ports, and each host that limits its ICMP errors (its rate, what is left).
    J hosts = J::array();
    for (const auto& h : s.icmp_limited)
      hosts.push_back({{"ip", config::format_address(h.addr)},
                       {"icmp_before", h.icmp_before},
                       {"seconds_per_error", h.period_s > 0 ? J(h.period_s) : J(nullptr)},
                       {"at_least_seconds_per_error", h.period_s > 0 ? J(nullptr) : J(h.bound_s)},
                       {"classified", h.classified},
                       {"open_filtered", h.unclassified}});
    j["udp"] = {{"open_filtered", s.open_filtered},
                {"wait_unreachable", s.waited_unreachable},
                {"phase_seconds", s.udp_phase_seconds},
                {"icmp_limited", hosts}};
  }
  if (s.adaptive) {
    j["rate"] = {{"mode", "closed-loop"},    {"min", s.rate_min},        {"max", s.rate_max},
                 {"final", s.rate_final},    {"backoffs", s.rate_backoffs}, {"held_by", s.rate_held_by},
                 {"extra_passes", s.extra_passes}, {"ceiling", s.rate_ceiling}};
    if (s.rtt_p50_ms >= 0) j["rate"]["rtt_ms"] = {{"p50", s.rtt_p50_ms}, {"p99", s.rtt_p99_ms}};
  } else {
    j["rate"] = {{"mode", "fixed"}};
  }
  if (s.service_scan)  // -sV: what identification concluded, and its own time after the SYN scan
    j["services"] = {{"identified", s.services_identified},   {"unrecognised", s.services_unrecognised},
                     {"silent", s.services_silent},           {"tcpwrapped", s.services_tcpwrapped},
                     {"unfinished", s.services_unfinished},   {"connections", s.service_connections},
                     {"not_tried", s.services_not_tried},     {"seconds_after_scan", s.service_extra_seconds}};
  j["replies"] = {{"accepted", s.replies_accepted}, {"duplicate", s.duplicates}, {"rejected", s.replies_rejected}};
  j["pcap"] = {{"received", s.pcap_received},
               {"dropped", s.pcap_dropped},
               {"interface_dropped", s.pcap_if_dropped},
               {"buffer_bytes", pcap_buffer_bytes}};
  j["source_ip"] = s.source_ip;
  j["interface"] = s.interface;
  j["send_path"] = s.send_path.empty() ? J(nullptr) : J({{"mode", s.send_path}, {"reason", s.send_path_reason}});
  j["resume_file"] = s.resume_file.empty() ? J(nullptr) : J(s.resume_file);
  j["hosts"] = J::array();
  for (const auto& v : s.host_verdicts) j["hosts"].push_back(verdict_json(v));
  j["canary_probes"] = s.canary_probes;
  j["follow_ups"] = {{"probes", s.follow_up_probes}, {"seconds", s.follow_up_seconds}};
  j["hosts_untracked"] = s.hosts_untracked;
  j["silences_forgotten"] = s.silences_forgotten;
  j["warnings"] = warnings;
  return j;
}

SummaryJsonFile::SummaryJsonFile(const std::string& path) : file_(std::fopen(path.c_str(), "w")), path_(path) {
  if (!file_) throw std::runtime_error("cannot write --summary-json file '" + path + "': " + std::strerror(errno));
}

void SummaryJsonFile::write(const nlohmann::ordered_json& line) {
  // dump() with replacement: a scan name from a config file need not be valid UTF-8.
  const std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), file_.get());
  std::fflush(file_.get());
}

void SummaryJsonFile::write_setup_error(const std::string& scan_name, const std::string& error) {
  using J = nlohmann::ordered_json;
  write({{"summary", 1},
         {"scan", scan_name.empty() ? J(nullptr) : J(scan_name)},
         {"complete", false},
         {"incomplete", {"setup-error"}},
         {"error", error}});
}

}  // namespace portauth::report
