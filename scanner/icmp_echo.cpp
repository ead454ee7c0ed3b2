#include "icmp_echo.h"

#include <libnet.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace portauth::scanner {
namespace {

struct LibnetDeleter {
  void operator()(libnet_t* l) const { libnet_destroy(l); }
};
using LibnetPtr = std::unique_ptr<libnet_t, LibnetDeleter>;

[[noreturn]] void fail(libnet_t* l, const char* what) {
  throw std::runtime_error(std::string("libnet: ") + what + ": " + (l ? libnet_geterror(l) : "init failed"));
}

// What ping(8) carries after its timestamp: recognisable in a capture, no meaning otherwise.
constexpr char kPayload[kIcmpEchoPayloadSize + 1] = "portauth TruStealth ping check..";

}  // namespace

std::vector<uint8_t> build_icmp_echo(const IcmpEchoOptions& o) {
  char errbuf[LIBNET_ERRBUF_SIZE] = {};
  LibnetPtr l(libnet_init(LIBNET_NONE, nullptr, errbuf));
  if (!l) throw std::runtime_error(std::string("libnet_init: ") + errbuf);

  // Checksums passed as 0: libnet fills both in when it coalesces the packet.
  if (libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, o.id, o.sequence, reinterpret_cast<const uint8_t*>(kPayload),
                               kIcmpEchoPayloadSize, l.get(), 0) == -1)
    fail(l.get(), "icmp echo header");
  if (libnet_build_ipv4(uint16_t(kIcmpEchoPacketSize), 0, 0, 0, o.ttl, IPPROTO_ICMP, 0, htonl(o.source_ip),
                        htonl(o.destination_ip), nullptr, 0, l.get(), 0) == -1)
    fail(l.get(), "ipv4 header");

  uint8_t* packet = nullptr;
  uint32_t size = 0;
  if (libnet_pblock_coalesce(l.get(), &packet, &size) == -1) fail(l.get(), "coalesce");
  std::vector<uint8_t> bytes(packet, packet + size);
  libnet_adv_free_packet(l.get(), packet);
  if (bytes.size() != kIcmpEchoPacketSize) throw std::runtime_error("libnet: icmp echo: unexpected packet size");
  return bytes;
}

}  // namespace portauth::scanner
