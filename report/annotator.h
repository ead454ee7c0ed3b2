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

}  // namespace portauth::report
