// IRC (RFC 2812 2.3, 5; IRCv3 capability negotiation): messages are ":prefix COMMAND params"
// lines. Many servers speak first (a NOTICE while they look up the client's name); the rest
// answer CAP LS (IRCv3) or say we have not registered (451). We never register (no NICK/USER).
#include <array>

#include "service/families.h"
#include "service/line_protocols.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

// ":irc.example.net NOTICE * :..." / "NOTICE AUTH :..." / ":irc.example.net 451 * ..." / ":x CAP * LS :..."
bool irc_line(std::string_view line) {
  if (text::starts_with(line, "NOTICE AUTH ") || text::starts_with(line, "NOTICE * :")) return true;
  if (line.size() < 4 || line[0] != ':') return false;
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos || sp < 2 || sp > 128) return false;
  const std::string_view rest = line.substr(sp + 1);
  return text::starts_with(rest, "NOTICE ") || text::starts_with(rest, "CAP ") ||
         (reply_code(rest) >= 1 && rest.size() > 4 && rest[3] == ' ') || text::starts_with(rest, "ERROR ");
}

std::string server_name(std::string_view line) {
  if (line.empty() || line[0] != ':') return {};
  return text::printable(line.substr(1, line.find(' ') - 1), 80);
}

bool product(std::string_view b, Identified& o) {
  constexpr std::pair<std::string_view, std::string_view> kProducts[] = {
      {"UnrealIRCd", "UnrealIRCd"}, {"InspIRCd", "InspIRCd"}, {"ngircd", "ngircd"}, {"solanum", "Solanum"},
      {"ircd-hybrid", "ircd-hybrid"}, {"charybdis", "Charybdis"}};
  for (const auto& [marker, name] : kProducts)
    if (text::icontains(b.substr(0, 4096), marker)) {
      o.product = std::string(name);
      o.version = text::version_after(b.substr(0, 4096), std::string(marker) + "-");
      return true;
    }
  return false;
}

const std::array<Rule, 1> kRules = {{
    {"irc.message", "irc",
     [](std::string_view b, Identified& o) {
       const std::string_view line = text::first_line(b);
       if (!text::has_line(b) || !irc_line(line)) return false;
       o.hostname = server_name(line);
       product(b, o);
       return true;
     },
     {{":irc.example.net NOTICE * :*** Looking up your hostname...\r\n"sv, "", "", "", "ngircd / Solanum greeting"},
      {"NOTICE AUTH :*** Processing connection to irc.example.net\r\n"sv, "", "", "", "ircd-hybrid greeting"},
      {":irc.example.net 451 * CAP :You have not registered\r\n"sv, "", "", "", "RFC 2812 451 before registration"},
      {":irc.example.net CAP * LS :multi-prefix sasl\r\n:irc.example.net NOTICE * :*** UnrealIRCd-6.1.4 here\r\n"sv,
       "UnrealIRCd", "6.1.4", "", "IRCv3 CAP LS answer"}}},
}};

constexpr std::array<std::string_view, 3> kPortNames = {"irc", "ircd", "ircu"};

std::string probe(const ProbeContext&) { return "CAP LS 302\r\n"; }

const TableIdentifier kIrc({.family = "irc", .speaks_first = false, .port_names = kPortNames, .rules = kRules,
                            .probe = probe, .goodbye = "QUIT\r\n"});

}  // namespace

const Identifier& irc_identifier() { return kIrc; }

}  // namespace portauth::service
