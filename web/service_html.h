// What answers on a port (service identification, -sV), as the pages show it: the facts of
// "Probe Port N" (the service, the product, the TLS certificate, the first bytes it sent) and
// the service cell of a results table. The words are the command line's (report/service_report.h,
// output/service_text.h); everything from the wire is escaped here (a banner is a stranger's
// bytes: service::escape_banner makes them printable, then HTML-escaped).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "output/report.h"
#include "service/service_info.h"

namespace portauth::web {

// <dt>/<dd> pairs for a <dl class="facts">: Service, Product, TLS, Details, Banner.
std::string service_facts_html(const service::ServiceInfo& s);

// The paragraph on what answers on `port` (report::what_answers), as <p class="what-answers">.
std::string what_answers_html(const service::ServiceInfo& s, uint16_t port, const std::vector<std::string>& port_names);

// A results table's service cell: the name found ("ssl/http", "unknown" for a silent port) or the
// database's, and under it what answered ("nginx 1.22.1", "silent: ...") when identification ran.
std::string service_cell_html(const output::Annotation& a, const service::ServiceInfo* s);

}  // namespace portauth::web
