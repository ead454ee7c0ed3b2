// AMQP 0-9-1 (its specification, 4.2 "Protocol Header" and the Connection.Start method) and
// AMQP 1.0 (OASIS, 2.2 "Version Negotiation"): we send the 0-9-1 protocol header
// "AMQP\0\0\x09\x01"; a 0-9-1 broker answers Connection.Start, whose server-properties table
// names the product and version; a broker of another version answers with its own header.
// We close without answering (no login).
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

// Reads the server-properties field table (4-byte size, then short-string name, type byte,
// value), collecting the longstr values of "product" and "version".
void read_table(std::string_view t, std::string& product, std::string& version) {
  for (size_t fields = 0; !t.empty() && fields < 64; ++fields) {
    const size_t name_len = uint8_t(t[0]);
    if (1 + name_len + 1 > t.size()) return;
    const std::string_view name = t.substr(1, name_len);
    const char type = t[1 + name_len];
    t.remove_prefix(2 + name_len);
    size_t size = 0;
    switch (type) {
      case 't': case 'b': case 'B': size = 1; break;
      case 's': case 'u': size = 2; break;
      case 'I': case 'i': case 'f': size = 4; break;
      case 'l': case 'd': case 'T': size = 8; break;
      case 'D': size = 5; break;
      case 'V': size = 0; break;
      case 'S': case 'A': case 'F': case 'x':
        if (t.size() < 4) return;
        size = 4 + size_t(text::be32(t, 0));
        break;
      default: return;
    }
    if (size > t.size()) return;
    if (type == 'S' && name == "product") product = text::printable(t.substr(4, size - 4), 60);
    if (type == 'S' && name == "version") version = std::string(text::version_token(t.substr(4, size - 4)));
    t.remove_prefix(size);
  }
}

const std::array<Rule, 2> kRules = {{
    {"amqp.connection-start", "amqp",
     [](std::string_view b, Identified& o) {
       // Frame: type 1 (method), channel 0, 4-byte size; method: class 10, method 10, 0-9.
       if (b.size() < 7 + 8 || b[0] != 1 || text::be16(b, 1) != 0) return false;
       const uint32_t size = text::be32(b, 3);
       if (size < 8 || text::be16(b, 7) != 10 || text::be16(b, 9) != 10) return false;
       o.extrainfo = "AMQP " + std::to_string(uint8_t(b[11])) + "-" + std::to_string(uint8_t(b[12]));
       const std::string_view payload = b.substr(7, std::min<size_t>(size, b.size() - 7));
       if (payload.size() >= 10) {
         const uint32_t table = text::be32(payload, 6);
         std::string product, version;
         read_table(payload.substr(10, std::min<size_t>(table, payload.size() - 10)), product, version);
         o.product = product;
         o.version = version;
       }
       return true;
     },
     {{"\x01\x00\x00\x00\x00\x00\x63\x00\x0a\x00\x0a\x00\x09\x00\x00\x00\x47\x07\x70\x72\x6f\x64\x75\x63\x74\x53\x00"
       "\x00\x00\x08\x52\x61\x62\x62\x69\x74\x4d\x51\x07\x76\x65\x72\x73\x69\x6f\x6e\x53\x00\x00\x00\x06\x33\x2e\x31"
       "\x32\x2e\x31\x08\x70\x6c\x61\x74\x66\x6f\x72\x6d\x53\x00\x00\x00\x11\x45\x72\x6c\x61\x6e\x67\x2f\x4f\x54\x50"
       "\x20\x32\x35\x2e\x33\x2e\x32\x00\x00\x00\x05\x50\x4c\x41\x49\x4e\x00\x00\x00\x05\x65\x6e\x5f\x55\x53\xce"sv,
       "RabbitMQ", "3.12.1", "AMQP 0-9", "RabbitMQ 3.12 Connection.Start (trimmed)"}}},
    {"amqp.header", "amqp",
     [](std::string_view b, Identified& o) {
       if (b.size() < 8 || !text::starts_with(b, "AMQP")) return false;
       const uint8_t id = uint8_t(b[4]), major = uint8_t(b[5]), minor = uint8_t(b[6]), rev = uint8_t(b[7]);
       if (id > 3 || major > 9) return false;
       o.extrainfo = "AMQP " + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(rev);
       return true;
     },
     {{"AMQP\x00\x01\x00\x00"sv, "", "", "AMQP 1.0.0", "an AMQP 1.0 broker (Qpid, Artemis) naming its version"},
      {"AMQP\x03\x01\x00\x00"sv, "", "", "AMQP 1.0.0", "an AMQP 1.0 broker asking for SASL first"}}},
}};

constexpr std::array<std::string_view, 2> kPortNames = {"amqp", "rabbitmq"};

std::string probe(const ProbeContext&) { return std::string("AMQP\x00\x00\x09\x01", 8); }

const TableIdentifier kAmqp({.family = "amqp", .speaks_first = false, .port_names = kPortNames, .rules = kRules,
                             .probe = probe});

}  // namespace

const Identifier& amqp_identifier() { return kAmqp; }

}  // namespace portauth::service
