#include "probe/libnet_builder.h"

#include <stdexcept>
#include <string>

namespace portauth::probe {

LibnetBuilder::LibnetBuilder() {
  char errbuf[LIBNET_ERRBUF_SIZE] = {};
  l_.reset(libnet_init(LIBNET_NONE, nullptr, errbuf));
  if (!l_) throw std::runtime_error(std::string("libnet_init: ") + errbuf);
}

void LibnetBuilder::check(long rc, const char* what) const {
  if (rc == -1) throw std::runtime_error(std::string("libnet: ") + what + ": " + libnet_geterror(l_.get()));
}

std::vector<uint8_t> LibnetBuilder::bytes() const {
  uint8_t* packet = nullptr;
  uint32_t size = 0;
  check(libnet_pblock_coalesce(l_.get(), &packet, &size), "coalesce");
  std::vector<uint8_t> out(packet, packet + size);
  libnet_adv_free_packet(l_.get(), packet);  // undoes libnet's alignment offset, then frees
  return out;
}

}  // namespace portauth::probe
