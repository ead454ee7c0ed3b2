// The Port Authority pages: the same content `portauth lookup` prints (db/page_render.h), as HTML
// with links: "Goto Port N-1 / Probe Port N / Enter Port / Goto Port N+1" above every page,
// Related Ports as links to their pages, trojan names as links to a search for them.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "db/port_page.h"
#include "db/port_search.h"

namespace portauth::web {

// /port/N: the whole page for a port (any of 0-65535).
std::string port_page_html(const db::PortPage& page);

// The body of a port page without the frame (also under a probe's result).
std::string port_page_body(const db::PortPage& page);

// /port: the Enter Port form and the search box. `problem` (escaped) is shown above the form.
std::string port_index_html(std::string_view problem = {});

// /search?q=: the hits, best first, each linking to its port's page. `query` "" shows the form.
std::string search_page_html(std::string_view query, const std::vector<db::SearchHit>& hits);

// The navigation bar of port N: Goto Port N-1, Probe Port N (a POST form: a probe is a scan),
// Enter Port, Goto Port N+1 (no N-1 at 0, no N+1 at 65535).
std::string port_nav_html(uint16_t port);

}  // namespace portauth::web
