#include "output/html_writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "output/html_assets.h"
#include "output/service_text.h"
#include "config/address.h"
#include "output/nmap_view.h"
#include "output/xml_escape.h"

namespace portauth::output {
namespace {

using probe::PortState;
using probe::Reason;

// Per-port codes in the page data: 'a' + the Reason's value; '.' = not probed.
constexpr char kNotProbed = '.';
constexpr int kReasonCount = int(Reason::kRejectRoute) + 1;  // the last Reason

struct Counts {
  uint64_t open = 0, closed = 0, stealth = 0;
};

Counts count(const std::vector<PortRecord>& ports) {
  Counts c;
  for (const auto& p : ports) {
    switch (probe::state_of(p.reason, p.proto)) {
      case PortState::kOpen: ++c.open; break;
      case PortState::kClosed:
      case PortState::kFiltered: ++c.closed; break;  // a UDP port's ICMP refusal: the host answered
      case PortState::kStealth:
      case PortState::kOpenFiltered: ++c.stealth; break;
    }
  }
  return c;
}

std::string esc(std::string_view s) { return xml_escape(s); }

std::string counts_phrase(const Counts& c) {
  return std::to_string(c.open) + " open, " + std::to_string(c.closed) + " closed, " + std::to_string(c.stealth) +
         " stealth";
}

// The JSON the page's script draws from. "</" is written "<\/" so that no string in it can
// end the <script> element early.
std::string page_data(const std::vector<uint16_t>& ports, const std::vector<HostRecords>& hosts) {
  nlohmann::json d;
  auto& ranges = d["ports"] = nlohmann::json::array();
  for (size_t i = 0; i < ports.size();) {
    size_t j = i;
    while (j + 1 < ports.size() && ports[j + 1] == ports[j] + 1) ++j;
    ranges.push_back({ports[i], ports[j]});
    i = j + 1;
  }
  auto& reasons = d["reasons"] = nlohmann::json::array();
  auto& states = d["states"] = nlohmann::json::array();
  for (int i = 0; i < kReasonCount; ++i) {
    const auto r = Reason(i);
    reasons.push_back(probe::reason_name(r));
    states.push_back(probe::state_name(probe::state_of(r)));
  }
  auto& hs = d["hosts"] = nlohmann::json::array();
  auto& ann = d["ann"] = nlohmann::json::object();
  for (const auto& h : hosts) {
    std::string codes(ports.size(), kNotProbed);
    size_t k = 0;
    for (const auto& p : h.ports) {  // both sorted: one merge pass
      if (p.proto != config::Proto::kTcp) break;  // the grid is TCP's (UDP ports come last)
      while (k < ports.size() && ports[k] < p.port) ++k;
      if (k == ports.size()) break;
      if (ports[k] != p.port) continue;
      codes[k] = char('a' + int(p.reason));
      if (p.annotation && (!p.annotation->service.empty() || !p.annotation->purpose.empty())) {
        auto& a = ann[std::to_string(p.port)];
        if (a.is_null()) a = {p.annotation->service, p.annotation->purpose, p.annotation->risk};
      }
    }
    hs.push_back({{"ip", config::format_address(h.addr)}, {"s", std::move(codes)}});
  }
  std::string text = d.dump();
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') out += "<\\";
    else out += text[i];
  }
  return out;
}

std::string verdict_html(const Counts& c, uint64_t probed) {
  if (probed == 0) return "<p class=\"verdict none\">Stealth ports: no ports were probed</p>";
  if (c.open == 0 && c.closed == 0)
    return "<p class=\"verdict pass\">Stealth ports: <b>PASSED</b> &mdash; all " + std::to_string(probed) +
           " probed ports are stealth: nothing answered, so the scan could not even tell that a host is "
           "there.</p>";
  return "<p class=\"verdict fail\">Stealth ports: <b>FAILED</b> &mdash; " + std::to_string(c.open) + " open and " +
         std::to_string(c.closed) +
         " closed ports answered, and every answer tells a scanner that a host is there. A stealthed "
         "host answers none.</p>";
}

// A host's verdict as the page says it: the line, and what the open ports are worth.
std::string verdict_note(const verdict::HostVerdict& v) {
  std::string o = "<p class=\"verdict fail liar\"><b>" + esc(verdict::verdict_name(v.kind)) + "</b> &mdash; " +
                  esc(verdict::verdict_line(v));
  if (const std::string note = verdict::unverified_note(v); !note.empty()) o += "<br><span class=\"note\">" + esc(note) + "</span>";
  return o + "</p>\n";
}

// An open TCP port of a host that answers for ports it does not serve (a UDP answer is the host's).
bool collapsed(const verdict::HostVerdict* v, const PortRecord& p) {
  return v && v->collapses_open_ports() && p.proto == config::Proto::kTcp &&
         probe::state_of(p.reason, p.proto) == PortState::kOpen &&
         !std::binary_search(v->service_ports.begin(), v->service_ports.end(), p.port);
}

std::string table_html(const std::vector<HostRecords>& hosts, size_t max_rows,
                       const std::vector<verdict::HostVerdict>& verdicts) {
  size_t budget = max_rows, left_out = 0, rows_total = 0;
  // Every open port first, then closed ones while the budget lasts.
  for (const auto& h : hosts) {
    const verdict::HostVerdict* v = verdict::find_verdict(verdicts, h.addr);
    uint64_t open = 0;
    for (const auto& p : h.ports) open += probe::state_of(p.reason, p.proto) == PortState::kOpen && !collapsed(v, p);
    budget = budget > open ? budget - open : 0;
  }
  std::string out = "<section id=\"ports\"><h2>Open and closed ports</h2>\n";
  for (const auto& h : hosts) {
    std::string rows;
    // A host that answers for ports it does not serve: one line, not a row per SYN-ACK.
    const verdict::HostVerdict* v = verdict::find_verdict(verdicts, h.addr);
    uint64_t hidden = 0;
    // Open ports first: they are what the reader has to act on.
    std::vector<const PortRecord*> order;
    for (const auto& p : h.ports) {
      if (collapsed(v, p)) ++hidden;
      else if (probe::state_of(p.reason, p.proto) == PortState::kOpen) order.push_back(&p);
    }
    for (const auto& p : h.ports) {
      const auto state = probe::state_of(p.reason, p.proto);
      if (state == PortState::kClosed || state == PortState::kFiltered) order.push_back(&p);
    }
    for (const PortRecord* pp : order) {
      const PortRecord& p = *pp;
      const auto state = probe::state_of(p.reason, p.proto);
      if (state != PortState::kOpen) {
        if (budget == 0) {
          ++left_out;
          continue;
        }
        --budget;
      }
      ++rows_total;
      const Annotation empty;
      const Annotation& a = p.annotation ? *p.annotation : empty;
      const std::string st(probe::state_name(state));
      // With -sV the service cell says what answers (name, product, TLS certificate), not only
      // what the port number suggests.
      const service::ServiceInfo* s = p.proto == config::Proto::kTcp ? h.service(p.port) : nullptr;
      std::string service = esc(service_name(a, s, true));
      if (const std::string version = service_version(s); !version.empty())
        service += "<br><small>" + esc(version) + "</small>";
      if (s && s->tls)
        service += "<br><small>TLS " + esc(s->tls->version) + ", " + esc(s->tls->subject) +
                   (s->tls->self_signed ? ", self-signed" : ", issuer " + esc(s->tls->issuer)) +
                   (s->tls->not_after.empty() ? "" : ", expires " + esc(s->tls->not_after)) + "</small>";
      rows += "<tr class=\"" + st + "\"><td>" + std::to_string(p.port) + "/" + std::string(config::proto_name(p.proto)) +
              "</td><td><span class=\"st " + st +
              "\">" + st + "</span></td><td>" + esc(probe::reason_name(p.reason)) + "</td><td>" +
              std::to_string(p.ttl) + "</td><td>" + service + "</td><td>" +
              esc(a.purpose) + "</td><td class=\"desc\">" + esc(a.description) + "</td><td>" +
              (a.risk.empty() ? std::string("&ndash;")
                              : "<span class=\"risk " + esc(a.risk) + "\">" + esc(a.risk) + "</span>") +
              "</td></tr>\n";
    }
    if (rows.empty() && !v) continue;
    out += "<h3>" + config::format_address(h.addr) + "</h3>\n";
    if (v) out += verdict_note(*v);
    if (hidden > 0)
      out += "<p class=\"note\">" + std::to_string(hidden) +
             " open ports are not listed: they are SYN-ACKs of a host that answers for ports it does not serve.</p>\n";
    if (rows.empty()) continue;
    out += "<table class=\"ports\"><thead><tr><th>port</th>"
           "<th>state</th><th>reason</th><th>TTL</th><th>service</th><th>purpose</th><th>description</th>"
           "<th>risk if open</th></tr></thead><tbody>\n" +
           rows + "</tbody></table>\n";
  }
  if (rows_total == 0) out += "<p>No port answered: every probed port is stealth.</p>\n";
  if (left_out > 0)
    out += "<p class=\"note\">" + std::to_string(left_out) +
           " more closed ports are not listed here (the grid shows them; the CSV or JSONL output lists "
           "every port).</p>\n";
  return out + "</section>\n";
}

}  // namespace

std::string html_report(const ScanInfo& info, const std::vector<HostRecords>& hosts, const ScanSummary& s,
                        size_t max_table_rows) {
  std::vector<uint16_t> ports = info.ports;
  if (ports.empty()) {  // begin() never came: grid over the TCP ports that were reported
    for (const auto& h : hosts)
      for (const auto& p : h.ports)
        if (p.proto == config::Proto::kTcp) ports.push_back(p.port);
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  }
  Counts total;
  for (const auto& h : hosts) {
    const Counts c = count(h.ports);
    total.open += c.open;
    total.closed += c.closed;
    total.stealth += c.stealth;
  }
  const uint64_t probed = total.open + total.closed + total.stealth;
  const std::string title =
      hosts.size() == 1 ? config::format_address(hosts[0].addr) : std::to_string(hosts.size()) + " hosts";
  char secs[64];
  std::snprintf(secs, sizeof secs, "%.2f s", s.seconds);

  std::string o;
  o.reserve(64 * 1024 + ports.size() * (hosts.size() + 1));
  o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<meta name=\"generator\" content=\"portauth " +
       std::string(portauth_version()) + "\">\n<title>portauth report: " + esc(title) + "</title>\n<style>" +
       kHtmlStyle + "</style>\n</head>\n<body>\n";
  o += "<header><h1>portauth port report <span>" + esc(title) + "</span></h1>\n<p class=\"meta\">";
  if (!info.command_line.empty()) o += "<code>" + esc(info.command_line) + "</code><br>";
  if (info.start_unix) o += "started " + esc(nmap_time_string(info.start_unix)) + " &middot; ";
  o += "took " + std::string(secs) + " &middot; " + std::to_string(ports.size()) + " ports &times; " +
       std::to_string(hosts.size()) + (hosts.size() == 1 ? " host" : " hosts");
  if (!s.source_ip.empty()) o += " &middot; from " + esc(s.source_ip) + " on " + esc(s.interface);
  o += "</p></header>\n<main>\n";

  o += "<section id=\"summary\"><div class=\"cards\">"
       "<div class=\"card open\"><b>" + std::to_string(total.open) + "</b>open</div>"
       "<div class=\"card closed\"><b>" + std::to_string(total.closed) + "</b>closed</div>"
       "<div class=\"card stealth\"><b>" + std::to_string(total.stealth) + "</b>stealth</div>"
       "<div class=\"card probed\"><b>" + std::to_string(probed) + "</b>probed</div></div>\n";
  o += verdict_html(total, probed);
  if (!s.host_verdicts.empty()) {
    o += "<h3>Hosts that lie</h3>\n";
    for (const auto& v : s.host_verdicts) o += "<p class=\"verdict fail liar\"><b>" + config::format_address(v.addr) +
                                              "</b>: " + esc(verdict::verdict_name(v.kind)) + " &mdash; " +
                                              esc(verdict::verdict_line(v)) + "</p>\n";
  }
  if (s.interrupted)
    o += "<p class=\"note\">The scan was interrupted: " + std::to_string(s.not_sent) +
         " probes were never sent, and a port that had not answered yet has no result (grey cells): "
         "stealth takes every retry pass.</p>";
  o += "</section>\n";

  o += "<section id=\"grids\"><h2>Port grid</h2>\n<p class=\"legend\"><span class=\"key open\"></span>open "
       "(accepts connections) <span class=\"key closed\"></span>closed (refused: the host answered) "
       "<span class=\"key stealth\"></span>stealth (no answer at all) ";
  if (s.interrupted) o += "<span class=\"key unprobed\"></span>no result (interrupted) ";
  if (!info.udp_ports.empty())
    o += "&middot; the grid is the TCP ports'; the " + std::to_string(info.udp_ports.size()) +
         " UDP ports are counted above (open|filtered as stealth) and listed below ";
  o += "&middot; hover a cell for the port, click to pin it.</p>\n"
       "<noscript><p class=\"note\">The grids are drawn by the page's script; the table below lists the open "
       "and closed ports.</p></noscript>\n<div id=\"pinned\" class=\"pinned\" hidden></div>\n";
  if (hosts.size() > 1) o += "<h3>Hosts &times; ports</h3>\n<div id=\"heatmap\"></div>\n";
  for (size_t i = 0; i < hosts.size(); ++i) {
    const Counts c = count(hosts[i].ports);
    const bool stealthy = c.open == 0 && c.closed == 0;
    const verdict::HostVerdict* v = verdict::find_verdict(s.host_verdicts, hosts[i].addr);
    o += "<details class=\"host\" data-host=\"" + std::to_string(i) + "\" id=\"host-" + std::to_string(i) +
         "\"><summary><b>" + config::format_address(hosts[i].addr) + "</b> &mdash; " +
         (v ? "<span class=\"fail\">" + esc(verdict::verdict_name(v->kind)) + "</span>: " + esc(verdict::verdict_line(*v))
            : counts_phrase(c) + " &middot; stealth ports: <span class=\"" + (stealthy ? "pass\">PASSED" : "fail\">FAILED") +
                  "</span>") +
         "</summary><div class=\"grid\" data-host=\"" + std::to_string(i) + "\"></div></details>\n";
  }
  if (hosts.empty()) o += "<p>No results.</p>\n";
  o += "</section>\n";
  o += table_html(hosts, max_table_rows, s.host_verdicts);
  o += "</main>\n<footer>portauth " + std::string(portauth_version()) +
       " &middot; open = SYN-ACK, closed = RST or ICMP unreachable, stealth = no reply after every retry."
       "</footer>\n<div id=\"tip\" class=\"tip\" hidden></div>\n";
  o += "<script type=\"application/json\" id=\"portauth-data\">" + page_data(ports, hosts) + "</script>\n";
  o += std::string("<script>") + kHtmlScript + "</script>\n</body>\n</html>\n";
  return o;
}

void HtmlWriter::finish(const ScanSummary& summary) {
  const auto hosts = table_.take_sorted();
  const std::string page = html_report(info_, hosts, summary);
  std::fwrite(page.data(), 1, page.size(), out_);
  std::fflush(out_);
}

}  // namespace portauth::output
