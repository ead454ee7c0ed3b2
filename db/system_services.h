// The system services database (/etc/services, via NSS): a name for ports portauth's own
// database does not list.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace portauth::db {

// The service name registered for `port`/`proto` ("tcp", "udp"), or "" if there is none or
// the services database is absent. The database is read once, on first use; thread-safe.
std::string system_service_name(uint16_t port, std::string_view proto);

}  // namespace portauth::db
