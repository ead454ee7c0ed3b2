#include "config/target_spec.h"

#include <charconv>
#include <string>

#include "config/ipv4.h"
#include "config/spec_error.h"

namespace portauth::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void bad(std::string_view text, const std::string& why) {
  throw SpecError("bad target '" + std::string(text) + "': " + why);
}

uint32_t address_or_throw(std::string_view whole, std::string_view part) {
  std::string why;
  auto addr = parse_ipv4(part, &why);
  if (!addr) bad(whole, why);
  return *addr;
}

}  // namespace

Ipv4Range parse_target(std::string_view raw) {
  const std::string_view text = trim(raw);
  if (text.empty()) throw SpecError("empty target");
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    const uint32_t base = address_or_throw(text, text.substr(0, slash));
    std::string_view bits_text = text.substr(slash + 1);
    int bits = -1;
    auto [ptr, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
    if (bits_text.empty() || ec != std::errc() || ptr != bits_text.data() + bits_text.size() ||
        bits < 0 || bits > 32)
      bad(text, "prefix length '/" + std::string(bits_text) + "' must be 0-32");
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return {base & mask, (base & mask) | ~mask};
  }
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    const uint32_t first = address_or_throw(text, text.substr(0, dash));
    std::string_view end_text = text.substr(dash + 1);
    uint32_t last;
    if (end_text.find('.') == std::string_view::npos) {
      unsigned octet = 256;
      auto [ptr, ec] = std::from_chars(end_text.data(), end_text.data() + end_text.size(), octet);
      if (end_text.empty() || ec != std::errc() || ptr != end_text.data() + end_text.size() || octet > 255)
        bad(text, "range end '" + std::string(end_text) + "' must be an address or a last octet 0-255");
      last = (first & 0xffffff00u) | octet;
    } else {
      last = address_or_throw(text, end_text);
    }
    if (last < first) bad(text, "range end is below its start");
    return {first, last};
  }
  const uint32_t addr = address_or_throw(text, text);
  return {addr, addr};
}

RangeSet parse_targets(const std::vector<std::string>& specs) {
  std::vector<Ipv4Range> ranges;
  for (const auto& spec : specs) {
    std::string_view rest = spec;
    if (trim(rest).empty()) throw SpecError("empty target");
    while (true) {
      const size_t comma = rest.find(',');
      ranges.push_back(parse_target(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return RangeSet(std::move(ranges));
}

}  // namespace portauth::config
