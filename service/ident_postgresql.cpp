// PostgreSQL (the frontend/backend protocol, "Message Flow" and "Message Formats" chapters of
// its documentation): we send a StartupMessage asking for protocol version 0.0, which every
// server refuses before authentication with an ErrorResponse ('E', a 4-byte length, then
// fields: a type byte and a NUL-terminated string each; 'C' the SQLSTATE, 'M' the message:
// "unsupported frontend protocol 0.0: server supports 3.0 to 3.0"). No user is named, nothing
// is authenticated. Servers from 9.6 on add the 'V' field (severity, never translated).
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

struct ErrorFields {
  std::string_view severity, code, message;
  bool has_v = false;
};

std::optional<ErrorFields> error_response(std::string_view b) {
  if (b.size() < 6 || b[0] != 'E') return std::nullopt;
  const uint32_t len = text::be32(b, 1);
  if (len < 5 || len > 8192) return std::nullopt;
  std::string_view body = b.substr(5, std::min<size_t>(len - 4, b.size() - 5));
  ErrorFields f;
  size_t fields = 0;
  while (!body.empty() && body[0] != '\0' && fields < 32) {
    const char type = body[0];
    const size_t nul = body.find('\0', 1);
    if (nul == std::string_view::npos) return std::nullopt;
    const std::string_view value = body.substr(1, nul - 1);
    if (type == 'S') f.severity = value;
    else if (type == 'V') f.has_v = true;
    else if (type == 'C') f.code = value;
    else if (type == 'M') f.message = value;
    body.remove_prefix(nul + 1);
    ++fields;
  }
  if (f.code.size() != 5 || f.message.empty()) return std::nullopt;
  return f;
}

const std::array<Rule, 2> kRules = {{
    {"postgresql.error-response", "postgresql",
     [](std::string_view b, Identified& o) {
       const auto f = error_response(b);
       if (!f) return false;
       o.product = "PostgreSQL";
       // "... server supports 3.0 to 3.0": the protocol versions, not the server's release.
       if (const std::string to = text::version_after(f->message, " to "); !to.empty() &&
                                                                          text::contains(f->message, "supports"))
         o.extrainfo = "protocol " + to;
       o.add_detail("sqlstate", text::printable(f->code, 5));
       o.add_detail("message", text::printable(f->message, 120));
       if (f->has_v) o.add_detail("release", "9.6 or later");
       return true;
     },
     {{"E\x00\x00\x00\x83SFATAL\x00VFATAL\x00"
       "C0A000\x00Munsupported frontend protocol 0.0: server supports 3.0 to 3.0\x00"
       "Fpostmaster.c\x00L2222\x00RProcessStartupPacket\x00\x00"sv,
       "PostgreSQL", "", "protocol 3.0", "Debian 12 postgresql-15 (the daemon lab)"},
      {"E\x00\x00\x00\x7cSFATAL\x00"
       "C0A000\x00Munsupported frontend protocol 0.0: server supports 1.0 to 3.0\x00"
       "Fpostmaster.c\x00L1985\x00RProcessStartupPacket\x00\x00"sv,
       "PostgreSQL", "", "protocol 3.0", "PostgreSQL 9.4 (before the V field)"}}},
    {"postgresql.v2-error", "postgresql",
     [](std::string_view b, Identified& o) {
       // Protocol 2 servers (before 7.4) answer with 'E' and a bare NUL-terminated text.
       if (b.size() < 8 || b[0] != 'E' || !text::starts_with(b.substr(1), "FATAL")) return false;
       o.product = "PostgreSQL";
       o.extrainfo = "protocol 2";
       return true;
     },
     {{"EFATAL:  unsupported frontend protocol\n\x00"sv, "PostgreSQL", "", "protocol 2", "PostgreSQL 7.3"}}},
}};

constexpr std::array<std::string_view, 3> kPortNames = {"postgresql", "postgres", "pgsql"};

// A StartupMessage: length 8 (itself and the version), protocol 0.0.
std::string probe(const ProbeContext&) { return std::string("\x00\x00\x00\x08\x00\x00\x00\x00", 8); }

const TableIdentifier kPostgresql({.family = "postgresql", .speaks_first = false, .port_names = kPortNames,
                                   .rules = kRules, .probe = probe});

}  // namespace

const Identifier& postgresql_identifier() { return kPostgresql; }

}  // namespace portauth::service
