#include "db/port_page.h"

#include "db/iana_range.h"
#include "db/system_services.h"

namespace portauth::db {

PortPage make_listed_page(uint16_t port, const PortEntry& entry) {
  PortPage page;
  page.port = port;
  page.listed = true;
  page.entry = entry;
  page.iana_range = std::string(iana_range(port));
  return page;
}

PortPage make_fallback_page(uint16_t port) {
  PortPage page;
  page.port = port;
  page.entry.first = port;
  page.entry.last = port;
  page.iana_range = std::string(iana_range(port));
  const std::string system_name = system_service_name(port, "tcp");
  if (system_name.empty()) {
    page.entry.name = "unassigned";
    page.entry.description =
        "Not in portauth's port database, and the system services database has no name for it.";
  } else {
    page.entry.name = system_name;
    page.entry.description =
        "Not in portauth's port database; the system services database "
        "(/etc/services) names it '" +
        system_name + "'.";
  }
  return page;
}

}  // namespace portauth::db
