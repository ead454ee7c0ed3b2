// VNC, the Remote Framebuffer protocol (RFC 6143 7.1.1): the server opens with its version,
// exactly 12 bytes "RFB xxx.yyy\n".
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

bool digits(std::string_view s) {
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

const std::array<Rule, 1> kRules = {{
    {"vnc.rfb", "vnc",
     [](std::string_view b, Identified& o) {
       if (b.size() < 12 || !text::starts_with(b, "RFB ") || b[7] != '.' || b[11] != '\n' || !digits(b.substr(4, 3)) ||
           !digits(b.substr(8, 3)))
         return false;
       // "003.008" -> "3.8"
       const int major = std::stoi(std::string(b.substr(4, 3))), minor = std::stoi(std::string(b.substr(8, 3)));
       o.extrainfo = "protocol " + std::to_string(major) + "." + std::to_string(minor);
       return true;
     },
     {{"RFB 003.008\n"sv, "", "", "protocol 3.8", "RFC 6143 7.1.1 (TigerVNC, x11vnc)"},
      {"RFB 003.889\n"sv, "", "", "protocol 3.889", "Apple Remote Desktop"}}},
}};

constexpr std::array<std::string_view, 3> kPortNames = {"vnc", "rfb", "vnc-server"};

const TableIdentifier kVnc({.family = "vnc", .speaks_first = true, .port_names = kPortNames, .rules = kRules});

}  // namespace

const Identifier& vnc_identifier() { return kVnc; }

}  // namespace portauth::service
