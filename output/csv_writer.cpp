#include "csv_writer.h"

#include <unistd.h>

#include <cerrno>

#include "ipv4.h"

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

std::string csv_row(const capture::ScanResult& r, const Annotation& a) {
  const auto state = capture::state_of(r.reason);
  std::string row = config::format_ipv4(r.addr);
  row += ',' + std::to_string(r.port) + ",tcp,";
  row += std::string(capture::state_name(state)) + ',' + std::string(capture::reason_name(r.reason)) + ',';
  if (state != capture::PortState::kStealth) row += std::to_string(r.ttl);
  row += ',' + csv_field(a.service) + ',' + csv_field(a.purpose) + ',' + csv_field(a.risk);
  return row;
}

void CsvWriter::header() {
  if (header_written_) return;
  header_written_ = true;
  pending_ += "ip,port,proto,state,reason,ttl,service,purpose,risk\n";
}

void CsvWriter::result(const capture::ScanResult& r, const Annotation& a) {
  header();
  pending_ += csv_row(r, a);
  pending_ += '\n';
  if (pending_.size() >= 64 * 1024) emit();
}

void CsvWriter::emit() {
  if (pending_.empty()) return;
  std::fflush(out_);
  const int fd = fileno(out_);
  if (fd < 0) {  // a memory stream (tests): no descriptor to write to
    std::fwrite(pending_.data(), 1, pending_.size(), out_);
    std::fflush(out_);
  } else {
    // One write(2) per batch of whole rows (a regular file takes it in one call).
    const char* p = pending_.data();
    size_t left = pending_.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // disk full or closed pipe: nothing better to do than stop
      p += n;
      left -= size_t(n);
    }
  }
  pending_.clear();
}

void CsvWriter::finish(const ScanSummary&) {
  header();  // an empty scan still gets its header row
  emit();
}

}  // namespace portauth::output
