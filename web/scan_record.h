// What remains of a scan once it is over: the report the visitor may download (/report.txt), the
// one line the server logs, and the store that keeps each client's last report for a while.
#pragma once
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/address.h"
#include "db/port_db.h"
#include "web/client_policy.h"
#include "web/scan_runner.h"

namespace portauth::web {

// The downloadable report, after GRC's "Port Authority Report": who was tested, when, from
// where and how, then the ShieldsUP report (report/shieldsup_report.h: the counts, every tested
// port, what each answer means, the TruStealth verdict). Plain text, 78 columns.
std::string port_authority_report(const ScanOrder& order, const ScanOutcome& outcome, const db::PortDb& db,
                                  std::string_view started_utc, std::string_view server);

// "scan client=198.18.0.2 test=service ports=1056 open=18 closed=12 stealth=1026 trustealth=failed
//  seconds=0.41 at=2025-01-31T12:00:00Z" (+ " identified=N" when services were identified,
// " via=PROXY" through a proxy, " error=..." when it did not run): one line per scan, for the
// server's log.
std::string scan_log_line(const ScanOrder& order, const ScanOutcome& outcome, const Client& client,
                          std::string_view started_utc);

// Each client's last report, kept `ttl` seconds, at most `capacity` clients (the oldest report
// goes first): a service test's report is ~100 KB, so at most ~25 MB. Thread-safe.
class ReportStore {
 public:
  explicit ReportStore(size_t capacity = 256, double ttl = 3600) : capacity_(capacity), ttl_(ttl) {}
  void put(const config::Address& client, std::string text, double now);
  std::optional<std::string> get(const config::Address& client, double now) const;

 private:
  struct Stored {
    std::string text;
    double time = 0;
    std::list<config::Address>::iterator order;
  };
  const size_t capacity_;
  const double ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<config::Address, Stored> reports_;
  std::list<config::Address> order_;  // oldest first
};

}  // namespace portauth::web
