// MySQL and MariaDB (the client/server protocol's connection phase, as documented by both
// projects): the server speaks first with one packet (3-byte little-endian length, sequence
// number 0): a Handshake v10 (first byte 0x0a, then the server version, NUL-terminated) or an
// ERR packet (0xff, a 2-byte error code, the message) when it refuses the client's address.
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

// The first packet's payload, or nullopt when the header does not describe the bytes.
std::optional<std::string_view> first_packet(std::string_view b) {
  if (b.size() < 5) return std::nullopt;
  const uint32_t len = uint32_t(uint8_t(b[0])) | (uint32_t(uint8_t(b[1])) << 8) | (uint32_t(uint8_t(b[2])) << 16);
  if (b[3] != 0 || len < 1 || len > 1024 || b.size() < 4 + size_t(len)) return std::nullopt;
  return b.substr(4, len);
}

// The server version of a Handshake v10, or nullopt.
std::optional<std::string_view> handshake_version(std::string_view b) {
  const auto p = first_packet(b);
  if (!p || (*p)[0] != 0x0a) return std::nullopt;
  const size_t nul = p->find('\0', 1);
  if (nul == std::string_view::npos || nul < 2 || nul > 80) return std::nullopt;
  // A version and then at least the 4-byte connection id and 8 bytes of scramble.
  if (p->size() < nul + 13) return std::nullopt;
  return p->substr(1, nul - 1);
}

// "5.5.5-10.11.6-MariaDB-0+deb12u1" -> version "10.11.6" (MariaDB prefixes 5.5.5- for old
// clients), the whole string as extrainfo when it says more.
void versions(std::string_view server_version, Identified& o) {
  std::string_view v = server_version;
  if (text::starts_with(v, "5.5.5-")) v.remove_prefix(6);
  const std::string_view token = text::version_token(v);
  o.version = std::string(token.substr(0, token.find('-')));
  if (v != o.version) o.extrainfo = text::printable(server_version, 80);
}

struct ErrPacket {
  uint16_t code = 0;
  std::string_view message;
};

std::optional<ErrPacket> err_packet(std::string_view b) {
  const auto p = first_packet(b);
  if (!p || uint8_t((*p)[0]) != 0xff || p->size() < 4) return std::nullopt;
  ErrPacket e;
  e.code = text::le16(*p, 1);
  e.message = p->substr(3);
  if (!e.message.empty() && e.message[0] == '#' && e.message.size() >= 6) e.message.remove_prefix(6);  // SQLSTATE
  return e;
}

const std::array<Rule, 4> kRules = {{
    {"mysql.mariadb", "mysql",
     [](std::string_view b, Identified& o) {
       const auto v = handshake_version(b);
       if (!v || !text::contains(*v, "MariaDB")) return false;
       o.product = "MariaDB";
       versions(*v, o);
       return true;
     },
     {{"\x63\x00\x00\x00\x0a\x35\x2e\x35\x2e\x35\x2d\x31\x30\x2e\x31\x31\x2e\x36\x2d\x4d\x61\x72\x69\x61\x44\x42\x2d\x30"
       "\x2b\x64\x65\x62\x31\x32\x75\x31\x00\x1f\x00\x00\x00\x41\x42\x43\x44\x45\x46\x47\x48\x00\xfe\xf7\x2d\x02\x00"
       "\xff\x81\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00\x49\x4a\x4b\x4c\x4d\x4e\x4f\x50\x51\x52\x53\x54\x00\x6d"
       "\x79\x73\x71\x6c\x5f\x6e\x61\x74\x69\x76\x65\x5f\x70\x61\x73\x73\x77\x6f\x72\x64\x00"sv,
       "MariaDB", "10.11.6", "5.5.5-10.11.6-MariaDB-0+deb12u1", "Debian 12 mariadb-server, a permitted client"},
      {"\x64\x00\x00\x00\x0a\x35\x2e\x35\x2e\x35\x2d\x31\x30\x2e\x31\x31\x2e\x31\x39\x2d\x4d\x61\x72\x69\x61\x44\x42"
       "\x2d\x30\x2b\x64\x65\x62\x31\x32\x75\x31\x00\x04\x00\x00\x00\x58\x71\x52\x28\x6c\x6b\x52\x3a\x00\xfe\xf7\x08"
       "\x02\x00\xff\x81\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00\x67\x7b\x56\x78\x7a\x7b\x7b\x77\x62\x66\x59\x69"
       "\x00\x6d\x79\x73\x71\x6c\x5f\x6e\x61\x74\x69\x76\x65\x5f\x70\x61\x73\x73\x77\x6f\x72\x64\x00"sv,
       "MariaDB", "10.11.19", "5.5.5-10.11.19-MariaDB-0+deb12u1", "Debian 12 mariadb-server 1:10.11.19 (the daemon lab)"}}},
    {"mysql.mysql", "mysql",
     [](std::string_view b, Identified& o) {
       const auto v = handshake_version(b);
       if (!v) return false;
       o.product = "MySQL";
       versions(*v, o);
       return true;
     },
     {{"\x4a\x00\x00\x00\x0a\x38\x2e\x30\x2e\x33\x35\x00\x0d\x00\x00\x00\x10\x20\x30\x40\x50\x60\x70\x01\x00\xff\xff"
       "\xff\x02\x00\xff\xdf\x15\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x11\x21\x31\x41\x51\x61\x71\x02\x12\x22\x32"
       "\x42\x00\x63\x61\x63\x68\x69\x6e\x67\x5f\x73\x68\x61\x32\x5f\x70\x61\x73\x73\x77\x6f\x72\x64\x00"sv,
       "MySQL", "8.0.35", "", "MySQL 8.0.35 server greeting"}}},
    {"mysql.unauthorized", "mysql",
     [](std::string_view b, Identified& o) {
       const auto e = err_packet(b);
       if (!e || e->code != 1130) return false;  // ER_HOST_NOT_PRIVILEGED
       o.product = text::contains(e->message, "MariaDB") ? "MariaDB" : "MySQL";
       o.extrainfo = "unauthorized";
       o.add_detail("error", text::printable(e->message, 120));
       return true;
     },
     {{"E\x00\x00\x00\xffj\x04Host '198.18.0.1' is not allowed to connect to this MariaDB server"sv, "MariaDB", "",
       "unauthorized", "Debian 12 mariadb-server 10.11 (the daemon lab)"},
      {"C\x00\x00\x00\xffj\x04Host '198.18.0.1' is not allowed to connect to this MySQL server"sv, "MySQL", "",
       "unauthorized", "MySQL 8.0 refusing the client's address"}}},
    {"mysql.error", "mysql",
     [](std::string_view b, Identified& o) {
       const auto e = err_packet(b);
       // Connection-phase errors are in the server's range (1000-1999; 1040 too many connections).
       if (!e || e->code < 1000 || e->code > 1999) return false;
       o.add_detail("error", text::printable(e->message, 120));
       return true;
     },
     {{"\x17\x00\x00\x00\xff\x10\x04Too many connections"sv, "", "", "", "ER_CON_COUNT_ERROR (1040)"}},
     8},
}};

constexpr std::array<std::string_view, 3> kPortNames = {"mysql", "mariadb", "mysqlx"};

const TableIdentifier kMysql({.family = "mysql", .speaks_first = true, .port_names = kPortNames, .rules = kRules});

}  // namespace

const Identifier& mysql_identifier() { return kMysql; }

}  // namespace portauth::service
