// DNS over TCP (RFC 1035 4.2.2: a 2-byte length before each message; 4.1 the message): we ask
// the CHAOS-class TXT record "version.bind", the convention by which name servers state their
// software (BIND, dnsmasq, Unbound, Knot, PowerDNS answer it unless told not to). A reply with
// our ID and the response bit is DNS whatever it says; a TXT answer names the product.
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

constexpr uint16_t kQueryId = 0x5041;  // "PA"

// Skips a (possibly compressed) name at `at`; returns the offset after it, or npos.
size_t skip_name(std::string_view m, size_t at) {
  for (size_t labels = 0; labels < 128; ++labels) {
    if (at >= m.size()) return std::string_view::npos;
    const uint8_t len = uint8_t(m[at]);
    if (len == 0) return at + 1;
    if ((len & 0xc0) == 0xc0) return at + 2 <= m.size() ? at + 2 : std::string_view::npos;
    if (len & 0xc0) return std::string_view::npos;
    at += 1 + len;
  }
  return std::string_view::npos;
}

struct Reply {
  uint8_t rcode = 0;
  std::string txt;  // the first TXT string of the first answer ("" when none)
};

std::optional<Reply> parse(std::string_view b) {
  if (b.size() < 2 + 12) return std::nullopt;
  const size_t len = text::be16(b, 0);
  if (len < 12 || len > b.size() - 2) return std::nullopt;
  const std::string_view m = b.substr(2, len);
  const uint16_t flags = text::be16(m, 2);
  if (text::be16(m, 0) != kQueryId || !(flags & 0x8000)) return std::nullopt;
  Reply r;
  r.rcode = uint8_t(flags & 0x0f);
  const uint16_t qd = text::be16(m, 4), an = text::be16(m, 6);
  size_t at = 12;
  for (uint16_t i = 0; i < qd && i < 4; ++i) {
    at = skip_name(m, at);
    if (at == std::string_view::npos || at + 4 > m.size()) return r;
    at += 4;
  }
  for (uint16_t i = 0; i < an && i < 8; ++i) {
    at = skip_name(m, at);
    if (at == std::string_view::npos || at + 10 > m.size()) return r;
    const uint16_t type = text::be16(m, at), rdlen = text::be16(m, at + 8);
    at += 10;
    if (at + rdlen > m.size()) return r;
    if (type == 16 && rdlen > 0) {  // TXT: length-prefixed strings
      const size_t n = uint8_t(m[at]);
      if (1 + n <= rdlen) r.txt = text::printable(m.substr(at + 1, n), 100);
      return r;
    }
    at += rdlen;
  }
  return r;
}

struct Software {
  std::string_view marker, product;
};
constexpr Software kSoftware[] = {
    {"dnsmasq-", "dnsmasq"}, {"unbound ", "Unbound"}, {"Knot DNS ", "Knot DNS"},
    {"PowerDNS Authoritative Server ", "PowerDNS Authoritative Server"}, {"PowerDNS Recursor ", "PowerDNS Recursor"},
    {"CoreDNS-", "CoreDNS"}, {"NSD ", "NLnet Labs NSD"},
};

const std::array<Rule, 2> kRules = {{
    {"domain.version-bind", "domain",
     [](std::string_view b, Identified& o) {
       const auto r = parse(b);
       if (!r || r->txt.empty()) return false;
       o.add_detail("version.bind", r->txt);
       for (const auto& s : kSoftware)
         if (text::istarts_with(r->txt, s.marker)) {
           o.product = std::string(s.product);
           o.version = std::string(text::version_token(std::string_view(r->txt).substr(s.marker.size())));
           return true;
         }
       // BIND answers with its bare version, "9.18.28-1~deb12u2-Debian".
       if (const auto v = text::version_token(r->txt); !v.empty() && v[0] == '9') {
         o.product = "ISC BIND";
         o.version = std::string(v.substr(0, v.find('-')));
         if (text::icontains(r->txt, "Debian")) o.extrainfo = text::printable(r->txt.substr(r->txt.find('-') + 1), 40);
       }
       return true;
     },
     {{"\x00\x37\x50\x41\x84\x80\x00\x01\x00\x01\x00\x00\x00\x00\x07version\x04" "bind\x00\x00\x10\x00\x03\xc0\x0c"
       "\x00\x10\x00\x03\x00\x00\x00\x00\x00\x0d\x0c" "dnsmasq-2.90"sv,
       "dnsmasq", "2.90", "", "Debian 12 dnsmasq-base 2.90 (the daemon lab)"},
      {"\x00\x43\x50\x41\x84\x00\x00\x01\x00\x01\x00\x00\x00\x00\x07version\x04" "bind\x00\x00\x10\x00\x03\xc0\x0c"
       "\x00\x10\x00\x03\x00\x00\x00\x00\x00\x19\x18" "9.18.28-1~deb12u2-Debian"sv,
       "ISC BIND", "9.18.28", "1~deb12u2-Debian", "Debian 12 bind9"}}},
    {"domain.response", "domain",
     [](std::string_view b, Identified& o) {
       const auto r = parse(b);
       if (!r) return false;
       o.add_detail("rcode", std::to_string(r->rcode));
       return true;
     },
     {{"\x00\x1e\x50\x41\x81\x05\x00\x01\x00\x00\x00\x00\x00\x00\x07version\x04" "bind\x00\x00\x10\x00\x03"sv, "",
       "", "", "a resolver refusing CHAOS queries (REFUSED)"}}},
}};

constexpr std::array<std::string_view, 2> kPortNames = {"domain", "dns"};

std::string probe(const ProbeContext&) {
  // ID "PA", no flags, one question: version.bind, TXT (16), CHAOS (3).
  const std::string m("\x50\x41\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07version\x04" "bind\x00\x00\x10\x00\x03", 30);
  return std::string{char(m.size() >> 8), char(m.size() & 0xff)} + m;
}

const TableIdentifier kDns({.family = "dns", .speaks_first = false, .port_names = kPortNames, .rules = kRules,
                            .probe = probe});

}  // namespace

const Identifier& dns_identifier() { return kDns; }

}  // namespace portauth::service
