// IPv4 address text <-> host-order integer. Strict dotted-quad only: four decimal octets
// 0-255, no leading '+', no octal, no shorthand ("10.1" is rejected, unlike inet_aton).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portauth::config {

// Parses "a.b.c.d". On failure returns nullopt and, if `why` is given, a short reason
// ("octet 4 is 256, must be 0-255").
std::optional<uint32_t> parse_ipv4(std::string_view text, std::string* why = nullptr);

std::string format_ipv4(uint32_t addr);

}  // namespace portauth::config
