#include "config/address.h"

#include <cstdio>

#include "config/ipv4.h"

namespace portauth::config {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Address> parse_ipv6(std::string_view text, std::string* why) {
  auto fail = [&](std::string reason) -> std::optional<Address> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  if (text.empty()) return fail("empty address");
  if (text.size() > 45) return fail("too long for an IPv6 address");
  uint16_t groups[8] = {};
  int count = 0;     // groups written so far
  int gap = -1;      // where '::' stands (a group index), or -1
  size_t pos = 0;
  if (text.substr(0, 2) == "::") {
    gap = 0;
    pos = 2;
    if (pos == text.size()) return Address{};
  } else if (text.front() == ':') {
    return fail("starts with a single ':'");
  }
  while (pos < text.size()) {
    const size_t end = std::min(text.find(':', pos), text.size());
    const std::string_view part = text.substr(pos, end - pos);
    if (part.empty()) return fail("empty group");
    if (part.find('.') != std::string_view::npos) {
      // A trailing dotted quad fills the last two groups (::ffff:1.2.3.4, 64:ff9b::1.2.3.4).
      if (end != text.size()) return fail("a dotted quad may only end the address");
      if (count > 6) return fail("more than eight groups");
      std::string v4why;
      const auto v4 = parse_ipv4(part, &v4why);
      if (!v4) return fail("embedded IPv4 '" + std::string(part) + "': " + v4why);
      groups[count++] = uint16_t(*v4 >> 16);
      groups[count++] = uint16_t(*v4);
      pos = end;
      break;
    }
    if (part.size() > 4) return fail("group '" + std::string(part) + "' has more than four hex digits");
    unsigned v = 0;
    for (char c : part) {
      const int d = hex_digit(c);
      if (d < 0) return fail("'" + std::string(1, c) + "' is not a hex digit");
      v = (v << 4) | unsigned(d);
    }
    if (count == 8) return fail("more than eight groups");
    groups[count++] = uint16_t(v);
    pos = end;
    if (pos == text.size()) break;
    // pos is at ':'
    if (pos + 1 < text.size() && text[pos + 1] == ':') {
      if (gap >= 0) return fail("more than one '::'");
      gap = count;
      pos += 2;
      if (pos == text.size()) break;
      if (text[pos] == ':') return fail("':::' is not an address");
    } else {
      ++pos;
      if (pos == text.size()) return fail("ends with a single ':'");
    }
  }
  if (gap < 0 && count != 8) return fail("needs eight groups, or '::' for a run of zeros");
  if (gap >= 0 && count > 7) return fail("'::' must stand for at least one zero group");
  uint16_t full[8] = {};
  if (gap < 0) {
    for (int i = 0; i < 8; ++i) full[i] = groups[i];
  } else {
    for (int i = 0; i < gap; ++i) full[i] = groups[i];
    const int tail = count - gap;
    for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap + i];
  }
  Uint128 value = 0;
  for (uint16_t g : full) value = (value << 16) | g;
  return Address{value};
}

std::optional<Address> parse_address(std::string_view text, std::string* why) {
  if (text.find(':') == std::string_view::npos) {
    const auto v4 = parse_ipv4(text, why);
    if (!v4) return std::nullopt;
    return Address::v4(*v4);
  }
  return parse_ipv6(text, why);
}

std::string format_ipv6(const Address& a) {
  uint16_t g[8];
  for (int i = 0; i < 8; ++i) g[i] = uint16_t(a.value >> (16 * (7 - i)));
  // RFC 5952 4.2: the longest run of two or more zero groups becomes '::' (the first on a tie).
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) { ++i; continue; }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) { best = i; best_len = j - i; }
    i = j;
  }
  std::string out;
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", unsigned(g[i]));
    out += buf;
  }
  return out;
}

std::string format_address(const Address& a) { return a.is_v4() ? format_ipv4(a.v4()) : format_ipv6(a); }

}  // namespace portauth::config
