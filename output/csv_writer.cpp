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

std::string csv_row(const probe::ScanResult& r, const Annotation& a) {
  const auto state = r.state();
  std::string row = config::format_address(r.addr);
  row += ',' + std::to_string(r.port) + ',' + std::string(config::proto_name(r.proto)) + ',';
  row += std::string(probe::state_name(state)) + ',' + std::string(probe::reason_name(r.reason)) + ',';
  if (state != probe::PortState::kStealth && state != probe::PortState::kOpenFiltered) row += std::to_string(r.ttl);
  row += ',' + csv_field(a.service) + ',' + csv_field(a.purpose) + ',' + csv_field(a.risk);
  return row;
}

void CsvWriter::header() {
  if (header_written_) return;
  header_written_ = true;
  lines_.add_line("ip,port,proto,state,reason,ttl,service,purpose,risk");
}

void CsvWriter::result(const probe::ScanResult& r, const Annotation& a) {
  header();
  lines_.add_line(csv_row(r, a));
}

void CsvWriter::finish(const ScanSummary&) {
  header();  // an empty scan still gets its header row
  lines_.emit();
}

}  // namespace portauth::output
