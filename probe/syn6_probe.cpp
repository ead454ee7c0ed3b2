#include "probe/syn6_probe.h"

namespace portauth::probe {

Syn6Probe::Syn6Probe(std::span<const uint8_t> ip_template, const ProbeSpace& space, const CookieKey& key,
                     SourcePorts ports)
    : syn_(ip_template), key_(key), ports_(ports), validator_(space, key, syn_.source_ip(), ports.first, ports.count) {}

std::string Syn6Probe::capture_filter() const { return syn6_reply_filter(syn_.source_ip(), ports_); }

std::string syn6_reply_filter(const config::Address& our_ip, SourcePorts ports) {
  const std::string ip = config::format_ipv6(our_ip);
  const std::string first = std::to_string(ports.first), last = std::to_string(ports.first + ports.count - 1);
  // libpcap cannot index TCP behind IPv6 (tcp[] is IPv4 only), so the offsets are explicit:
  // ip6[6] is the next header, the TCP header starts at 40 (ports at 42, flags at 53), the
  // ICMPv6 type at 40. RST (0x04) or ACK (0x10): our own SYNs never match, even on loopback.
  // Next header 0, 43, 44 or 60 (hop-by-hop, routing, fragment, destination options): the
  // reply sits behind an extension header, and the parser decides.
  return "ip6 dst host " + ip + " and ((ip6[6] == 6 and ip6[42:2] >= " + first + " and ip6[42:2] <= " + last +
         " and ip6[53] & 0x14 != 0) or (ip6[6] == 58 and ip6[40] == 1) or ip6[6] == 0 or ip6[6] == 43 or "
         "ip6[6] == 44 or ip6[6] == 60)";
}

}  // namespace portauth::probe
