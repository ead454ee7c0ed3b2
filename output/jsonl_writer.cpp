#include "output/jsonl_writer.h"

#include <nlohmann/json.hpp>

#include "config/address.h"

namespace portauth::output {

std::string jsonl_line(const probe::ScanResult& r, const Annotation& a, const verdict::VerdictKind* verdict,
                       bool canary) {
  const auto state = probe::state_of(r.reason);
  nlohmann::ordered_json j;
  j["ip"] = config::format_address(r.addr);
  j["port"] = r.port;
  j["proto"] = "tcp";
  j["state"] = probe::state_name(state);
  j["reason"] = probe::reason_name(r.reason);
  j["ttl"] = state == probe::PortState::kStealth ? nlohmann::ordered_json() : nlohmann::ordered_json(r.ttl);
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s); };
  j["service"] = or_null(a.service);
  j["purpose"] = or_null(a.purpose);
  j["risk"] = or_null(a.risk);
  if (verdict) j["host_verdict"] = verdict::verdict_name(*verdict);
  if (canary) j["canary"] = true;
  return j.dump();
}

void JsonlWriter::result(const probe::ScanResult& r, const Annotation& a) {
  const auto it = flagged_.empty() ? flagged_.end() : flagged_.find(r.addr);
  lines_.add_line(jsonl_line(r, a, it == flagged_.end() ? nullptr : &it->second));
}

void JsonlWriter::canary_result(const probe::ScanResult& r, const Annotation& a) {
  const auto it = flagged_.find(r.addr);
  lines_.add_line(jsonl_line(r, a, it == flagged_.end() ? nullptr : &it->second, true));
}

void JsonlWriter::flush() { lines_.emit(); }

void JsonlWriter::finish(const ScanSummary&) { lines_.emit(); }

}  // namespace portauth::output
