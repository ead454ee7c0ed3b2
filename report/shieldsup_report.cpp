#include "report/shieldsup_report.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "db/text_wrap.h"
#include "config/presets.h"
#include "output/service_text.h"
#include "report/service_report.h"

namespace portauth::report {
namespace {

constexpr size_t kWidth = 78;
constexpr std::string_view kIndent = "  ";
constexpr size_t kCheckLabelWidth = 22;  // "Unsolicited packets:  "

std::string plural(uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string port_text(uint16_t port) { return std::to_string(port) + "/tcp"; }

// "23, 135, 137-139" for a sorted list.
std::vector<std::string> compact_ranges(const std::vector<uint16_t>& ports) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ports.size();) {
    size_t j = i;
    while (j + 1 < ports.size() && ports[j + 1] == ports[j] + 1) ++j;
    out.push_back(j == i ? std::to_string(ports[i]) : std::to_string(ports[i]) + "-" + std::to_string(ports[j]));
    i = j + 1;
  }
  return out;
}

std::string check_line(std::string_view label, const TrustealthCheck& check) {
  std::string prefix = std::string(label) + ":";
  prefix.resize(kCheckLabelWidth, ' ');
  prefix += check.passed ? "PASSED  " : "FAILED  ";
  return db::wrap_paragraph(check.detail, kWidth, prefix, std::string(prefix.size(), ' '));
}

// The SERVICE column: what -sV found ("ssl/http", "unknown" when silent), else the database's name.
std::string service_column(const ShieldsUpPort& p) {
  output::Annotation a;
  a.service = p.service;
  return output::service_name(a, p.found.get(), true);
}

std::string table_row(const ShieldsUpPort& p) {
  const auto state = probe::state_of(p.reason);
  const std::string ttl = state == probe::PortState::kStealth ? "-" : std::to_string(p.ttl);
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-10s %-8s %-22s %-4s %-16s %-7s %s", port_text(p.port).c_str(),
                std::string(probe::state_name(state)).c_str(), std::string(probe::reason_name(p.reason)).c_str(),
                ttl.c_str(), service_column(p).c_str(), p.risk.empty() ? "-" : p.risk.c_str(),
                p.purpose.c_str());
  std::string row = buf;
  while (!row.empty() && row.back() == ' ') row.pop_back();
  return row + "\n";
}

std::string implications_entry(const ShieldsUpPort& p) {
  const auto state = probe::state_of(p.reason);
  // "21/tcp open (syn-ack), risk medium: ftp - File Transfer Protocol (control channel)"
  std::string head = port_text(p.port) + " " + std::string(probe::state_name(state)) + " (" +
                     std::string(probe::reason_name(p.reason)) + "), " +
                     (p.risk.empty() ? "risk not rated" : "risk " + p.risk) + ": " +
                     (p.service.empty() ? "unknown" : p.service);
  if (!p.purpose.empty()) head += " - " + p.purpose;
  std::string out = db::wrap_paragraph(head, kWidth, "", "    ");
  out += db::wrap_paragraph(state_meaning(state), kWidth, kIndent, kIndent);
  if (p.found) {
    // What answers, before what the port number suggests about it.
    out += db::wrap_paragraph(what_answers(*p.found, p.port, p.port_names), kWidth, kIndent, kIndent);
    if (const auto v = output::service_version(p.found.get()); !v.empty() && p.found->answer == service::Answer::kIdentified)
      out += db::wrap_paragraph("Product: " + v, kWidth, kIndent, kIndent);
    if (p.found->tls)
      out += db::wrap_paragraph("TLS: " + p.found->tls->version + ", " + p.found->tls->subject +
                                    (p.found->tls->self_signed ? ", self-signed" : "") +
                                    (p.found->tls->not_after.empty() ? "" : ", valid until " + p.found->tls->not_after),
                                kWidth, kIndent, kIndent);
  }
  if (!p.implications.empty()) out += db::wrap_paragraph(p.implications, kWidth, kIndent, kIndent);
  if (!p.trojans.empty()) out += db::wrap_items(p.trojans, kWidth, "  Trojan sightings: ", "                    ");
  return out;
}

}  // namespace

std::string_view state_meaning(probe::PortState state) {
  switch (state) {
    case probe::PortState::kOpen:
      return "Open: a service at this address accepts connections on this port. Anyone who can reach the "
             "address can talk to it, and attack it if it is flawed or badly configured.";
    case probe::PortState::kClosed:
      return "Closed: nothing accepted the connection, but the refusal came back from the address, so the "
             "host answered: it exists, and can be probed further.";
    case probe::PortState::kStealth:
      return "Stealth: nothing came back at all, not even a refusal. There is no evidence that anything "
             "exists at this address.";
    case probe::PortState::kFiltered:
      return "Filtered: a firewall or router refused the datagram with an ICMP error, so something on the "
             "way answered for the host.";
    case probe::PortState::kOpenFiltered:
      return "Open or filtered: nothing came back. A UDP service answers only what it understands, so a "
             "silent port may be open, or a firewall may drop what is sent to it.";
  }
  return "";
}

ShieldsUpPort shieldsup_port(const probe::ScanResult& r, const db::PortPage& page) {
  ShieldsUpPort p;
  p.port = r.port;
  p.reason = r.reason;
  p.ttl = r.ttl;
  if (page.listed || page.entry.name != "unassigned") p.service = page.entry.name;
  p.purpose = page.entry.purpose;
  if (page.entry.risk != db::Risk::kUnknown) p.risk = std::string(db::risk_name(page.entry.risk));
  p.implications = page.entry.background.empty() ? page.entry.description : page.entry.background;
  p.trojans = page.entry.trojans;
  if (page.listed) {
    p.port_names.push_back(page.entry.name);
    p.port_names.insert(p.port_names.end(), page.entry.aliases.begin(), page.entry.aliases.end());
  }
  return p;
}

TrustealthVerdict judge_trustealth(const output::ScanSummary& s, const std::string& host) {
  TrustealthVerdict v;
  const uint64_t tested = s.open + s.closed + s.stealth;
  if (s.interrupted) {
    v.all_stealth = {false, "the test was interrupted (" + plural(s.not_sent, "probe was", "probes were") +
                                " never sent), so unanswered ports could not be judged stealth."};
  } else if (tested == 0) {
    v.all_stealth = {false, "no port was tested."};
  } else if (s.open + s.closed > 0) {
    v.all_stealth = {false, std::to_string(s.open) + " open and " + std::to_string(s.closed) + " closed of " +
                                plural(tested, "tested port", "tested ports") + ": " + host +
                                " answered, so it exists."};
  } else {
    v.all_stealth = {true, tested == 1 ? "the tested port is stealth: it gave no answer, not even a refusal."
                                       : "all " + std::to_string(tested) +
                                             " tested ports are stealth: none gave any answer, not even a refusal."};
  }

  if (!s.trustealth) {
    v.unsolicited = {false, "not watched: the scan ran without its TruStealth checks."};
    v.ping = {false, "not tested: the scan ran without its TruStealth checks."};
    return v;
  }
  if (s.frames_from_targets > 0) {
    v.unsolicited = {false, plural(s.frames_from_targets, "packet", "packets") + " came back from " + host +
                                " during the test (replies to the probes count: a stealth host sends none)."};
  } else {
    v.unsolicited = {true, "no packet of any kind came back from " + host + " during the test."};
  }
  if (s.echo_requests == 0) {
    v.ping = {false, "no ICMP echo request could be sent, so the ping test did not run."};
  } else if (s.echo_replies > 0) {
    v.ping = {false, host + " answered our ICMP echo (ping) requests (" + plural(s.echo_replies, "reply", "replies") +
                         " to " + plural(s.echo_requests, "request", "requests") + "): a ping shows it is there."};
  } else {
    v.ping = {true, "no reply to " + plural(s.echo_requests, "ICMP echo (ping) request", "ICMP echo (ping) requests") +
                        "."};
  }
  return v;
}

std::string describe_port_set(const std::vector<uint16_t>& ports) {
  if (ports == config::preset_ports("common")) return "common (ShieldsUP's 26 common ports)";
  if (ports == config::preset_ports("service")) return "service (all service ports, 0-1055)";
  if (ports.size() == 65536) return "all (0-65535)";
  return plural(ports.size(), "port", "ports");
}

std::string format_trustealth(const TrustealthVerdict& v) {
  std::string out = check_line("All ports stealth", v.all_stealth);
  out += check_line("Unsolicited packets", v.unsolicited);
  out += check_line("Ping reply", v.ping);
  const int failed = !v.all_stealth.passed + !v.unsolicited.passed + !v.ping.passed;
  TrustealthCheck overall;
  overall.passed = failed == 0;
  overall.detail = overall.passed ? "the host gave no sign of being there: to this test it is invisible."
                                  : "the host is visible: " + std::to_string(failed) + " of 3 checks failed.";
  return out + "\n" + check_line("TruStealth", overall);
}

std::string format_shieldsup_report(const ShieldsUpReport& report) {
  std::vector<ShieldsUpPort> ports = report.ports;
  std::sort(ports.begin(), ports.end(), [](const auto& a, const auto& b) { return a.port < b.port; });
  const output::ScanSummary& s = report.summary;

  const std::string title = "ShieldsUP report for " + report.host;
  std::string out = title + "\n" + std::string(std::max(title.size(), kWidth), '=') + "\n";
  out += "Ports tested: " + report.port_set + "\n\n";
  char buf[128];
  const uint64_t tested = s.open + s.closed + s.stealth;
  std::snprintf(buf, sizeof buf, "%7" PRIu64 " Ports Open\n%7" PRIu64 " Ports Closed\n%7" PRIu64
                " Ports Stealth\n%7" PRIu64 " Ports Tested\n",
                s.open, s.closed, s.stealth, tested);
  out += buf;
  if (s.interrupted)
    out += "(interrupted: " + plural(s.not_sent, "probe was", "probes were") + " never sent)\n";
  // A host that lies leads with what it does; its SYN-ACKs that reach nothing are one line.
  const verdict::HostVerdict* v = s.host_verdicts.empty() ? nullptr : &s.host_verdicts.front();
  if (v) {
    out += "\n" + db::wrap_paragraph(std::string("VERDICT: ") + verdict::verdict_name(v->kind) + ": " +
                                         verdict::verdict_line(*v),
                                     kWidth, "", "         ");
    if (const std::string note = verdict::unverified_note(*v); !note.empty())
      out += db::wrap_paragraph(note, kWidth, "         ", "         ");
  }
  auto collapsed = [&](const ShieldsUpPort& p) {
    return v && v->collapses_open_ports() && probe::state_of(p.reason) == probe::PortState::kOpen &&
           !std::binary_search(v->service_ports.begin(), v->service_ports.end(), p.port);
  };
  uint64_t hidden = 0;

  // The table.
  out += "\n";
  char head[256];
  std::snprintf(head, sizeof head, "%-10s %-8s %-22s %-4s %-16s %-7s %s\n", "PORT", "STATUS", "REASON", "TTL",
                "SERVICE", "RISK", "PURPOSE");
  out += head;
  const bool every_port = ports.size() <= kListEveryPortUpTo;
  std::vector<uint16_t> stealth;
  std::vector<const ShieldsUpPort*> answered;
  for (const auto& p : ports) {
    const bool is_stealth = probe::state_of(p.reason) == probe::PortState::kStealth;
    if (collapsed(p)) {
      ++hidden;
      continue;
    }
    if (is_stealth) stealth.push_back(p.port);
    else answered.push_back(&p);
    if (every_port || !is_stealth) out += table_row(p);
  }
  if (ports.empty()) out += "(no port results)\n";
  if (hidden > 0)
    out += "(" + plural(hidden, "open port", "open ports") + " not listed: SYN-ACKs of a host that answers for ports "
           "it does not serve)\n";
  if (!every_port && !stealth.empty()) {
    out += "\n";
    out += db::wrap_items(compact_ranges(stealth), kWidth, "Stealth (" + std::to_string(stealth.size()) + "): ",
                          std::string(kIndent));
  }

  // Security implications of what answered.
  out += "\nSecurity implications\n---------------------\n";
  if (answered.empty() && hidden > 0) {
    out += db::wrap_paragraph("Every port that answered did so with a SYN-ACK this host sends for ports it does not "
                              "serve (the verdict above): the host exists and answers, but no service behind these "
                              "ports is known.",
                              kWidth, "", "");
  } else if (answered.empty()) {
    out += db::wrap_paragraph("No tested port answered: nothing here tells a scanner that a system exists at "
                              "this address.",
                              kWidth, "", "");
  }
  for (size_t i = 0; i < answered.size() && i < kMaxImplications; ++i) {
    if (i > 0) out += "\n";
    out += implications_entry(*answered[i]);
  }
  if (answered.size() > kMaxImplications)
    out += "\n... and " + plural(answered.size() - kMaxImplications, "more answered port", "more answered ports") +
           "; 'portauth lookup PORT' prints any port's page.\n";

  out += "\nTruStealth analysis\n-------------------\n";
  out += format_trustealth(judge_trustealth(s, report.host));
  return out;
}

}  // namespace portauth::report
