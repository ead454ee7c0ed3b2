#include "config/port_spec.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <charconv>
#include <memory>
#include <string>

#include "config/spec_error.h"

namespace portauth::config {
namespace {

[[noreturn]] void bad(std::string_view spec, const std::string& why) {
  throw SpecError("bad port list '" + std::string(spec) + "': " + why);
}

uint16_t port_or_throw(std::string_view spec, std::string_view text) {
  if (text.empty()) bad(spec, "a range is missing a number");
  unsigned long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && ptr == text.data() + text.size() && value > 65535))
    bad(spec, "port " + std::string(text) + " is out of range 0-65535");
  if (ec != std::errc() || ptr != text.data() + text.size())
    bad(spec, "'" + std::string(text) + "' is not a port number");
  return uint16_t(value);
}

using PortBits = std::bitset<65536>;

std::vector<uint16_t> to_list(const PortBits& seen) {
  std::vector<uint16_t> ports;
  ports.reserve(seen.count());
  for (uint32_t p = 0; p < 65536; ++p)
    if (seen.test(p)) ports.push_back(uint16_t(p));
  return ports;
}

// Walks the comma items of `spec`, calling add(item, lo, hi) for each; `item` has its
// surrounding blanks removed (and is what a prefix check looks at).
template <class Add>
void for_each_item(std::string_view spec, Add&& add) {
  if (spec.empty()) throw SpecError("empty port list");
  std::string_view rest = spec;
  while (true) {
    const size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) bad(spec, "empty item (two commas in a row, or a leading/trailing comma)");
    add(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
}

void add_item(std::string_view spec, std::string_view item, PortBits& seen) {
  if (item.empty()) bad(spec, "a protocol prefix with no port after it");
  uint16_t lo, hi;
  if (item == "-") {
    lo = 0;
    hi = 65535;
  } else if (auto dash = item.find('-'); dash != std::string_view::npos) {
    lo = port_or_throw(spec, item.substr(0, dash));
    hi = port_or_throw(spec, item.substr(dash + 1));
    if (hi < lo) bad(spec, "range " + std::string(item) + " ends below its start");
  } else {
    lo = hi = port_or_throw(spec, item);
  }
  for (uint32_t p = lo; p <= hi; ++p) seen.set(p);
}

}  // namespace

std::vector<uint16_t> parse_ports(std::string_view spec) {
  auto seen = std::make_unique<PortBits>();
  for_each_item(spec, [&](std::string_view item) { add_item(spec, item, *seen); });
  return to_list(*seen);
}

PortSpecParts parse_port_spec(std::string_view spec) {
  auto bits = std::make_unique<std::array<PortBits, 3>>();  // plain, tcp, udp
  size_t side = 0;
  for_each_item(spec, [&](std::string_view item) {
    if (item.size() >= 2 && item[1] == ':') {
      switch (item[0]) {
        case 'T': case 't': side = 1; break;
        case 'U': case 'u': side = 2; break;
        case 'S': case 's':
          bad(spec, "'S:' asks for SCTP ports; portauth scans TCP (T:) and UDP (U:)");
        case 'P': case 'p':
          bad(spec, "'P:' asks for IP protocols (nmap's -sO); portauth scans TCP (T:) and UDP (U:) ports");
        default:
          bad(spec, "'" + std::string(item.substr(0, 2)) + "' is not a protocol prefix (T: or U:)");
      }
      item.remove_prefix(2);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    }
    add_item(spec, item, (*bits)[side]);
  });
  return {to_list((*bits)[0]), to_list((*bits)[1]), to_list((*bits)[2])};
}

std::string format_ports(const std::vector<uint16_t>& ports) {
  std::string out;
  for (size_t i = 0; i < ports.size();) {
    size_t j = i;
    while (j + 1 < ports.size() && ports[j + 1] == ports[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(ports[i]);
    if (j > i) out += '-' + std::to_string(ports[j]);
    i = j + 1;
  }
  return out;
}

std::string format_port_spec(const std::vector<uint16_t>& tcp, const std::vector<uint16_t>& udp) {
  if (udp.empty()) return format_ports(tcp);
  std::string out;
  if (!tcp.empty()) out = "T:" + format_ports(tcp) + ",";
  return out + "U:" + format_ports(udp);
}

}  // namespace portauth::config
