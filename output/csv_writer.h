// CSV (-oC): a header row, then one row per reported port, written as results arrive (so a
// killed scan leaves every complete row):
//   ip,port,proto,state,reason,ttl,service,purpose,risk,host_verdict
//   198.18.0.2,22,tcp,open,syn-ack,64,ssh,Secure Shell,medium,
// host_verdict is the host's verdict (verdict/host_verdict.h: syn-proxy, tarpit, answers-all,
// rate-block), empty for a host that has none.
// States and reasons are portauth's, as in JSONL (closed by ICMP stays "closed", reason
// "icmp-port-unreach"). ttl is empty for stealth ports; service/purpose/risk are empty when
// the database has nothing. Fields are quoted per RFC 4180 when they hold a comma, a quote
// or a line break; rows end with "\n" and reach the file whole (line_buffer.h).
#pragma once
#include <cstdio>
#include <string>
#include <string_view>

#include <unordered_map>

#include "output/line_buffer.h"
#include "output/report.h"

namespace portauth::output {

class CsvWriter final : public ResultWriter {
 public:
  explicit CsvWriter(std::FILE* out) : lines_(out) {}
  void begin(const ScanInfo&) override { header(); }
  void result(const probe::ScanResult& r, const Annotation& a) override;
  void flush() override { lines_.emit(); }
  void finish(const ScanSummary&) override;
  void host_verdict(const verdict::HostVerdict& v) override { flagged_[v.addr] = v.kind; }

 private:
  void header();
  LineBuffer lines_;
  bool header_written_ = false;
  std::unordered_map<config::Address, verdict::VerdictKind> flagged_;
};

std::string csv_field(std::string_view text);
// Without the line end; `verdict`: the host's, or null.
std::string csv_row(const probe::ScanResult& r, const Annotation& a, const verdict::VerdictKind* verdict = nullptr);

}  // namespace portauth::output
