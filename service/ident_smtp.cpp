// SMTP (RFC 5321 4.2, 4.1.1.1): the server greets with 220 "domain" text; EHLO is answered
// with 250 lines naming the extensions (STARTTLS, RFC 3207; SIZE; AUTH). Our EHLO is the only
// command sent, then QUIT: nothing is relayed, nobody logs in.
//
// A bare 220 greeting that names no product is matched provisionally (conf 5); the EHLO
// decides: 250 is SMTP, a 5xx refusal is an FTP server (FTP greets with 220 too).
#include <array>

#include "service/families.h"
#include "service/line_protocols.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

bool greeting(std::string_view b) { return reply_code(text::first_line(b)) == 220; }

bool product_rule(std::string_view b, Identified& o, std::string_view marker, std::string_view product) {
  if (!greeting(b)) return false;
  const std::string_view line = text::first_line(b);
  if (!text::contains(line, marker)) return false;
  o.product = std::string(product);
  o.version = text::version_after(line, marker);
  o.hostname = greeting_host(line);
  return true;
}

bool ftp_like(std::string_view line) {
  return text::icontains(line, "FTP");
}

const std::array<Rule, 7> kRules = {{
    {"smtp.opensmtpd", "smtp",
     [](std::string_view b, Identified& o) { return product_rule(b, o, "OpenSMTPD", "OpenSMTPD"); },
     {{"220 lab.portauth.test ESMTP OpenSMTPD\r\n"sv, "OpenSMTPD", "", "", "Debian 12 opensmtpd 6.8.0p2 (the daemon lab)"}}},
    {"smtp.postfix", "smtp",
     [](std::string_view b, Identified& o) { return product_rule(b, o, "Postfix", "Postfix smtpd"); },
     {{"220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n"sv, "Postfix smtpd", "", "", "Debian 12 postfix"},
      {"220 lab.portauth.test ESMTP Postfix (Debian/GNU)\r\n"sv, "Postfix smtpd", "", "", "Debian 12 postfix 3.7 (the daemon lab)"}}},
    {"smtp.exim", "smtp", [](std::string_view b, Identified& o) { return product_rule(b, o, "Exim", "Exim smtpd"); },
     {{"220 mx.example.org ESMTP Exim 4.96 Mon, 07 Dec 2026 00:50:41 +0000\r\n"sv, "Exim smtpd", "4.96", "",
       "Debian 12 exim4-daemon-light"}}},
    {"smtp.sendmail", "smtp",
     [](std::string_view b, Identified& o) { return product_rule(b, o, "Sendmail", "Sendmail"); },
     {{"220 mail.example.org ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2; Mon, 7 Dec 2026 00:50:41 GMT\r\n"sv,
       "Sendmail", "8.17.1.9", "", "Debian 12 sendmail-bin"}}},
    {"smtp.exchange", "smtp",
     [](std::string_view b, Identified& o) {
       return product_rule(b, o, "Microsoft ESMTP MAIL Service", "Microsoft Exchange smtpd");
     },
     {{"220 EX01.corp.example Microsoft ESMTP MAIL Service ready at Mon, 7 Dec 2026 00:50:41 +0000\r\n"sv,
       "Microsoft Exchange smtpd", "", "", "Exchange 2019 front end"}}},
    {"smtp.generic", "smtp",
     [](std::string_view b, Identified& o) {
       const std::string_view line = text::first_line(b);
       if (!greeting(b) || !(text::contains(line, "SMTP") || text::icontains(line, " mail "))) return false;
       o.hostname = greeting_host(line);
       return true;
     },
     {{"220 relay.example.net ESMTP ready\r\n"sv, "", "", "", "RFC 5321 4.3.1 greeting"},
      {"220 mx.example.com SMTP Service ready\r\n"sv, "", "", "", "RFC 5321 D.1 example"}}},
    {"smtp.greeting-220", "smtp",
     [](std::string_view b, Identified& o) {
       const std::string_view line = text::first_line(b);
       if (!greeting(b) || ftp_like(b.substr(0, 1024))) return false;
       o.hostname = greeting_host(line);
       return true;
     },
     {{"220 host.example ready\r\n"sv, "", "", "", "a 220 naming neither SMTP nor FTP: EHLO decides"}},
     5},
}};

constexpr std::array<std::string_view, 9> kPortNames = {"smtp",          "mail",       "smtp-relay",
                                                        "submission",    "msa",        "smtp-submission",
                                                        "smtp-alt-2525", "smtp-alt", "lmtp"};

std::string followup(const Identified&, const ProbeContext&) { return "EHLO portauth.invalid\r\n"; }

// The EHLO reply: 250 lines are ESMTP (and list STARTTLS when offered); a refusal after a
// provisional match means the 220 came from something else (an FTP server: 500/530).
void refine(Identified& id, std::string_view reply) {
  bool ehlo_ok = false, starttls = false;
  std::string auth, size;
  for (size_t n = 0; n < 64; ++n) {
    const auto line = text::line_at(reply, n);
    if (!line) break;
    const int code = reply_code(*line);
    if (code == 250) {
      ehlo_ok = true;
      // "250" alone is a complete reply line too: the keyword may be empty.
      const std::string_view kw = line->size() > 4 ? line->substr(4) : std::string_view();
      if (text::istarts_with(kw, "STARTTLS")) starttls = true;
      if (text::istarts_with(kw, "AUTH")) auth = text::printable(text::trim(kw.substr(4)), 80);
      if (text::istarts_with(kw, "SIZE")) size = text::printable(text::trim(kw.substr(4)), 20);
    } else if (n == 0 && code >= 500 && code < 600 && id.rule == "smtp.greeting-220") {
      id.name = "ftp";
      id.rule = "ftp.ehlo-refused";
      id.conf = 7;
      return;
    }
  }
  if (!ehlo_ok) return;
  if (id.rule == "smtp.greeting-220") id.conf = 9;
  id.add_detail("esmtp", "yes");
  id.add_detail("starttls", starttls ? "offered" : "not offered");
  if (!size.empty()) id.add_detail("size", size);
  if (!auth.empty()) id.add_detail("auth", auth);
}

const TableIdentifier kSmtp({.family = "smtp", .speaks_first = true, .port_names = kPortNames, .rules = kRules,
                             .followup = followup, .refine = refine, .goodbye = "QUIT\r\n"});

}  // namespace

const Identifier& smtp_identifier() { return kSmtp; }

}  // namespace portauth::service
