#include "web/scan_pages.h"

#include <cstdio>

#include "config/address.h"
#include "output/service_text.h"
#include "report/service_report.h"
#include "report/shieldsup_report.h"
#include "web/page_layout.h"
#include "web/port_pages.h"
#include "web/service_html.h"

namespace portauth::web {
namespace {

constexpr size_t kGridColumns = 32;

std::string state_of(const PortFinding& f) { return std::string(probe::state_name(probe::state_of(f.result.reason))); }

std::string check_html(std::string_view label, const report::TrustealthCheck& c) {
  return "<tr><th>" + std::string(label) + "</th><td class=\"" + (c.passed ? "pass\">PASSED" : "fail\">FAILED") +
         "</td><td>" + esc(c.detail) + "</td></tr>\n";
}

std::string trustealth_html(const ScanOutcome& outcome, const std::string& host) {
  const report::TrustealthVerdict v = report::judge_trustealth(outcome.summary, host);
  std::string o = "<section class=\"trustealth\" id=\"trustealth\"><h2>TruStealth analysis</h2>\n"
                  "<table class=\"checks\">\n";
  o += check_html("All ports stealth", v.all_stealth);
  o += check_html("Unsolicited packets", v.unsolicited);
  o += check_html("Ping reply", v.ping);
  o += "</table>\n<p class=\"verdict " + std::string(v.passed() ? "pass" : "fail") + "\" id=\"verdict\">TruStealth: <b>" +
       (v.passed() ? "PASSED" : "FAILED") + "</b> &mdash; " +
       (v.passed() ? "your address gave no sign of being there: to this test it is invisible."
                   : "your address is visible to anyone who probes it.") +
       "</p></section>\n";
  return o;
}

std::string counts_html(const output::ScanSummary& s) {
  const uint64_t tested = s.open + s.closed + s.stealth;
  return "<div class=\"cards\" id=\"counts\"><div class=\"card open\"><b>" + std::to_string(s.open) +
         "</b>open</div><div class=\"card closed\"><b>" + std::to_string(s.closed) +
         "</b>closed</div><div class=\"card stealth\"><b>" + std::to_string(s.stealth) +
         "</b>stealth</div><div class=\"card tested\"><b>" + std::to_string(tested) + "</b>tested</div></div>\n";
}

output::Annotation annotation(const report::ShieldsUpPort& p) {
  output::Annotation a;
  a.service = p.service;
  return a;
}

// Open and closed ports with what they mean (the database's background, risk and trojans).
std::string answered_html(const ScanOutcome& outcome, const db::PortDb& db) {
  std::string rows;
  size_t n = 0;
  // Open ports first (what to act on), then closed ones.
  std::vector<const PortFinding*> order;
  for (const PortFinding& f : outcome.ports)
    if (probe::state_of(f.result.reason) == probe::PortState::kOpen) order.push_back(&f);
  for (const PortFinding& f : outcome.ports)
    if (probe::state_of(f.result.reason) == probe::PortState::kClosed) order.push_back(&f);
  for (const PortFinding* fp : order) {
    const PortFinding& f = *fp;
    const auto state = probe::state_of(f.result.reason);
    if (++n > report::kMaxImplications) continue;
    const report::ShieldsUpPort p = report::shieldsup_port(f.result, db.page(f.result.port));
    const std::string st(probe::state_name(state));
    rows += "<tr class=\"" + st + "\"><td><a href=\"/port/" + std::to_string(p.port) + "\">" +
            std::to_string(p.port) + "/tcp</a></td><td><span class=\"st " + st + "\">" + st + "</span></td><td>" +
            esc(probe::reason_name(p.reason)) + "</td><td>" + std::to_string(p.ttl) + "</td><td>" +
            service_cell_html(annotation(p), f.service.get()) + "</td><td>" + (p.risk.empty() ? std::string("&ndash;") : "<span class=\"risk " + esc(p.risk) + "\">" +
                                                                          esc(p.risk) + "</span>") +
            "</td><td class=\"desc\">" + esc(p.implications) + "</td></tr>\n";
  }
  std::string o = "<section id=\"answered\"><h2>What answered</h2>\n";
  if (n == 0)
    return o + "<p>No tested port answered: nothing here tells anyone that a system exists at your address.</p>"
               "</section>\n";
  o += "<table class=\"ports\"><thead><tr><th>port</th><th>state</th><th>reason</th><th>TTL</th><th>service</th>"
       "<th>risk if open</th><th>security implications</th></tr></thead><tbody>\n" +
       rows + "</tbody></table>\n";
  if (n > report::kMaxImplications)
    o += "<p class=\"note\">" + std::to_string(n - report::kMaxImplications) +
         " more answered ports are in the grid and the report.</p>\n";
  return o + "</section>\n";
}

std::string error_html(const ScanOutcome& outcome) {
  return "<p class=\"why\" id=\"scan-error\">The test could not run: " + esc(outcome.error) + "</p>\n";
}

}  // namespace

std::string home_html(const Client& client) {
  const std::string you = config::format_address(client.address);
  std::string o = page_start("ShieldsUP", Section::kShieldsUp);
  o += "<h1>ShieldsUP!</h1>\n<section class=\"you\"><p>This server sees you at <b class=\"addr\" id=\"client-address\">" +
       esc(you) + "</b>";
  if (client.via_proxy)
    o += " <small>(through the proxy at " + esc(config::format_address(client.peer)) + ")</small>";
  o += ".</p>\n<p>Every test below probes that address, and only that address, from this server: what it finds is "
       "what anyone who can reach you from here would find. An <span class=\"st open\">open</span> port accepts "
       "connections; a <span class=\"st closed\">closed</span> one refuses them, which still tells a prober that "
       "you are there; a <span class=\"st stealth\">stealth</span> one says nothing at all.</p></section>\n";
  o += "<section id=\"tests\"><h2>Proceed: choose a test</h2>\n"
       "<form method=\"post\" action=\"/scan\" id=\"scan-form\" class=\"tests\">\n"
       "<div class=\"test\"><button type=\"submit\" name=\"test\" value=\"common\" id=\"test-common\">Common Ports"
       "</button><p>The 26 ports most often probed and attacked.</p></div>\n"
       "<div class=\"test\"><button type=\"submit\" name=\"test\" value=\"service\" id=\"test-service\">All Service "
       "Ports</button><p>Every port from 0 to 1055, as a grid.</p></div>\n"
       "<div class=\"test\"><button type=\"submit\" name=\"test\" value=\"custom\" id=\"test-custom\">Custom Port "
       "Probe</button><p><label>Ports (up to 64): <input name=\"ports\" id=\"custom-ports\" maxlength=\"512\" "
       "placeholder=\"22,80,443,8000-8010\"></label></p></div>\n"
       "<div class=\"test\"><button type=\"submit\" name=\"test\" value=\"trustealth\" id=\"test-trustealth\">"
       "TruStealth Analysis</button><p>The common ports and a ping: are you invisible?</p></div>\n"
       "</form></section>\n"
       "<section id=\"live\" hidden></section>\n";
  o += "<section class=\"pa-entry\"><h2>Port Authority</h2><p>What is a port for, and what does it mean to find it "
       "open? <a href=\"/port\">Enter a port</a> or search above.</p></section>\n";
  return o + page_end();
}

std::string grid_html(const ScanOutcome& outcome) {
  std::string o = "<div class=\"grid\" id=\"grid\">";
  o.reserve(outcome.ports.size() * 96);
  size_t k = 0;
  for (const PortFinding& f : outcome.ports) {
    if (k % kGridColumns == 0) o += "<span class=\"rl\">" + std::to_string(f.result.port) + "</span>";
    const std::string st = state_of(f);
    std::string title = std::to_string(f.result.port) + "/tcp " + st + " (" +
                        std::string(probe::reason_name(f.result.reason)) + ")";
    if (f.service) {
      output::Annotation none;
      title += ": " + output::service_name(none, f.service.get(), true);
      if (const std::string v = output::service_version(f.service.get()); !v.empty()) title += " " + v;
    }
    o += "<a class=\"cell " + st + "\" href=\"/port/" + std::to_string(f.result.port) + "\" title=\"" + esc(title) +
         "\"></a>";
    ++k;
  }
  return o + "</div>\n<p class=\"legend\"><span class=\"key open\"></span>open <span class=\"key closed\"></span>"
             "closed <span class=\"key stealth\"></span>stealth &middot; each cell links to its port's page</p>\n";
}

std::string scan_top_html(const ScanOrder& order) {
  const std::string you = config::format_address(order.target.address());
  std::string o = page_start(std::string(test_title(order.test)) + " for " + you, Section::kShieldsUp);
  char ports[32];
  std::snprintf(ports, sizeof ports, "%zu", order.ports.size());
  o += "<h1>" + std::string(test_title(order.test)) + "</h1>\n<p class=\"testing\" id=\"testing\">Testing <b>" +
       esc(you) + "</b>: " + ports + (order.ports.size() == 1 ? " port" : " ports") + "&hellip;</p>\n";
  return o;
}

std::string scan_bottom_html(const ScanOrder& order, const ScanOutcome& outcome, const db::PortDb& db) {
  if (!outcome.error.empty()) return error_html(outcome) + "<p><a href=\"/\">Back to the tests</a></p>\n" + page_end();
  const std::string host = config::format_address(order.target.address());
  std::string o = "<section id=\"results\">\n" + counts_html(outcome.summary);
  if (order.test == Test::kTrustealth) o += trustealth_html(outcome, host);
  o += "<section id=\"grid-section\"><h2>Port grid</h2>\n" + grid_html(outcome) + "</section>\n";
  o += answered_html(outcome, db);
  if (order.test != Test::kTrustealth) o += trustealth_html(outcome, host);
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", outcome.summary.seconds);
  o += "<p class=\"after\">Tested in " + std::string(secs) +
       " s. <a href=\"/report.txt\" download=\"port-authority-report.txt\" id=\"report-link\">Download the report"
       "</a> &middot; <a href=\"/\">Back to the tests</a></p>\n</section>\n";
  return o + page_end();
}

std::string probe_top_html(const ScanOrder& order) {
  const uint16_t port = order.ports.front();
  std::string o = page_start("Probe Port " + std::to_string(port), Section::kPortAuthority);
  o += port_nav_html(port);
  o += "<h1>Probe Port " + std::to_string(port) + "</h1>\n<p class=\"testing\">Probing port " +
       std::to_string(port) + " of <b>" + esc(config::format_address(order.target.address())) + "</b>&hellip;</p>\n";
  return o;
}

std::string probe_bottom_html(const ScanOrder& order, const ScanOutcome& outcome, const db::PortDb& db) {
  const uint16_t port = order.ports.front();
  std::string o;
  if (!outcome.error.empty()) {
    o += error_html(outcome);
  } else if (outcome.ports.empty()) {
    o += "<p class=\"why\">The probe was interrupted before it was sent.</p>\n";
  } else {
    const PortFinding& f = outcome.ports.front();
    const auto state = probe::state_of(f.result.reason);
    const std::string st(probe::state_name(state));
    o += "<dl class=\"facts probe-result\" id=\"probe-result\"><dt>State</dt><dd><span class=\"st " + st +
         "\" id=\"probe-state\">" + st + "</span></dd><dt>Reason</dt><dd>" +
         esc(probe::reason_name(f.result.reason)) + "</dd><dt>TTL</dt><dd>" +
         (state == probe::PortState::kStealth ? std::string("&ndash; (nothing came back)")
                                              : std::to_string(f.result.ttl)) +
         "</dd>";
    if (f.service) o += service_facts_html(*f.service);
    o += "</dl>\n<p class=\"meaning\">" + esc(report::state_meaning(state)) + "</p>\n";
    if (f.service) {
      // What answers, and when it is not what the port usually carries, the page of the service
      // found before the port's own (as `portauth probe` does).
      const std::vector<std::string> names = report::port_names(db, port);
      o += what_answers_html(*f.service, port, names);
      if (!report::expected_here(*f.service, names))
        if (const auto page = report::service_page(db, *f.service)) {
          o += "<p class=\"note\" id=\"service-page-note\">(The port's own page: <a href=\"/port/" +
               std::to_string(port) + "\">Port " + std::to_string(port) + "</a>.)</p>\n";
          o += port_page_body(*page);
          return o + page_end();
        }
    }
  }
  o += port_page_body(db.page(port));
  return o + page_end();
}

}  // namespace portauth::web
