#include "db/iana_range.h"

namespace portauth::db {

std::string_view iana_range(uint16_t port) {
  if (port <= 1023) return "system (well-known) 0-1023";
  if (port <= 49151) return "user (registered) 1024-49151";
  return "dynamic/private 49152-65535";
}

}  // namespace portauth::db
