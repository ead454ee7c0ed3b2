#include "probe/icmp_echo.h"

#include <stdexcept>

#include "probe/libnet_builder.h"

namespace portauth::probe {
namespace {

// What ping(8) carries after its timestamp: recognisable in a capture, no meaning otherwise.
constexpr char kPayload[kIcmpEchoPayloadSize + 1] = "portauth TruStealth ping check..";

}  // namespace

std::vector<uint8_t> build_icmp_echo(const IcmpEchoOptions& o) {
  LibnetBuilder b;
  if (!o.source_ip.is_v4() || !o.destination_ip.is_v4()) {
    // ICMPv6 echo request (RFC 4443 4.1); libnet sums the IPv6 pseudo header into its checksum.
    b.check(libnet_build_icmpv6_echo(ICMP6_ECHO, 0, 0, o.id, o.sequence,
                                     reinterpret_cast<uint8_t*>(const_cast<char*>(kPayload)), kIcmpEchoPayloadSize,
                                     b.get(), 0),
            "icmpv6 echo header");
    libnet_in6_addr src{}, dst{};
    o.source_ip.to_bytes(src.__u6_addr.__u6_addr8);
    o.destination_ip.to_bytes(dst.__u6_addr.__u6_addr8);
    b.check(libnet_build_ipv6(0, 0, uint16_t(kIcmp6EchoPacketSize - 40), IPPROTO_ICMPV6, o.ttl, src, dst, nullptr, 0,
                              b.get(), 0),
            "ipv6 header");
    const std::vector<uint8_t> bytes = b.bytes();
    if (bytes.size() != kIcmp6EchoPacketSize) throw std::runtime_error("libnet: icmpv6 echo: unexpected packet size");
    return bytes;
  }

  // Checksums passed as 0: libnet fills both in when it coalesces the packet.
  b.check(libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, o.id, o.sequence, reinterpret_cast<const uint8_t*>(kPayload),
                                   kIcmpEchoPayloadSize, b.get(), 0),
          "icmp echo header");
  b.check(libnet_build_ipv4(uint16_t(kIcmpEchoPacketSize), 0, 0, 0, o.ttl, IPPROTO_ICMP, 0,
                            htonl(o.source_ip.v4()), htonl(o.destination_ip.v4()), nullptr, 0, b.get(), 0),
          "ipv4 header");
  const std::vector<uint8_t> bytes = b.bytes();
  if (bytes.size() != kIcmpEchoPacketSize) throw std::runtime_error("libnet: icmp echo: unexpected packet size");
  return bytes;
}

}  // namespace portauth::probe
