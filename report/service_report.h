// How the Port Authority explanations (probe, shieldsup) speak of the service -sV found: the
// facts as "Service:" lines, and a paragraph on what answers, saying when it is not what the
// port usually carries ("nginx answers HTTP on port 2525/tcp, which is registered for
// ms-v-worlds"). Pure formatting, tested on fixed ServiceInfo values.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/port_db.h"
#include "service/service_info.h"

namespace portauth::report {

// True when the service found is what the port's database names lead one to expect (ssh on a
// port named ssh; http inside TLS on a port named https).
bool expected_here(const service::ServiceInfo& s, const std::vector<std::string>& port_names);

// "Service:  ssl/http", "Product:  nginx 1.22.1", "TLS:      TLSv1.3 ...", "Banner:   ..." lines,
// each ending in a newline, aligned like the probe report's header.
std::string service_fields(const service::ServiceInfo& s);

// The paragraph (wrapped at 78, ending in a newline) on what answers on `port`.
std::string what_answers(const service::ServiceInfo& s, uint16_t port, const std::vector<std::string>& port_names);

// The page of the service found ("http" -> port 80's page): the database entry named exactly
// for it, else the first whose aliases name it; nullopt when nothing was identified or the
// database does not know the name.
std::optional<db::PortPage> service_page(const db::PortDb& db, const service::ServiceInfo& s);

// The port's database name and aliases (what is expected there), empty when it has no entry.
std::vector<std::string> port_names(const db::PortDb& db, uint16_t port);

// The protocol's display name for a service name: "http" -> "HTTP", "imap" -> "IMAP",
// "ms-wbt-server" -> "RDP", "domain" -> "DNS"; others upper-cased.
std::string protocol_word(const std::string& name);

}  // namespace portauth::report
