#include "config/target_spec.h"

#include <cctype>
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

Address address_or_throw(std::string_view whole, std::string_view part) {
  std::string why;
  auto addr = parse_address(part, &why);
  if (!addr) bad(whole, why);
  return *addr;
}

// An interface name as Linux allows it (IFNAMSIZ - 1 = 15 characters), or an index.
bool valid_zone(std::string_view z) {
  if (z.empty() || z.size() > 15) return false;
  for (unsigned char c : z)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

AddressRange prefix(std::string_view text, std::string_view addr_text, std::string_view bits_text) {
  const Address base = address_or_throw(text, addr_text);
  // An IPv4 prefix counts bits of the 32-bit address; its mapped form adds 96 in front.
  const bool v4 = addr_text.find(':') == std::string_view::npos;
  const int max_bits = v4 ? 32 : 128;
  int bits = -1;
  auto [ptr, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
  if (bits_text.empty() || ec != std::errc() || ptr != bits_text.data() + bits_text.size() || bits < 0 ||
      bits > max_bits)
    bad(text, "prefix length '/" + std::string(bits_text) + "' must be 0-" + std::to_string(max_bits));
  const int total = v4 ? bits + 96 : bits;
  const Uint128 mask = total == 0 ? 0 : ~Uint128{0} << (128 - total);
  return {Address{base.value & mask}, Address{(base.value & mask) | ~mask}};
}

}  // namespace

AddressRange parse_target(std::string_view raw, std::string* zone) {
  std::string_view text = trim(raw);
  if (text.empty()) throw SpecError("empty target");
  const std::string_view whole = text;
  std::string stripped;  // the target without its zone, for the grammar below
  if (auto pct = text.find('%'); pct != std::string_view::npos) {
    std::string_view rest = text.substr(pct + 1);
    const size_t end = rest.find('/');
    const std::string_view z = rest.substr(0, end);
    if (text.find(':') == std::string_view::npos) bad(whole, "a %zone belongs to an IPv6 address");
    if (!zone) bad(whole, "a %zone is not allowed here");
    if (!valid_zone(z)) bad(whole, "zone '" + std::string(z) + "' is not an interface name");
    *zone = std::string(z);
    stripped = std::string(text.substr(0, pct)) + (end == std::string_view::npos ? "" : std::string(rest.substr(end)));
    text = stripped;
  }
  if (auto slash = text.find('/'); slash != std::string_view::npos)
    return prefix(whole, text.substr(0, slash), text.substr(slash + 1));
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    const Address first = address_or_throw(whole, text.substr(0, dash));
    std::string_view end_text = text.substr(dash + 1);
    Address last;
    if (first.is_v4() && end_text.find('.') == std::string_view::npos && end_text.find(':') == std::string_view::npos) {
      unsigned octet = 256;
      auto [ptr, ec] = std::from_chars(end_text.data(), end_text.data() + end_text.size(), octet);
      if (end_text.empty() || ec != std::errc() || ptr != end_text.data() + end_text.size() || octet > 255)
        bad(whole, "range end '" + std::string(end_text) + "' must be an address or a last octet 0-255");
      last = Address::v4((first.v4() & 0xffffff00u) | octet);
    } else {
      last = address_or_throw(whole, end_text);
      if (first.is_v4() != last.is_v4()) bad(whole, "a range cannot go from one address family to the other");
    }
    if (last < first) bad(whole, "range end is below its start");
    return {first, last};
  }
  const Address addr = address_or_throw(whole, text);
  return {addr, addr};
}

RangeSet parse_targets(const std::vector<std::string>& specs) {
  std::vector<AddressRange> ranges;
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
