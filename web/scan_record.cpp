#include "web/scan_record.h"

#include <cstdio>

#include "common/version.h"
#include "db/text_wrap.h"
#include "output/report.h"
#include "report/shieldsup_report.h"

namespace portauth::web {
namespace {

std::string line(std::string_view label, std::string_view value) {
  std::string l = std::string(label) + ":";
  l.resize(15, ' ');
  return db::wrap_paragraph(value, 78, l, std::string(15, ' '));
}

}  // namespace

std::string port_authority_report(const ScanOrder& order, const ScanOutcome& outcome, const db::PortDb& db,
                                  std::string_view started_utc, std::string_view server) {
  const std::string host = config::format_address(order.target.address());
  std::string out = "Port Authority Report\n" + std::string(78, '=') + "\n";
  out += db::wrap_paragraph(
      "What a probe of your address found, from the portauth server that ran the test. Keep it: it says what "
      "anyone who can reach your address from there can see.",
      78, "", "");
  out += "\n";
  out += line("Address", host + " (yours, as the server saw it)");
  out += line("Test", std::string(test_title(order.test)) + ", " + report::describe_port_set(order.ports));
  out += line("Started", started_utc);
  out += line("Server", std::string(server) + " (portauth " + common::kVersion + ")");
  out += "\n";
  if (!outcome.error.empty()) return out + db::wrap_paragraph("The test could not run: " + outcome.error, 78, "", "");
  report::ShieldsUpReport r;
  r.host = host;
  r.port_set = report::describe_port_set(order.ports);
  r.summary = outcome.summary;
  for (const PortFinding& f : outcome.ports) {
    r.ports.push_back(report::shieldsup_port(f.result, db.page(f.result.port)));
    r.ports.back().found = f.service;  // what answers: in the table and the implications
  }
  out += report::format_shieldsup_report(r);
  if (const std::string services = output::service_summary_line(outcome.summary); !services.empty())
    out += "\n" + db::wrap_paragraph(services, 78, "", "  ");
  return out;
}

std::string scan_log_line(const ScanOrder& order, const ScanOutcome& outcome, const Client& client,
                          std::string_view started_utc) {
  const output::ScanSummary& s = outcome.summary;
  const std::string host = config::format_address(order.target.address());
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "scan client=%s test=%s ports=%zu open=%llu closed=%llu stealth=%llu trustealth=%s seconds=%.2f at=%.*s",
                host.c_str(), std::string(test_name(order.test)).c_str(), order.ports.size(),
                (unsigned long long)s.open, (unsigned long long)s.closed, (unsigned long long)s.stealth,
                outcome.error.empty() ? (report::judge_trustealth(s, host).passed() ? "passed" : "failed") : "-",
                s.seconds, int(started_utc.size()), started_utc.data());
  std::string out = buf;
  if (s.service_scan) out += " identified=" + std::to_string(s.services_identified);
  if (client.via_proxy) out += " via=" + config::format_address(client.peer);
  if (s.interrupted) out += " interrupted";
  if (!outcome.error.empty()) {
    std::string e = outcome.error;
    for (char& c : e)
      if (c == '\n' || c == '\r') c = ' ';
    out += " error=\"" + e + "\"";
  }
  return out;
}

void ReportStore::put(const config::Address& client, std::string text, double now) {
  std::lock_guard lock(mutex_);
  auto it = reports_.find(client);
  if (it != reports_.end()) {
    order_.erase(it->second.order);
    reports_.erase(it);
  }
  while (reports_.size() >= capacity_ && !order_.empty()) {
    reports_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(client);
  reports_[client] = Stored{std::move(text), now, std::prev(order_.end())};
}

std::optional<std::string> ReportStore::get(const config::Address& client, double now) const {
  std::lock_guard lock(mutex_);
  auto it = reports_.find(client);
  if (it == reports_.end() || now - it->second.time > ttl_) return std::nullopt;
  return it->second.text;
}

}  // namespace portauth::web
