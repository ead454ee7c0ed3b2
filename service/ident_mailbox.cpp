// POP3 (RFC 1939 4: the greeting is "+OK" and free text) and IMAP (RFC 3501 7.1: "* OK",
// "* PREAUTH" or "* BYE", often with a [CAPABILITY ...] response code). Both servers greet
// first; the text names the product. Nothing is sent but the goodbye (QUIT / LOGOUT).
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

// --- POP3 --------------------------------------------------------------------------------------

bool pop3_greeting(std::string_view b) { return text::starts_with(b, "+OK"); }

bool pop3_product(std::string_view b, Identified& o, std::string_view marker, std::string_view product) {
  const std::string_view line = text::first_line(b);
  if (!pop3_greeting(b) || !text::contains(line, marker)) return false;
  o.product = std::string(product);
  o.version = text::version_after(line, marker);
  return true;
}

const std::array<Rule, 4> kPop3Rules = {{
    {"pop3.dovecot", "pop3",
     [](std::string_view b, Identified& o) { return pop3_product(b, o, "Dovecot", "Dovecot pop3d"); },
     {{"+OK Dovecot (Debian) ready.\r\n"sv, "Dovecot pop3d", "", "", "Debian 12 dovecot-pop3d 2.3.19.1 (the daemon lab)"},
      {"+OK Dovecot ready.\r\n"sv, "Dovecot pop3d", "", "", "Dovecot with its default greeting"}}},
    {"pop3.cyrus", "pop3",
     [](std::string_view b, Identified& o) { return pop3_product(b, o, "Cyrus POP3", "Cyrus pop3d"); },
     {{"+OK mail.example.org Cyrus POP3 v3.6.1-Debian-3.6.1-4 server ready <1234@mail>\r\n"sv, "Cyrus pop3d",
       "3.6.1-Debian-3.6.1-4", "", "Debian 12 cyrus-pop3d"}}},
    {"pop3.courier", "pop3",
     [](std::string_view b, Identified& o) {
       if (!text::starts_with(b, "+OK Hello there")) return false;
       o.product = "Courier pop3d";
       return true;
     },
     {{"+OK Hello there.\r\n"sv, "Courier pop3d", "", "", "Debian 12 courier-pop"}}},
    {"pop3.generic", "pop3", [](std::string_view b, Identified&) { return pop3_greeting(b) && text::has_line(b); },
     {{"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"sv, "", "", "", "RFC 1939 7 example"}},
     8},
}};

constexpr std::array<std::string_view, 3> kPop3Names = {"pop3", "pop", "pop-3"};

const TableIdentifier kPop3({.family = "pop3", .speaks_first = true, .port_names = kPop3Names, .rules = kPop3Rules,
                             .goodbye = "QUIT\r\n"});

// --- IMAP --------------------------------------------------------------------------------------

bool imap_greeting(std::string_view b) {
  return text::starts_with(b, "* OK") || text::starts_with(b, "* PREAUTH") || text::starts_with(b, "* BYE");
}

// [CAPABILITY ...] in the greeting: STARTTLS (RFC 3501 6.2.1) and LOGINDISABLED are worth saying.
void capabilities(std::string_view line, Identified& o) {
  const size_t at = line.find("[CAPABILITY ");
  if (at == std::string_view::npos) return;
  std::string_view caps = line.substr(at + 12);
  caps = caps.substr(0, caps.find(']'));
  o.add_detail("starttls", text::contains(caps, "STARTTLS") ? "offered" : "not offered");
  if (text::contains(caps, "LOGINDISABLED")) o.add_detail("login", "disabled");
}

bool imap_product(std::string_view b, Identified& o, std::string_view marker, std::string_view product) {
  const std::string_view line = text::first_line(b);
  if (!imap_greeting(b) || !text::contains(line, marker)) return false;
  o.product = std::string(product);
  o.version = text::version_after(line, marker);
  capabilities(line, o);
  return true;
}

const std::array<Rule, 4> kImapRules = {{
    {"imap.dovecot", "imap",
     [](std::string_view b, Identified& o) { return imap_product(b, o, "Dovecot", "Dovecot imapd"); },
     {{"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED] Dovecot "
       "(Debian) ready.\r\n"sv,
       "Dovecot imapd", "", "", "Debian 12 dovecot-imapd 2.3.19.1, port 143 (the daemon lab)"},
      {"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN] Dovecot (Debian) "
       "ready.\r\n"sv,
       "Dovecot imapd", "", "", "the same inside TLS, port 993 (the daemon lab)"}}},
    {"imap.courier", "imap",
     [](std::string_view b, Identified& o) { return imap_product(b, o, "Courier-IMAP", "Courier Imapd"); },
     {{"* OK [CAPABILITY IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA "
       "IDLE ACL ACL2=UNION STARTTLS] Courier-IMAP ready. Copyright 1998-2018 Double Precision, Inc.  See COPYING "
       "for distribution information.\r\n"sv,
       "Courier Imapd", "", "", "Debian 12 courier-imap"}}},
    {"imap.cyrus", "imap",
     [](std::string_view b, Identified& o) { return imap_product(b, o, "Cyrus IMAP", "Cyrus imapd"); },
     {{"* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE STARTTLS] mail.example.org Cyrus IMAP 3.6.1-Debian-3.6.1-4 "
       "server ready\r\n"sv,
       "Cyrus imapd", "3.6.1-Debian-3.6.1-4", "", "Debian 12 cyrus-imapd"}}},
    {"imap.generic", "imap",
     [](std::string_view b, Identified& o) {
       if (!imap_greeting(b) || !text::has_line(b)) return false;
       const std::string_view line = text::first_line(b);
       // "* OK" alone is a weak sign; IMAP named in the greeting is a strong one.
       o.conf = text::icontains(line, "IMAP") ? 10 : 7;
       capabilities(line, o);
       return true;
     },
     {{"* OK IMAP4rev1 Service Ready\r\n"sv, "", "", "", "RFC 3501 8 example"},
      {"* PREAUTH IMAP4rev1 server logged in as Smith\r\n"sv, "", "", "", "RFC 3501 7.1.4 example"}}},
}};

constexpr std::array<std::string_view, 3> kImapNames = {"imap", "imap4", "imap2"};

const TableIdentifier kImap({.family = "imap", .speaks_first = true, .port_names = kImapNames, .rules = kImapRules,
                             .goodbye = "a1 LOGOUT\r\n"});

}  // namespace

const Identifier& pop3_identifier() { return kPop3; }
const Identifier& imap_identifier() { return kImap; }

}  // namespace portauth::service
