#include "report/annotator.h"

#include "db/iana_registry.h"
#include "verdict/canaries.h"

namespace portauth::report {

const output::Annotation& PortAnnotator::operator()(uint16_t port, config::Proto proto) {
  const bool udp = proto == config::Proto::kUdp;
  auto& slot = cache_[(udp ? 65536 : 0) + port];
  if (!slot) {
    slot = std::make_unique<output::Annotation>();
    if (db_) {
      const db::PortPage page = udp ? db_->page(port, db::Proto::kUdp, db::system_iana_tier()) : db_->page(port);
      if (page.source != db::PageSource::kUnassigned) slot->service = page.entry.name;
      slot->purpose = page.entry.purpose;
      slot->description = page.entry.description;
      if (page.entry.risk != db::Risk::kUnknown) slot->risk = std::string(db::risk_name(page.entry.risk));
    }
  }
  return *slot;
}

std::vector<uint16_t> canary_pool(const db::PortDb* db) {
  std::vector<uint16_t> pool;
  for (unsigned p = verdict::kCanaryPoolFirst; p <= 65535; ++p)
    if (!db || (!db->find(uint16_t(p), db::Proto::kTcp) && !db->find(uint16_t(p), db::Proto::kUdp)))
      pool.push_back(uint16_t(p));
  return pool;
}

}  // namespace portauth::report
