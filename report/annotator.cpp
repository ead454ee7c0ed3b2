#include "report/annotator.h"

namespace portauth::report {

const output::Annotation& PortAnnotator::operator()(uint16_t port) {
  auto& slot = cache_[port];
  if (!slot) {
    slot = std::make_unique<output::Annotation>();
    if (db_) {
      const db::PortPage page = db_->page(port);
      if (page.source != db::PageSource::kUnassigned) slot->service = page.entry.name;
      slot->purpose = page.entry.purpose;
      slot->description = page.entry.description;
      if (page.entry.risk != db::Risk::kUnknown) slot->risk = std::string(db::risk_name(page.entry.risk));
    }
  }
  return *slot;
}

}  // namespace portauth::report
