#include "output/jsonl_writer.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "config/address.h"

namespace portauth::output {

std::string jsonl_line(const probe::ScanResult& r, const Annotation& a, const probe::ReplyFacts* facts) {
  const auto state = r.state();
  const bool silent = state == probe::PortState::kStealth || state == probe::PortState::kOpenFiltered;
  nlohmann::ordered_json j;
  j["ip"] = config::format_address(r.addr);
  j["port"] = r.port;
  j["proto"] = config::proto_name(r.proto);
  j["state"] = probe::state_name(state);
  j["reason"] = probe::reason_name(r.reason);
  j["ttl"] = silent ? nlohmann::ordered_json() : nlohmann::ordered_json(r.ttl);
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s); };
  j["service"] = or_null(a.service);
  j["purpose"] = or_null(a.purpose);
  j["risk"] = or_null(a.risk);
  if (facts) {
    j["reply"] = facts->summary;
    j["reply_bytes"] = facts->reply_bytes;
    j["probe_bytes"] = facts->probe_bytes;
    j["amplification"] = facts->probe_bytes ? nlohmann::ordered_json(std::round(facts->amplification * 100) / 100)
                                            : nlohmann::ordered_json();
    j["reply_risk"] = or_null(facts->risk);
  }
  return j.dump();
}

void JsonlWriter::result(const probe::ScanResult& r, const Annotation& a) {
  lines_.add_line(jsonl_line(r, a));
}

void JsonlWriter::result_with_reply(const probe::ScanResult& r, const Annotation& a, const probe::ReplyFacts& f) {
  lines_.add_line(jsonl_line(r, a, &f));
}

void JsonlWriter::flush() { lines_.emit(); }

void JsonlWriter::finish(const ScanSummary&) { lines_.emit(); }

}  // namespace portauth::output
