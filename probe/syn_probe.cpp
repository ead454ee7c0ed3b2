#include "probe/syn_probe.h"

#include "config/ipv4.h"

namespace portauth::probe {

SynProbe::SynProbe(std::span<const uint8_t> ip_template, const ProbeSpace& space, const CookieKey& key,
                   SourcePorts ports)
    : syn_(ip_template), key_(key), ports_(ports), validator_(space, key, config::Address::v4(syn_.source_ip()), ports.first, ports.count) {}

std::string SynProbe::capture_filter() const { return syn_reply_filter(syn_.source_ip(), ports_); }

std::string syn_reply_filter(uint32_t our_ip, SourcePorts ports) {
  const std::string ip = config::format_ipv4(our_ip);
  const std::string range = std::to_string(ports.first) + "-" + std::to_string(ports.first + ports.count - 1);
  // TCP: only RST or ACK-bearing segments to our ports (our own SYNs never match, even on
  // loopback). ICMP: destination unreachable only; classify() checks the quote.
  return "(tcp and dst host " + ip + " and dst portrange " + range +
         " and tcp[tcpflags] & (tcp-rst|tcp-ack) != 0) or (icmp and dst host " + ip +
         " and icmp[icmptype] == icmp-unreach)";
}

}  // namespace portauth::probe
