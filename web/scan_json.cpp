#include "web/scan_json.h"

#include <ctime>

#include "config/address.h"
#include "output/jsonl_writer.h"
#include "output/service_text.h"
#include "report/shieldsup_report.h"

namespace portauth::web {

std::string utc_time(int64_t unix_seconds) {
  const std::time_t t = std::time_t(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json begin_json(const ScanOrder& order) {
  nlohmann::json ranges = nlohmann::json::array();
  const auto& p = order.ports;
  for (size_t i = 0; i < p.size();) {
    size_t j = i;
    while (j + 1 < p.size() && p[j + 1] == p[j] + 1) ++j;
    ranges.push_back({p[i], p[j]});
    i = j + 1;
  }
  return {{"target", config::format_address(order.target.address())},
          {"test", test_name(order.test)},
          {"count", p.size()},
          {"ports", std::move(ranges)}};
}

nlohmann::json port_json(const PortFinding& f, const db::PortDb& db) {
  const report::ShieldsUpPort p = report::shieldsup_port(f.result, db.page(f.result.port));
  const auto state = probe::state_of(f.result.reason);
  nlohmann::json j = {{"port", f.result.port},
                      {"state", probe::state_name(state)},
                      {"reason", probe::reason_name(f.result.reason)},
                      {"ttl", state == probe::PortState::kStealth ? nlohmann::json(nullptr) : nlohmann::json(f.result.ttl)},
                      {"service", nullptr},
                      {"purpose", p.purpose},
                      {"risk", p.risk}};
  // The JSONL writer's -sV object (output/jsonl_writer.h), so the API and `scan -sV --format
  // jsonl` speak of a service alike: what identification found, or the database's name.
  output::Annotation a;
  a.service = p.service;
  j["service"] = output::service_json(a, f.service.get());
  // The same in a few words, as the results pages and nmap's VERSION column say it.
  if (const std::string v = output::service_version(f.service.get()); !v.empty()) j["answered"] = v;
  return j;
}

nlohmann::json result_json(const ScanOrder& order, const ScanOutcome& outcome, const db::PortDb& db,
                           std::string_view started_utc) {
  const output::ScanSummary& s = outcome.summary;
  const std::string host = config::format_address(order.target.address());
  nlohmann::json ports = nlohmann::json::array();
  for (const PortFinding& f : outcome.ports) ports.push_back(port_json(f, db));
  const report::TrustealthVerdict v = report::judge_trustealth(s, host);
  const auto check = [](const report::TrustealthCheck& c) {
    return nlohmann::json{{"passed", c.passed}, {"detail", c.detail}};
  };
  nlohmann::json j = {{"target", host},
                      {"test", test_name(order.test)},
                      {"started", started_utc},
                      {"seconds", s.seconds},
                      {"complete", outcome.error.empty() && !s.interrupted},
                      {"counts", {{"open", s.open}, {"closed", s.closed}, {"stealth", s.stealth},
                                  {"tested", s.open + s.closed + s.stealth}}},
                      {"ports", std::move(ports)},
                      {"trustealth", {{"passed", v.passed()},
                                      {"all_stealth", check(v.all_stealth)},
                                      {"unsolicited", check(v.unsolicited)},
                                      {"ping", check(v.ping)},
                                      {"echo_requests", s.echo_requests},
                                      {"echo_replies", s.echo_replies},
                                      {"frames_from_target", s.frames_from_targets}}},
                      {"report", "/report.txt"}};
  if (s.service_scan)
    j["services"] = {{"identified", s.services_identified}, {"unrecognised", s.services_unrecognised},
                     {"silent", s.services_silent}, {"tcpwrapped", s.services_tcpwrapped},
                     {"unfinished", s.services_unfinished}, {"connections", s.service_connections},
                     {"seconds", s.service_extra_seconds}};
  if (!outcome.error.empty()) j["error"] = outcome.error;
  return j;
}

std::string sse_event(std::string_view name, const nlohmann::json& data) {
  // dump() escapes control characters, so the JSON is one line and cannot end the event early.
  return "event: " + std::string(name) + "\ndata: " +
         data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

}  // namespace portauth::web
