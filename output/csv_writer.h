// CSV (-oC): a header row, then one row per reported port, written as results arrive (so a
// killed scan leaves every complete row):
//   ip,port,proto,state,reason,ttl,service,purpose,risk,host_verdict
//   198.18.0.2,22,tcp,open,syn-ack,64,ssh,Secure Shell,medium,
// host_verdict, always the last column, is the host's verdict (PortFacts::host_verdict,
// verdict/host_verdict.h: syn-proxy, tarpit, answers-all, rate-block), empty for a host that
// has none.
// States and reasons are portauth's, as in JSONL (closed by ICMP stays "closed", reason
// "icmp-port-unreach"); a UDP port says udp and nmap's UDP state (open, closed, filtered,
// open|filtered). ttl is empty for ports that sent nothing; service/purpose/risk are empty when
// the database has nothing. With -sV the header adds product,version,extrainfo,tunnel,method,
// conf,answer (before host_verdict) and "service" is the name identification gave (the
// database's on ports it did not name). Fields are quoted per RFC 4180 when they hold a comma,
// a quote or a line break; rows end with "\n" and reach the file whole (line_buffer.h).
#pragma once
#include <cstdio>
#include <string>
#include <string_view>

#include "output/line_buffer.h"
#include "output/report.h"

namespace portauth::output {

class CsvWriter final : public ResultWriter {
 public:
  explicit CsvWriter(std::FILE* out) : lines_(out) {}
  void begin(const ScanInfo& info) override {
    service_scan_ = info.service_scan;
    header();
  }
  void result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) override;
  void flush() override { lines_.emit(); }
  void finish(const ScanSummary&) override;

 private:
  void header();
  LineBuffer lines_;
  bool header_written_ = false;
  bool service_scan_ = false;
};

std::string csv_field(std::string_view text);
// Without the line end; the -sV columns when `service_scan`.
std::string csv_row(const probe::ScanResult& r, const Annotation& a, const PortFacts& f = {}, bool service_scan = false);

}  // namespace portauth::output
