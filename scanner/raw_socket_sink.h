// The wire: a raw IPv4 socket (IPPROTO_RAW, so the kernel takes our IP header as is) bound
// to one interface, fed with sendmmsg(2) a batch at a time.
//
// Why raw IP and not link-layer frames: the kernel resolves the next hop and its MAC for us
// (neighbour cache, policy routing, gateways), which works unchanged on Ethernet, veth,
// loopback, tun and WireGuard interfaces; sendmmsg amortises the syscall over a batch.
// The cost is a route lookup per packet inside the kernel.
#pragma once
#include <string>

#include "scanner/packet_sink.h"

namespace portauth::scanner {

class RawSocketSink final : public PacketSink {
 public:
  // Throws SetupError (with the privilege hint on EPERM/EACCES).
  explicit RawSocketSink(const std::string& interface);
  ~RawSocketSink() override;
  RawSocketSink(const RawSocketSink&) = delete;
  RawSocketSink& operator=(const RawSocketSink&) = delete;

  size_t send(const OutPacket* packets, size_t n) override;

 private:
  int fd_ = -1;
};

}  // namespace portauth::scanner
