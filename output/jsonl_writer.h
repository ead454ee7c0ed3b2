// JSON Lines: one object per reported port, written as results arrive (every 200 ms, whole
// lines only: line_buffer.h), so a killed scan still leaves a file that parses line by line.
//   {"ip":"198.18.0.2","port":22,"proto":"tcp","state":"open","reason":"syn-ack","ttl":64,
//    "service":"ssh","purpose":"Secure Shell","risk":"medium"}
// ttl is null for stealth ports; service/purpose/risk are null when the database has none.
// UDP ports say "proto":"udp" with nmap's UDP states (open, closed, filtered, open|filtered;
// ttl null for open|filtered), and an open one adds what its service answered:
//   ..., "reply":"NTP answered: server mode, stratum 8, version 4","reply_bytes":48,
//   "probe_bytes":48,"amplification":1.0,"reply_risk":null}
// With -sV (ScanInfo::service_scan) "service" is an object on every line, as nmap's XML has a
// <service> on every port: on an identified open port
//   "service":{"name":"http","product":"nginx","version":"1.22.1","extrainfo":null,
//              "hostname":null,"ostype":null,"tunnel":null,"method":"probed","conf":10,
//              "answer":"identified","details":{"status":"200","server":"nginx/1.22.1"},
//              "tls":null,"banner":"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n..."}
// ("tunnel":"ssl" inside TLS, "tls" then holds version, cipher, subject, issuer, san,
// not_before, not_after, self_signed; "answer" is silent / tcpwrapped / unrecognised /
// refused / no-connection / unfinished when nothing was named, with "name" null or the
// database's and "method":"table"); on the other ports {"name":..,"method":"table","conf":3}.
// "banner" is the first bytes the service sent, escaped (service::escape_banner) and capped.
// A line of a host with a verdict (PortFacts::host_verdict, verdict/host_verdict.h) ends with
// "host_verdict": KIND (the scan holds such a host's results back until its verdict is known:
// run_scan.h); with --show canaries, the canary ports the scan added come as lines with
// "canary": true.
#pragma once
#include <cstdio>
#include <nlohmann/json.hpp>

#include "output/line_buffer.h"
#include "output/report.h"

namespace portauth::output {

class JsonlWriter final : public ResultWriter {
 public:
  explicit JsonlWriter(std::FILE* out) : lines_(out) {}
  void begin(const ScanInfo& info) override { service_scan_ = info.service_scan; }
  void result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) override;
  void flush() override;
  void finish(const ScanSummary& summary) override;
  void canary_result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) override;

 private:
  LineBuffer lines_;
  bool service_scan_ = false;
};

// The "service" object above, for the other JSON that speaks of a port's service (serve's API):
// `s` null gives the table form {"name": a.service, "method": "table", "conf": 3}.
nlohmann::ordered_json service_json(const Annotation& a, const service::ServiceInfo* s);

// `canary`: a canary port the scan added.
std::string jsonl_line(const probe::ScanResult& r, const Annotation& a, const PortFacts& f = {},
                       bool service_scan = false, bool canary = false);

}  // namespace portauth::output
