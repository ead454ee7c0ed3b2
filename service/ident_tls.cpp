// TLS (RFC 8446 5.1, RFC 5246 6.2): every record starts with a content type (21 alert,
// 22 handshake), the legacy version 3.x and a length. This identifier only recognises such
// bytes where a plaintext answer was expected (a TLS server answering our HTTP probe with an
// alert); the session then does a real handshake with OpenSSL (tls_client.h) and identifies
// what runs inside.
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

const std::array<Rule, 1> kRules = {{
    {"ssl.record", "ssl",
     [](std::string_view b, Identified& o) {
       if (b.size() < 5) return false;
       const uint8_t type = uint8_t(b[0]), major = uint8_t(b[1]), minor = uint8_t(b[2]);
       const uint16_t len = text::be16(b, 3);
       if ((type != 21 && type != 22) || major != 3 || minor > 4 || len == 0 || len > 16384 + 2048) return false;
       o.add_detail("record", type == 21 ? "alert" : "handshake");
       return true;
     },
     {{"\x15\x03\x01\x00\x02\x02\x46"sv, "", "", "", "OpenSSL server: fatal protocol_version alert to plaintext"},
      {"\x15\x03\x03\x00\x02\x02\x32"sv, "", "", "", "a decode_error alert (RFC 8446 6.2)"}}},
}};

constexpr std::array<std::string_view, 3> kPortNames = {"ssl", "tls", "http-tls"};

const TableIdentifier kTls({.family = "ssl", .speaks_first = false, .port_names = kPortNames, .rules = kRules});

}  // namespace

const Identifier& tls_identifier() { return kTls; }

}  // namespace portauth::service
