// Telnet (RFC 854, RFC 855): a server usually opens with option negotiation, IAC (255)
// followed by DO/DONT/WILL/WONT (253/254/251/252) and an option code, before any prompt.
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

// The negotiation at the start: at least one IAC command, every one well formed.
bool negotiation(std::string_view b) {
  size_t i = 0, commands = 0;
  while (i + 1 < b.size() && uint8_t(b[i]) == 255) {
    const uint8_t cmd = uint8_t(b[i + 1]);
    if (cmd >= 251 && cmd <= 254) {  // DO, DONT, WILL, WONT + option
      if (i + 2 >= b.size()) break;
      i += 3;
    } else if (cmd == 250) {  // SB ... IAC SE: skip the subnegotiation
      const size_t se = b.find("\xff\xf0"sv, i + 2);
      if (se == std::string_view::npos) break;
      i = se + 2;
    } else if (cmd >= 240 && cmd <= 249) {  // the two-byte commands (NOP, GA, ...)
      i += 2;
    } else {
      return false;
    }
    ++commands;
  }
  return commands > 0;
}

const std::array<Rule, 2> kRules = {{
    {"telnet.busybox", "telnet",
     [](std::string_view b, Identified& o) {
       if (!negotiation(b) || !text::contains(b, "BusyBox")) return false;
       o.product = "BusyBox telnetd";
       o.version = text::version_after(b, "BusyBox v");
       return true;
     },
     {{"\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\nBusyBox v1.35.0 (Debian 1:1.35.0-4+b3) built-in shell\r\n"sv,
       "BusyBox telnetd", "1.35.0", "", "Debian 12 busybox telnetd"}}},
    {"telnet.negotiation", "telnet", [](std::string_view b, Identified&) { return negotiation(b); },
     {{"\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27"sv, "", "", "", "Debian 12 inetutils-telnetd"},
      {"\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f"sv, "", "", "", "RFC 857/858 echo and go-ahead offers"}}},
}};

constexpr std::array<std::string_view, 1> kPortNames = {"telnet"};

const TableIdentifier kTelnet({.family = "telnet", .speaks_first = true, .port_names = kPortNames, .rules = kRules});

}  // namespace

const Identifier& telnet_identifier() { return kTelnet; }

}  // namespace portauth::service
