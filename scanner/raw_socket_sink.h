// The wire: a raw IPv4 socket and/or a raw IPv6 socket (IPPROTO_RAW, so the kernel takes our
// IP header as is; on an AF_INET6 socket IPPROTO_RAW implies IPV6_HDRINCL) bound to one
// interface, fed with sendmmsg(2) a batch at a time. A mixed batch goes out as one call per
// family, each family's packets in their order.
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
  // Opens a socket for each family asked for. Throws SetupError (with the privilege hint on
  // EPERM/EACCES). A packet of a family without a socket is not sent (a send error).
  explicit RawSocketSink(const std::string& interface, bool ipv4 = true, bool ipv6 = false);
  ~RawSocketSink() override;
  RawSocketSink(const RawSocketSink&) = delete;
  RawSocketSink& operator=(const RawSocketSink&) = delete;

  size_t send(const OutPacket* packets, size_t n) override;

 private:
  int fd4_ = -1, fd6_ = -1;
  unsigned scope_id_ = 0;  // the interface's index, for link-local IPv6 destinations
};

}  // namespace portauth::scanner
