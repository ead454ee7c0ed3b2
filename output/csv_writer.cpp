#include "output/csv_writer.h"



#include "config/address.h"
#include "output/service_text.h"

namespace portauth::output {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string csv_row(const probe::ScanResult& r, const Annotation& a, const PortFacts& f, bool service_scan) {
  const auto state = r.state();
  std::string row = config::format_address(r.addr);
  row += ',' + std::to_string(r.port) + ',' + std::string(config::proto_name(r.proto)) + ',';
  row += std::string(probe::state_name(state)) + ',' + std::string(probe::reason_name(r.reason)) + ',';
  if (state != probe::PortState::kStealth && state != probe::PortState::kOpenFiltered) row += std::to_string(r.ttl);
  const service::ServiceInfo* s = f.service.get();
  const std::string name = !service_scan ? a.service : s && s->probed ? s->name : s && !s->name.empty() ? s->name : a.service;
  row += ',' + csv_field(name) + ',' + csv_field(a.purpose) + ',' + csv_field(a.risk);
  if (service_scan && !s) row += ",,,,,table,3,";
  else if (service_scan)
    row += ',' + csv_field(s->product) + ',' + csv_field(s->version) + ',' + csv_field(s->extrainfo) + ',' +
           (s->ssl_tunnel ? "ssl" : "") + ',' + (s->probed ? "probed" : "table") + ',' + std::to_string(s->conf) + ',' +
           std::string(service::answer_name(s->answer));
  row += ',';
  if (f.host_verdict) row += verdict::verdict_name(f.host_verdict->kind);
  return row;
}

void CsvWriter::header() {
  if (header_written_) return;
  header_written_ = true;
  lines_.add_line(service_scan_ ? "ip,port,proto,state,reason,ttl,service,purpose,risk,product,version,extrainfo,"
                                  "tunnel,method,conf,answer,host_verdict"
                                : "ip,port,proto,state,reason,ttl,service,purpose,risk,host_verdict");
}

void CsvWriter::result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) {
  header();
  lines_.add_line(csv_row(r, a, f, service_scan_));
}

void CsvWriter::finish(const ScanSummary&) {
  header();  // an empty scan still gets its header row
  lines_.emit();
}

}  // namespace portauth::output
