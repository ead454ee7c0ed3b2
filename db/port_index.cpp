#include "db/port_index.h"

#include <algorithm>

namespace portauth::db {

PortIndex::PortIndex() : slots_(2 * 65536, kNone) {}

int32_t PortIndex::first_taken(Proto proto, uint16_t first, uint16_t last) const {
  // uint32_t loop counter: a uint16_t one would wrap at 65535 and never end.
  for (uint32_t port = first; port <= last; ++port) {
    if (slots_[offset(proto) + port] != kNone) return static_cast<int32_t>(port);
  }
  return -1;
}

void PortIndex::claim(Proto proto, uint16_t first, uint16_t last, int32_t entry) {
  const auto begin = slots_.begin() + static_cast<std::ptrdiff_t>(offset(proto) + first);
  std::fill(begin, begin + (last - first + 1), entry);
}

}  // namespace portauth::db
