#include "report/annotator.h"

#include "db/iana_registry.h"

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

}  // namespace portauth::report
