#include "probe/syn_template.h"

#include "probe/libnet_builder.h"

namespace portauth::probe {

std::vector<uint8_t> build_syn_template(const SynTemplateOptions& o) {
  LibnetBuilder b;
  const uint8_t mss_option[4] = {2, 4, uint8_t(o.mss >> 8), uint8_t(o.mss & 0xff)};
  b.check(libnet_build_tcp_options(mss_option, sizeof mss_option, b.get(), 0), "tcp options");
  const uint16_t tcp_len = LIBNET_TCP_H + sizeof mss_option;
  b.check(libnet_build_tcp(0, 0, 0, 0, TH_SYN, o.window, 0, 0, tcp_len, nullptr, 0, b.get(), 0), "tcp header");
  b.check(libnet_build_ipv4(uint16_t(LIBNET_IPV4_H + tcp_len), 0, 0, 0, o.ttl, IPPROTO_TCP, 0, htonl(o.source_ip), 0,
                            nullptr, 0, b.get(), 0),
          "ipv4 header");
  return b.bytes();
}

std::vector<uint8_t> build_syn6_template(const Syn6TemplateOptions& o) {
  LibnetBuilder b;
  const uint8_t mss_option[4] = {2, 4, uint8_t(o.mss >> 8), uint8_t(o.mss & 0xff)};
  b.check(libnet_build_tcp_options(mss_option, sizeof mss_option, b.get(), 0), "tcp options");
  const uint16_t tcp_len = LIBNET_TCP_H + sizeof mss_option;
  b.check(libnet_build_tcp(0, 0, 0, 0, TH_SYN, o.window, 0, 0, tcp_len, nullptr, 0, b.get(), 0), "tcp header");
  libnet_in6_addr src{}, dst{};
  o.source_ip.to_bytes(src.__u6_addr.__u6_addr8);
  b.check(libnet_build_ipv6(0, 0, tcp_len, IPPROTO_TCP, o.hop_limit, src, dst, nullptr, 0, b.get(), 0),
          "ipv6 header");
  return b.bytes();
}

}  // namespace portauth::probe
