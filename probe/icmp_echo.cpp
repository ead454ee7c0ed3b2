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

  // Checksums passed as 0: libnet fills both in when it coalesces the packet.
  b.check(libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, o.id, o.sequence, reinterpret_cast<const uint8_t*>(kPayload),
                                   kIcmpEchoPayloadSize, b.get(), 0),
          "icmp echo header");
  b.check(libnet_build_ipv4(uint16_t(kIcmpEchoPacketSize), 0, 0, 0, o.ttl, IPPROTO_ICMP, 0, htonl(o.source_ip),
                            htonl(o.destination_ip), nullptr, 0, b.get(), 0),
          "ipv4 header");
  const std::vector<uint8_t> bytes = b.bytes();  if (bytes.size() != kIcmpEchoPacketSize) throw std::runtime_error("libnet: icmp echo: unexpected packet size");
  return bytes;
}

}  // namespace portauth::probe
