// How every writer words a port's service (one place, so text, CSV, grepable, XML and HTML
// agree): the name in nmap's vocabulary when -sV named it, the database's name otherwise,
// and a VERSION phrase that says what answered, including the ports that never said anything.
#pragma once
#include <string>

#include "output/report.h"

namespace portauth::output {

// The name to write: identified -> its name ("http"; "ssl/http" when `with_tunnel`); probed
// but unnamed (silent, unrecognised) -> "unknown"; otherwise the database's name, or "unknown".
std::string service_name(const Annotation& a, const service::ServiceInfo* s, bool with_tunnel = false);

// The VERSION column: "nginx 1.22.1", "OpenSSH 9.2p1 (Debian 2+deb12u10; protocol 2.0)", or,
// for ports no rule named, what they did: "silent: accepts connections, never sends a byte",
// "unrecognised: <the first bytes, escaped>", "closed the connection at once (tcpwrapped)",
// "refused when connected to", ...; "" when there is nothing to say.
std::string service_version(const service::ServiceInfo* s);

// True when the writers say "probed" (we talked to the port), false for "table".
inline bool probed(const service::ServiceInfo* s) { return s && s->probed; }

}  // namespace portauth::output
