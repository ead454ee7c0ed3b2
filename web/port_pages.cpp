#include "web/port_pages.h"

#include "db/port_entry.h"
#include "web/page_layout.h"

namespace portauth::web {
namespace {

void port_link(Html& o, uint16_t port) { o.raw("<a href=\"/port/").num(port).raw("\">").num(port).raw("</a>"); }

void search_link(Html& o, std::string_view text) {
  o.raw("<a href=\"/search?q=");
  for (unsigned char c : text) {  // percent-encode everything but unreserved characters
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      o.str() += char(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      const char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
      o.raw(std::string_view(enc, 3));
    }
  }
  o.raw("\">").text(text).raw("</a>");
}

// Paragraphs as the YAML's folded style leaves them: one per '\n'-separated line.
void prose(Html& o, std::string_view text) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view para = text.substr(pos, end - pos);
    if (para.find_first_not_of(" \t\r") != std::string_view::npos) o.raw("<p>").text(para).raw("</p>\n");
    pos = end + 1;
  }
}

void section(Html& o, std::string_view title, std::string_view text) {
  o.raw("<section class=\"pa\"><h2>").raw(title).raw("</h2>\n");
  if (text.empty()) o.raw("<p class=\"none\">none recorded</p>\n");
  else prose(o, text);
  o.raw("</section>\n");
}

// A reference: a link when it is a web address, or an RFC (linked to the IETF's copy), else text.
void reference(Html& o, std::string_view ref) {
  if (ref.starts_with("https://") || ref.starts_with("http://")) {
    o.raw("<a rel=\"noopener noreferrer nofollow\" href=\"").text(ref).raw("\">").text(ref).raw("</a>");
  } else if (ref.starts_with("RFC ") && ref.size() > 4 && ref.size() < 10 &&
             ref.substr(4).find_first_not_of("0123456789") == std::string_view::npos) {
    o.raw("<a rel=\"noopener noreferrer nofollow\" href=\"https://datatracker.ietf.org/doc/html/rfc")
        .raw(ref.substr(4))
        .raw("\">")
        .text(ref)
        .raw("</a>");
  } else {
    o.text(ref);
  }
}

void enter_port_form(Html& o) {
  o.raw("<form class=\"enter\" method=\"get\" action=\"/port\"><label>Enter Port: <input name=\"n\" "
        "inputmode=\"numeric\" pattern=\"[0-9]{1,5}\" maxlength=\"5\" size=\"6\" placeholder=\"0-65535\">"
        "</label> <button type=\"submit\">Go</button></form>");
}

void port_nav(Html& o, uint16_t port) {
  o.raw("<nav class=\"pa-nav\">");
  if (port > 0)
    o.raw("<a class=\"prev\" rel=\"prev\" href=\"/port/").num(port - 1u).raw("\">Goto Port ").num(port - 1u).raw("</a>");
  else
    o.raw("<span class=\"prev\"></span>");
  o.raw("<form class=\"probe\" method=\"post\" action=\"/probe\"><input type=\"hidden\" name=\"port\" value=\"")
      .num(port)
      .raw("\"><button type=\"submit\">Probe Port ")
      .num(port)
      .raw("</button></form>");
  enter_port_form(o);
  if (port < 65535)
    o.raw("<a class=\"next\" rel=\"next\" href=\"/port/").num(port + 1u).raw("\">Goto Port ").num(port + 1u).raw("</a>");
  else
    o.raw("<span class=\"next\"></span>");
  o.raw("</nav>\n");
}

void list_or_none(Html& o, bool empty) {
  if (empty) o.raw("<span class=\"none\">none recorded</span>");
}

void page_body(Html& o, const db::PortPage& page) {
  const db::PortEntry& e = page.entry;
  o.raw("<article class=\"port\" id=\"port-page\" data-port=\"").num(page.port).raw("\">\n<h1>Port ").num(page.port)
      .raw("/").raw(db::proto_name(e.proto)).raw(": <span class=\"name\">").text(e.name).raw("</span>");
  if (e.is_range()) o.raw(" <small>(listed as ").num(e.first).raw("-").num(e.last).raw(")</small>");
  if (!page.listed) o.raw(" <small>(not in portauth's database)</small>");
  o.raw("</h1>\n<dl class=\"facts\"><dt>Name</dt><dd>").text(e.name);
  if (!e.aliases.empty()) {
    o.raw(" (also: ");
    for (size_t i = 0; i < e.aliases.size(); ++i) o.raw(i ? ", " : "").text(e.aliases[i]);
    o.raw(")");
  }
  o.raw("</dd><dt>Purpose</dt><dd>").text(e.purpose.empty() ? "not recorded" : e.purpose).raw("</dd><dt>Risk</dt><dd>");
  if (e.risk == db::Risk::kUnknown) o.raw("not rated");
  else o.raw("<span class=\"risk ").raw(db::risk_name(e.risk)).raw("\">").raw(db::risk_name(e.risk)).raw("</span>");
  o.raw("</dd><dt>IANA Range</dt><dd>").text(page.iana_range).raw("</dd><dt>Source</dt><dd>").text(page.source_detail)
      .raw("</dd><dt>Rank</dt><dd>");
  if (e.rank > 0) o.num(uint64_t(e.rank)).raw(" (1 = most commonly found open)");
  else o.raw("unranked");
  o.raw("</dd></dl>\n");
  section(o, "Description", e.description);
  if (!e.security.empty()) section(o, "Security Implications", e.security);
  if (!e.if_open.empty()) section(o, "If You Find It Open", e.if_open);
  if (!e.history.empty()) section(o, "History", e.history);
  o.raw("<section class=\"pa\"><h2>Related Ports</h2>\n<p class=\"related\">");
  list_or_none(o, e.related.empty());
  for (size_t i = 0; i < e.related.size(); ++i) {
    if (i) o.raw(", ");
    port_link(o, e.related[i]);
  }
  o.raw("</p></section>\n");
  section(o, "Background", e.background);
  o.raw("<section class=\"pa\"><h2>Trojan Sightings</h2>\n<p class=\"trojans\">");
  list_or_none(o, e.trojans.empty());
  for (size_t i = 0; i < e.trojans.size(); ++i) {
    if (i) o.raw(", ");
    search_link(o, e.trojans[i]);
  }
  o.raw("</p>\n");
  if (!e.trojan_notes.empty()) prose(o, e.trojan_notes);
  o.raw("</section>\n<section class=\"pa\"><h2>References</h2>\n<p class=\"refs\">");
  list_or_none(o, e.refs.empty());
  for (size_t i = 0; i < e.refs.size(); ++i) {
    if (i) o.raw(", ");
    reference(o, e.refs[i]);
  }
  o.raw("</p></section>\n</article>\n");
}

}  // namespace

std::string port_nav_html(uint16_t port) {
  Html o(1024);
  port_nav(o, port);
  return o.take();
}

std::string port_page_body(const db::PortPage& page) {
  Html o(8192);
  page_body(o, page);
  return o.take();
}

std::string port_page_html(const db::PortPage& page) {
  Html o(16384);
  page_start(o, "Port " + std::to_string(page.port) + ": " + page.entry.name, Section::kPortAuthority);
  port_nav(o, page.port);
  page_body(o, page);
  port_nav(o, page.port);
  page_end(o);
  return o.take();
}

std::string port_index_html(std::string_view problem) {
  Html o(8192);
  page_start(o, "Port Authority", Section::kPortAuthority);
  o.raw("<h1>Port Authority</h1>\n");
  if (!problem.empty()) o.raw("<p class=\"why\">").text(problem).raw("</p>\n");
  o.raw("<p>What every TCP port 0-65535 is for, who listens there, what it means to find it open, and the "
        "malware known to use it. Enter a port, or search by name, purpose or trojan.</p>\n");
  enter_port_form(o);
  o.raw("\n<form class=\"search-big\" method=\"get\" action=\"/search\"><label>Search: <input type=\"search\" "
        "name=\"q\" maxlength=\"200\" placeholder=\"ssh, home assistant, back orifice\"></label> "
        "<button type=\"submit\">Search</button></form>\n<p>Start at <a href=\"/port/0\">port 0</a>, or the most "
        "probed ones: ");
  const uint16_t popular[] = {21, 22, 23, 25, 80, 135, 139, 443, 445, 3389};
  for (size_t i = 0; i < std::size(popular); ++i) {
    if (i) o.raw(", ");
    port_link(o, popular[i]);
  }
  o.raw(".</p>\n");
  page_end(o);
  return o.take();
}

std::string search_page_html(std::string_view query, const std::vector<db::SearchHit>& hits) {
  Html o(16384);
  page_start(o, query.empty() ? std::string("Search") : "Search: " + std::string(query), Section::kPortAuthority,
             query);
  o.raw("<h1>Search the Port Authority</h1>\n");
  if (query.empty()) {
    o.raw("<p>Type a service name, a purpose or a trojan name into the box above.</p>\n");
    page_end(o);
    return o.take();
  }
  o.raw("<p class=\"count\" id=\"hit-count\">").num(hits.size()).raw(hits.size() == 1 ? " port matches" : " ports match")
      .raw(" &lsquo;").text(query).raw("&rsquo;").raw(hits.empty() ? "." : ", best first:").raw("</p>\n");
  if (!hits.empty()) {
    o.raw("<table class=\"hits\"><thead><tr><th>port</th><th>name</th><th>purpose</th><th>matched</th></tr></thead>"
          "<tbody>\n");
    for (const db::SearchHit& h : hits) {
      o.raw("<tr><td><a href=\"/port/").num(h.port).raw("\">").num(h.port);
      if (h.last != h.port) o.raw("-").num(h.last);
      o.raw("/").raw(db::proto_name(h.proto)).raw("</a></td><td>").text(h.name).raw("</td><td>").text(h.purpose)
          .raw("</td><td>").text(h.matched).raw(h.source == db::PageSource::kIana ? ", IANA registry" : "")
          .raw("</td></tr>\n");
    }
    o.raw("</tbody></table>\n");
  }
  page_end(o);
  return o.take();
}

}  // namespace portauth::web
