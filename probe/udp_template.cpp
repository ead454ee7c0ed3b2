#include "probe/udp_template.h"

#include "probe/libnet_builder.h"

namespace portauth::probe {

std::vector<uint8_t> build_udp_template(const config::Address& source, uint8_t ttl) {
  LibnetBuilder b;
  b.check(libnet_build_udp(0, 0, LIBNET_UDP_H, 0, nullptr, 0, b.get(), 0), "udp header");
  if (source.is_v4()) {
    b.check(libnet_build_ipv4(uint16_t(LIBNET_IPV4_H + LIBNET_UDP_H), 0, 0, 0, ttl, IPPROTO_UDP, 0,
                              htonl(source.v4()), 0, nullptr, 0, b.get(), 0),
            "ipv4 header");
  } else {
    libnet_in6_addr src{}, dst{};
    source.to_bytes(src.__u6_addr.__u6_addr8);
    b.check(libnet_build_ipv6(0, 0, LIBNET_UDP_H, IPPROTO_UDP, ttl, src, dst, nullptr, 0, b.get(), 0), "ipv6 header");
  }
  return b.bytes();
}

}  // namespace portauth::probe
