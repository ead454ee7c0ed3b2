// RDP ([MS-RDPBCGR] 2.2.1.1, 2.2.1.2; X.224 over TPKT, RFC 1006): we send an X.224 Connection
// Request carrying an RDP Negotiation Request for TLS and CredSSP; the server answers a
// Connection Confirm (X.224 code 0xD0), usually with a Negotiation Response naming the
// security protocol it chose, or a Negotiation Failure. No session is started.
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

std::string_view selected_protocol(uint32_t p) {
  switch (p) {
    case 0: return "standard RDP security";
    case 1: return "TLS";
    case 2: return "CredSSP (NLA)";
    case 4: return "RDSTLS";
    case 8: return "CredSSP with early user authorization";
  }
  return "";
}

const std::array<Rule, 1> kRules = {{
    {"rdp.x224-confirm", "ms-wbt-server",
     [](std::string_view b, Identified& o) {
       // TPKT: version 3, reserved, 2-byte length; X.224: length indicator, 0xD0 Connection Confirm.
       if (b.size() < 11 || b[0] != 3 || b[1] != 0 || uint8_t(b[5]) != 0xd0) return false;
       const uint16_t len = text::be16(b, 2);
       if (len < 11 || len > 64 || uint8_t(b[4]) + 5u != len) return false;
       if (len >= 19 && b.size() >= 19) {
         const uint8_t type = uint8_t(b[11]);
         const uint32_t value = text::le32(b, 15);
         if (type == 2) o.extrainfo = std::string(selected_protocol(value));       // RDP_NEG_RSP
         if (type == 3) o.add_detail("negotiation_failure", std::to_string(value)); // RDP_NEG_FAILURE
       }
       return true;
     },
     {{"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x1f\x08\x00\x02\x00\x00\x00"sv, "", "", "CredSSP (NLA)",
       "Windows Server 2019 Remote Desktop"},
      {"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x00\x08\x00\x01\x00\x00\x00"sv, "", "", "TLS",
       "xrdp 0.9 with TLS"},
      {"\x03\x00\x00\x0b\x06\xd0\x00\x00\x12\x34\x00"sv, "", "", "", "an RDP 5 server without negotiation"}}},
}};

constexpr std::array<std::string_view, 4> kPortNames = {"ms-wbt-server", "rdp", "remote-desktop", "terminal-services"};

std::string probe(const ProbeContext&) {
  // TPKT (19 bytes) | X.224 CR: LI 14, 0xE0, dst-ref 0, src-ref 0, class 0 | RDP_NEG_REQ: type 1,
  // flags 0, length 8, requestedProtocols TLS | CredSSP.
  return std::string("\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x03\x00\x00\x00", 19);
}

const TableIdentifier kRdp({.family = "rdp", .speaks_first = false, .port_names = kPortNames, .rules = kRules,
                            .probe = probe});

}  // namespace

const Identifier& rdp_identifier() { return kRdp; }

}  // namespace portauth::service
