// Which IANA port range a port falls in (RFC 6335 section 6).
#pragma once

#include <cstdint>
#include <string_view>

namespace portauth::db {

// "system (well-known) 0-1023", "user (registered) 1024-49151" or
// "dynamic/private 49152-65535".
std::string_view iana_range(uint16_t port);

}  // namespace portauth::db
