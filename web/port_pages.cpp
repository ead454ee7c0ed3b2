#include "web/port_pages.h"

#include "db/port_entry.h"
#include "web/page_layout.h"

namespace portauth::web {
namespace {

std::string port_link(uint16_t port) {
  return "<a href=\"/port/" + std::to_string(port) + "\">" + std::to_string(port) + "</a>";
}

std::string search_link(std::string_view text) {
  std::string q;
  for (unsigned char c : text) {  // percent-encode everything but unreserved characters
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      q += char(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      q += '%';
      q += hex[c >> 4];
      q += hex[c & 15];
    }
  }
  return "<a href=\"/search?q=" + q + "\">" + esc(text) + "</a>";
}

// Paragraphs as the YAML's folded style leaves them: one per '\n'-separated line.
std::string prose(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view para = text.substr(pos, end - pos);
    if (para.find_first_not_of(" \t\r") != std::string_view::npos) out += "<p>" + esc(para) + "</p>\n";
    pos = end + 1;
  }
  return out;
}

std::string section(std::string_view title, std::string_view text) {
  return "<section class=\"pa\"><h2>" + std::string(title) + "</h2>\n" +
         (text.empty() ? std::string("<p class=\"none\">none recorded</p>\n") : prose(text)) + "</section>\n";
}

// A reference: a link when it is a web address, else its text (an RFC is linked to its
// datatracker page, which is a fact about where RFCs live, not content of ours).
std::string reference(std::string_view ref) {
  if (ref.starts_with("https://") || ref.starts_with("http://"))
    return "<a rel=\"noopener noreferrer nofollow\" href=\"" + esc(ref) + "\">" + esc(ref) + "</a>";
  if (ref.starts_with("RFC ") && ref.size() > 4 && ref.size() < 10 &&
      ref.substr(4).find_first_not_of("0123456789") == std::string_view::npos)
    return "<a rel=\"noopener noreferrer nofollow\" href=\"https://datatracker.ietf.org/doc/html/rfc" +
           std::string(ref.substr(4)) + "\">" + esc(ref) + "</a>";
  return esc(ref);
}

std::string enter_port_form(std::string_view value = {}) {
  return "<form class=\"enter\" method=\"get\" action=\"/port\"><label>Enter Port: <input name=\"n\" "
         "inputmode=\"numeric\" pattern=\"[0-9]{1,5}\" maxlength=\"5\" size=\"6\" placeholder=\"0-65535\" value=\"" +
         esc(value) + "\"></label> <button type=\"submit\">Go</button></form>";
}

}  // namespace

std::string port_nav_html(uint16_t port) {
  const std::string n = std::to_string(port);
  std::string o = "<nav class=\"pa-nav\">";
  o += port > 0 ? "<a class=\"prev\" rel=\"prev\" href=\"/port/" + std::to_string(port - 1) + "\">Goto Port " +
                      std::to_string(port - 1) + "</a>"
                : std::string("<span class=\"prev\"></span>");
  o += "<form class=\"probe\" method=\"post\" action=\"/probe\"><input type=\"hidden\" name=\"port\" value=\"" + n +
       "\"><button type=\"submit\">Probe Port " + n + "</button></form>";
  o += enter_port_form();
  o += port < 65535 ? "<a class=\"next\" rel=\"next\" href=\"/port/" + std::to_string(port + 1) + "\">Goto Port " +
                          std::to_string(port + 1) + "</a>"
                    : std::string("<span class=\"next\"></span>");
  return o + "</nav>\n";
}

std::string port_page_body(const db::PortPage& page) {
  const db::PortEntry& e = page.entry;
  std::string o;
  o.reserve(4096);
  o += "<article class=\"port\" id=\"port-page\" data-port=\"" + std::to_string(page.port) + "\">\n<h1>Port " +
       std::to_string(page.port) + "/" + std::string(db::proto_name(e.proto)) + ": <span class=\"name\">" +
       esc(e.name) + "</span>";
  if (e.is_range()) o += " <small>(listed as " + std::to_string(e.first) + "-" + std::to_string(e.last) + ")</small>";
  if (!page.listed) o += " <small>(not in portauth's database)</small>";
  o += "</h1>\n<dl class=\"facts\">";
  std::string names = esc(e.name);
  if (!e.aliases.empty()) {
    names += " (also: ";
    for (size_t i = 0; i < e.aliases.size(); ++i) names += (i ? ", " : "") + esc(e.aliases[i]);
    names += ")";
  }
  const auto fact = [&](std::string_view label, const std::string& html) {
    o += "<dt>" + std::string(label) + "</dt><dd>" + html + "</dd>";
  };
  fact("Name", names);
  fact("Purpose", esc(e.purpose.empty() ? "not recorded" : e.purpose));
  fact("Risk", e.risk == db::Risk::kUnknown
                   ? std::string("not rated")
                   : "<span class=\"risk " + std::string(db::risk_name(e.risk)) + "\">" +
                         std::string(db::risk_name(e.risk)) + "</span>");
  fact("IANA Range", esc(page.iana_range));
  fact("Source", esc(page.source_detail));
  fact("Rank", e.rank > 0 ? std::to_string(e.rank) + " (1 = most commonly found open)" : std::string("unranked"));
  o += "</dl>\n";
  o += section("Description", e.description);
  for (const auto& [title, text] : {std::pair{"Security Implications", &e.security},
                                    std::pair{"If You Find It Open", &e.if_open}, std::pair{"History", &e.history}})
    if (!text->empty()) o += section(title, *text);
  o += "<section class=\"pa\"><h2>Related Ports</h2>\n<p class=\"related\">";
  if (e.related.empty()) o += "<span class=\"none\">none recorded</span>";
  for (size_t i = 0; i < e.related.size(); ++i) o += (i ? ", " : "") + port_link(e.related[i]);
  o += "</p></section>\n";
  o += section("Background", e.background);
  o += "<section class=\"pa\"><h2>Trojan Sightings</h2>\n<p class=\"trojans\">";
  if (e.trojans.empty()) o += "<span class=\"none\">none recorded</span>";
  for (size_t i = 0; i < e.trojans.size(); ++i) o += (i ? ", " : "") + search_link(e.trojans[i]);
  o += "</p>\n";
  if (!e.trojan_notes.empty()) o += prose(e.trojan_notes);
  o += "</section>\n<section class=\"pa\"><h2>References</h2>\n<p class=\"refs\">";
  if (e.refs.empty()) o += "<span class=\"none\">none recorded</span>";
  for (size_t i = 0; i < e.refs.size(); ++i) o += (i ? ", " : "") + reference(e.refs[i]);
  o += "</p></section>\n</article>\n";
  return o;
}

std::string port_page_html(const db::PortPage& page) {
  std::string o = page_start("Port " + std::to_string(page.port) + ": " + page.entry.name, Section::kPortAuthority);
  o += port_nav_html(page.port);
  o += port_page_body(page);
  o += port_nav_html(page.port);
  return o + page_end();
}

std::string port_index_html(std::string_view problem) {
  std::string o = page_start("Port Authority", Section::kPortAuthority);
  o += "<h1>Port Authority</h1>\n";
  if (!problem.empty()) o += "<p class=\"why\">" + esc(problem) + "</p>\n";
  o += "<p>What every TCP port 0-65535 is for, who listens there, what it means to find it open, and the "
       "malware known to use it. Enter a port, or search by name, purpose or trojan.</p>\n";
  o += enter_port_form();
  o += "\n<form class=\"search-big\" method=\"get\" action=\"/search\"><label>Search: <input type=\"search\" "
       "name=\"q\" maxlength=\"200\" placeholder=\"ssh, home assistant, back orifice\"></label> "
       "<button type=\"submit\">Search</button></form>\n";
  o += "<p>Start at <a href=\"/port/0\">port 0</a>, or the most probed ones: " + port_link(21) + ", " +
       port_link(22) + ", " + port_link(23) + ", " + port_link(25) + ", " + port_link(80) + ", " + port_link(135) +
       ", " + port_link(139) + ", " + port_link(443) + ", " + port_link(445) + ", " + port_link(3389) + ".</p>\n";
  return o + page_end();
}

std::string search_page_html(std::string_view query, const std::vector<db::SearchHit>& hits) {
  std::string o = page_start(query.empty() ? std::string("Search") : "Search: " + std::string(query),
                             Section::kPortAuthority, query);
  o += "<h1>Search the Port Authority</h1>\n";
  if (query.empty()) {
    o += "<p>Type a service name, a purpose or a trojan name into the box above.</p>\n";
    return o + page_end();
  }
  o += "<p class=\"count\" id=\"hit-count\">" + std::to_string(hits.size()) +
       (hits.size() == 1 ? " port matches" : " ports match") + " &lsquo;" + esc(query) + "&rsquo;" +
       (hits.empty() ? "." : ", best first:") + "</p>\n";
  if (!hits.empty()) {
    o += "<table class=\"hits\"><thead><tr><th>port</th><th>name</th><th>purpose</th><th>matched</th></tr></thead>"
         "<tbody>\n";
    for (const db::SearchHit& h : hits) {
      std::string label = std::to_string(h.port);
      if (h.last != h.port) label += "-" + std::to_string(h.last);
      label += "/" + std::string(db::proto_name(h.proto));
      o += "<tr><td><a href=\"/port/" + std::to_string(h.port) + "\">" + label + "</a></td><td>" + esc(h.name) +
           "</td><td>" + esc(h.purpose) + "</td><td>" + esc(h.matched) +
           (h.source == db::PageSource::kIana ? ", IANA registry" : "") + "</td></tr>\n";
    }
    o += "</tbody></table>\n";
  }
  return o + page_end();
}

}  // namespace portauth::web
