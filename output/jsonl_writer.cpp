#include "output/jsonl_writer.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "config/address.h"

namespace portauth::output {
namespace {

using Json = nlohmann::ordered_json;

Json or_null(const std::string& s) { return s.empty() ? Json() : Json(s); }

Json tls_json(const service::TlsFacts& t) {
  Json j;
  j["version"] = or_null(t.version);
  j["cipher"] = or_null(t.cipher);
  j["subject"] = or_null(t.subject);
  j["issuer"] = or_null(t.issuer);
  j["san"] = t.san;
  j["not_before"] = or_null(t.not_before);
  j["not_after"] = or_null(t.not_after);
  j["self_signed"] = t.self_signed;
  return j;
}

}  // namespace

Json service_json(const Annotation& a, const service::ServiceInfo* s) {
  Json j;
  if (!s) {
    j["name"] = or_null(a.service);
    j["method"] = "table";
    j["conf"] = 3;
    return j;
  }
  j["name"] = s->probed ? or_null(s->name) : or_null(s->name.empty() ? a.service : s->name);
  j["product"] = or_null(s->product);
  j["version"] = or_null(s->version);
  j["extrainfo"] = or_null(s->extrainfo);
  j["hostname"] = or_null(s->hostname);
  j["ostype"] = or_null(s->ostype);
  j["tunnel"] = s->ssl_tunnel ? Json("ssl") : Json();
  j["method"] = s->probed ? "probed" : "table";
  j["conf"] = s->conf;
  j["answer"] = std::string(service::answer_name(s->answer));
  Json details = Json::object();
  for (const auto& [k, v] : s->details) details[k] = v;
  j["details"] = details;
  j["tls"] = s->tls ? tls_json(*s->tls) : Json();
  j["banner"] = s->banner.empty() ? Json() : Json(service::escape_banner(s->banner));
  return j;
}

std::string jsonl_line(const probe::ScanResult& r, const Annotation& a, const PortFacts& f, bool service_scan,
                       bool canary) {
  const auto state = r.state();
  const bool silent = state == probe::PortState::kStealth || state == probe::PortState::kOpenFiltered;
  Json j;
  j["ip"] = config::format_address(r.addr);
  j["port"] = r.port;
  j["proto"] = config::proto_name(r.proto);
  j["state"] = probe::state_name(state);
  j["reason"] = probe::reason_name(r.reason);
  j["ttl"] = silent ? Json() : Json(r.ttl);
  if (service_scan) j["service"] = service_json(a, f.service.get());
  else j["service"] = or_null(a.service);
  j["purpose"] = or_null(a.purpose);
  j["risk"] = or_null(a.risk);
  if (const probe::ReplyFacts* reply = f.reply.get()) {
    j["reply"] = reply->summary;
    j["reply_bytes"] = reply->reply_bytes;
    j["probe_bytes"] = reply->probe_bytes;
    j["amplification"] = reply->probe_bytes ? Json(std::round(reply->amplification * 100) / 100) : Json();
    j["reply_risk"] = or_null(reply->risk);
  }
  if (f.host_verdict) j["host_verdict"] = verdict::verdict_name(f.host_verdict->kind);
  if (canary) j["canary"] = true;
  // Bytes from strangers may not be UTF-8 (certificate names are made printable, banners
  // escaped, but be safe): replace what is not.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonlWriter::result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) {
  lines_.add_line(jsonl_line(r, a, f, service_scan_));
}

void JsonlWriter::canary_result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) {
  lines_.add_line(jsonl_line(r, a, f, service_scan_, true));
}

void JsonlWriter::flush() { lines_.emit(); }

void JsonlWriter::finish(const ScanSummary&) { lines_.emit(); }

}  // namespace portauth::output
