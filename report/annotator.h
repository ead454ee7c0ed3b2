// Port annotations for scan output, looked up in the port database on first use and then
// cached (the fallback path reads the system services database, too slow to do 65,536
// times up front).
#pragma once
#include <memory>
#include <optional>
#include <vector>

#include "db/port_db.h"
#include "output/report.h"

namespace portauth::report {

class PortAnnotator {
 public:
  explicit PortAnnotator(const db::PortDb* db) : db_(db), cache_(2 * 65536) {}
  // A TCP port: its tcp page (or a udp-only service's, saying why a SYN scan cannot see it);
  // a UDP port: its udp page.
  const output::Annotation& operator()(uint16_t port, config::Proto proto = config::Proto::kTcp);

 private:
  const db::PortDb* db_;  // may be null: no annotations
  std::vector<std::unique_ptr<output::Annotation>> cache_;
};

// The ports canaries are drawn from (verdict/canaries.h): the dynamic range 49152-65535, which
// IANA never assigns, less every port the database has a page for (TCP or UDP). Null: the
// whole range.
std::vector<uint16_t> canary_pool(const db::PortDb* db);

}  // namespace portauth::report
