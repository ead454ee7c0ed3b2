#include "web/forwarded.h"

#include <algorithm>

#include "web/request.h"

namespace portauth::web {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "a.b.c.d", "a.b.c.d:port", "[v6]", "[v6]:port", and with `bare_v6` a bare IPv6 address.
std::optional<config::Address> parse_node(std::string_view s, bool bare_v6) {
  if (s.empty()) return std::nullopt;
  if (s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = s.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && all_digits(rest.substr(1)))) return std::nullopt;
    return config::parse_ipv6(s.substr(1, close - 1));
  }
  const size_t colon = s.find(':');
  if (colon != std::string_view::npos && s.find(':', colon + 1) == std::string_view::npos) {
    // One colon: IPv4 with a port.
    if (!all_digits(s.substr(colon + 1))) return std::nullopt;
    const auto a = config::parse_address(s.substr(0, colon));
    return a && a->is_v4() ? a : std::nullopt;
  }
  if (colon != std::string_view::npos && !bare_v6) return std::nullopt;
  return config::parse_address(s);
}

// Splits every line on `sep`, trimmed; false when there are too many items.
bool split_lines(const std::vector<std::string>& lines, char sep, std::vector<std::string_view>& items) {
  for (const std::string& line : lines) {
    size_t pos = 0;
    while (pos <= line.size()) {
      size_t end = line.find(sep, pos);
      if (end == std::string::npos) end = line.size();
      items.push_back(trim_ows(std::string_view(line).substr(pos, end - pos)));
      if (items.size() > kMaxForwardedHops) return false;
      pos = end + 1;
    }
  }
  return true;
}

// One RFC 7239 element ("for=...;proto=http;by=..."): the for= value, unquoted. nullopt when the
// element is malformed; "" when it has no for= parameter.
std::optional<std::string> forwarded_for(std::string_view element) {
  std::string found;
  size_t pos = 0;
  while (pos < element.size()) {
    const size_t eq = element.find('=', pos);
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view name = trim_ows(element.substr(pos, eq - pos));
    std::string value;
    size_t i = eq + 1;
    while (i < element.size() && element[i] == ' ') ++i;
    if (i < element.size() && element[i] == '"') {
      ++i;
      bool closed = false;
      for (; i < element.size(); ++i) {
        if (element[i] == '\\' && i + 1 < element.size()) {
          value += element[++i];
        } else if (element[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value += element[i];
        }
      }
      if (!closed) return std::nullopt;
      while (i < element.size() && element[i] == ' ') ++i;
      if (i < element.size() && element[i] != ';') return std::nullopt;
    } else {
      const size_t end = std::min(element.find(';', i), element.size());
      value = std::string(trim_ows(element.substr(i, end - i)));
      i = end;
    }
    if (name.size() == 3 && (name[0] | 0x20) == 'f' && (name[1] | 0x20) == 'o' && (name[2] | 0x20) == 'r') {
      if (!found.empty() || value.empty()) return std::nullopt;  // two for= in one element
      found = value;
    }
    pos = i < element.size() ? i + 1 : i;  // past the ';'
  }
  return found;
}

}  // namespace

std::optional<std::vector<ForwardedHop>> parse_x_forwarded_for(const std::vector<std::string>& lines) {
  std::vector<std::string_view> items;
  if (!split_lines(lines, ',', items)) return std::nullopt;
  std::vector<ForwardedHop> hops;
  for (std::string_view item : items) {
    const auto a = parse_node(item, /*bare_v6=*/true);
    if (!a) return std::nullopt;
    hops.push_back({*a});
  }
  return hops;
}

std::optional<std::vector<ForwardedHop>> parse_forwarded(const std::vector<std::string>& lines) {
  // Commas inside quoted strings would split an element; a for= value never holds one, and a
  // quoted string split that way fails to parse (an unterminated quote): refused, not misread.
  std::vector<std::string_view> items;
  if (!split_lines(lines, ',', items)) return std::nullopt;
  std::vector<ForwardedHop> hops;
  for (std::string_view item : items) {
    const auto value = forwarded_for(item);
    if (!value) return std::nullopt;
    if (value->empty()) continue;  // an element without for= (only by=, proto=, ...)
    if (*value == "unknown" || value->front() == '_') {
      hops.push_back({std::nullopt});
      continue;
    }
    const auto a = parse_node(*value, /*bare_v6=*/false);
    if (!a) return std::nullopt;
    hops.push_back({*a});
  }
  return hops;
}

std::optional<config::Address> client_from_chain(const std::vector<ForwardedHop>& hops,
                                                 const config::RangeSet& trusted) {
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!it->address) return std::nullopt;
    if (!trusted.contains(*it->address)) return it->address;
  }
  if (hops.empty()) return std::nullopt;
  return hops.front().address;
}

}  // namespace portauth::web
