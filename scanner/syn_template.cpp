#include "syn_template.h"

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

}  // namespace

std::vector<uint8_t> build_syn_template(const SynTemplateOptions& o) {
  char errbuf[LIBNET_ERRBUF_SIZE] = {};
  LibnetPtr l(libnet_init(LIBNET_NONE, nullptr, errbuf));
  if (!l) throw std::runtime_error(std::string("libnet_init: ") + errbuf);

  const uint8_t mss_option[4] = {2, 4, uint8_t(o.mss >> 8), uint8_t(o.mss & 0xff)};
  if (libnet_build_tcp_options(mss_option, sizeof mss_option, l.get(), 0) == -1) fail(l.get(), "tcp options");
  const uint16_t tcp_len = LIBNET_TCP_H + sizeof mss_option;
  if (libnet_build_tcp(0, 0, 0, 0, TH_SYN, o.window, 0, 0, tcp_len, nullptr, 0, l.get(), 0) == -1)
    fail(l.get(), "tcp header");
  if (libnet_build_ipv4(uint16_t(LIBNET_IPV4_H + tcp_len), 0, 0, 0, o.ttl, IPPROTO_TCP, 0,
                        htonl(o.source_ip), 0, nullptr, 0, l.get(), 0) == -1)
    fail(l.get(), "ipv4 header");

  uint8_t* packet = nullptr;
  uint32_t size = 0;
  if (libnet_pblock_coalesce(l.get(), &packet, &size) == -1) fail(l.get(), "coalesce");
  std::vector<uint8_t> bytes(packet, packet + size);
  libnet_adv_free_packet(l.get(), packet);  // undoes libnet's alignment offset, then frees
  return bytes;
}

}  // namespace portauth::scanner
