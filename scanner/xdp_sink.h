// The wire through AF_XDP: a TX-only XSK socket (libxdp's xsk API) bound to queue 0 of the
// interface in copy mode (XDP_COPY: veth and most drivers have no zero-copy TX), with frames
// built in a UMEM we own: the Ethernet header of the family's next hop, then the probe.
//
// No XDP program is loaded (XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD): a TX-only socket needs none,
// so nothing is attached to the interface and nothing is left behind if we die. The kernel
// builds an skb per frame and hands it straight to the driver (__dev_direct_xmit), like the
// TX ring with PACKET_QDISC_BYPASS: no routing, neighbour, netfilter or qdisc work, and the
// same limits (next_hop.h; invisible to the host's firewall and packet taps). In copy mode one
// sendto() pushes at most the socket's TX budget (32 frames; more where the kernel takes
// XDP_MAX_TX_SKB_BUDGET, Linux >= 6.17), so a batch costs a syscall per budget.
//
// Its own library (portauth_scanner_xdp), so only the live wire links libxdp and libbpf.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanner/packet_sink.h"

namespace portauth::scanner {

class XdpSink final : public PacketSink {
 public:
  using Mac = std::array<uint8_t, 6>;
  // Throws SetupError saying why an AF_XDP socket cannot be had (no kernel support, driver,
  // privileges: with the hint on EPERM).
  XdpSink(const std::string& interface, const Mac& our_mac, std::optional<Mac> hop_v4,
          std::optional<Mac> hop_v6 = std::nullopt);
  ~XdpSink() override;
  XdpSink(const XdpSink&) = delete;
  XdpSink& operator=(const XdpSink&) = delete;

  size_t send(const OutPacket* packets, size_t n) override;

 private:
  struct State;  // libxdp's types stay out of this header
  void reclaim();
  bool kick();
  bool kick_and_wait();
  std::unique_ptr<State> s_;
  std::array<uint8_t, 14> ether4_{}, ether6_{};
  bool have4_ = false, have6_ = false;
};

}  // namespace portauth::scanner
