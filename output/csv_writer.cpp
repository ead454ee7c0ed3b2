#include "output/csv_writer.h"



#include "config/address.h"

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

std::string csv_row(const probe::ScanResult& r, const Annotation& a, const verdict::VerdictKind* verdict) {
  const auto state = probe::state_of(r.reason);
  std::string row = config::format_address(r.addr);
  row += ',' + std::to_string(r.port) + ",tcp,";
  row += std::string(probe::state_name(state)) + ',' + std::string(probe::reason_name(r.reason)) + ',';
  if (state != probe::PortState::kStealth) row += std::to_string(r.ttl);
  row += ',' + csv_field(a.service) + ',' + csv_field(a.purpose) + ',' + csv_field(a.risk) + ',';
  if (verdict) row += verdict::verdict_name(*verdict);
  return row;
}

void CsvWriter::header() {
  if (header_written_) return;
  header_written_ = true;
  lines_.add_line("ip,port,proto,state,reason,ttl,service,purpose,risk,host_verdict");
}

void CsvWriter::result(const probe::ScanResult& r, const Annotation& a) {
  header();
  const auto it = flagged_.empty() ? flagged_.end() : flagged_.find(r.addr);
  lines_.add_line(csv_row(r, a, it == flagged_.end() ? nullptr : &it->second));
}

void CsvWriter::finish(const ScanSummary&) {
  header();  // an empty scan still gets its header row
  lines_.emit();
}

}  // namespace portauth::output
