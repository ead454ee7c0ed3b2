#include "config/ipv4.h"

#include <charconv>

namespace portauth::config {

std::optional<uint32_t> parse_ipv4(std::string_view text, std::string* why) {
  auto fail = [&](std::string reason) -> std::optional<uint32_t> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  uint32_t addr = 0;
  size_t pos = 0;
  for (int octet = 1; octet <= 4; ++octet) {
    size_t end = text.find('.', pos);
    if (octet == 4) {
      if (end != std::string_view::npos) return fail("more than four octets");
      end = text.size();
    } else if (end == std::string_view::npos) {
      return fail("expected four octets separated by '.'");
    }
    std::string_view part = text.substr(pos, end - pos);
    if (part.empty()) return fail("octet " + std::to_string(octet) + " is empty");
    if (part.size() > 3) return fail("octet " + std::to_string(octet) + " '" + std::string(part) + "' is too long");
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || ptr != part.data() + part.size())
      return fail("octet " + std::to_string(octet) + " '" + std::string(part) + "' is not a number");
    if (value > 255)
      return fail("octet " + std::to_string(octet) + " is " + std::to_string(value) + ", must be 0-255");
    addr = (addr << 8) | value;
    pos = end + 1;
  }
  return addr;
}

std::string format_ipv4(uint32_t addr) {
  return std::to_string(addr >> 24) + "." + std::to_string((addr >> 16) & 0xff) + "." +
         std::to_string((addr >> 8) & 0xff) + "." + std::to_string(addr & 0xff);
}

}  // namespace portauth::config
