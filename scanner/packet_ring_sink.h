// The wire, link layer: a PACKET_MMAP TX ring (TPACKET_V2) on an AF_PACKET socket with
// PACKET_QDISC_BYPASS. A batch is copied into shared ring frames behind a fixed Ethernet
// header (one per family: IPv4 and IPv6 may have different next hops) and handed to the
// kernel with ONE send() call; the kernel then pushes every frame
// straight to the driver, skipping the IP layer (no route or neighbour lookup, no netfilter
// OUTPUT hook) and the queueing discipline.
//
// What it costs (why raw IP stays the simpler path, see raw_socket_sink.h):
//   - Ethernet-like interfaces only, and one next-hop MAC per family for every target
//     (next_hop.h): targets behind one gateway, or a single target on the local link;
//   - our SYNs bypass the qdisc, so they are invisible to packet taps on the sending host
//     (tcpdump there sees the replies only) and to the host's own firewall;
//   - nothing queues for us: a NIC whose transmit queue is full drops the frame (the qdisc
//     would have held it), so an unpaced scan (--rate max) on a real NIC can lose probes
//     there; pace it below the NIC's rate. (veth, the lab, never stops its queue.)
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "scanner/packet_sink.h"

namespace portauth::scanner {

class PacketRingSink final : public PacketSink {
 public:
  using Mac = std::array<uint8_t, 6>;
  // Frames of a family without a next hop are not sent (send errors). Throws SetupError (with
  // the privilege hint on EPERM/EACCES).
  PacketRingSink(const std::string& interface, const Mac& our_mac, std::optional<Mac> hop_v4,
                 std::optional<Mac> hop_v6 = std::nullopt);
  ~PacketRingSink() override;
  PacketRingSink(const PacketRingSink&) = delete;
  PacketRingSink& operator=(const PacketRingSink&) = delete;

  // Copies up to the free ring frames, kicks the kernel once; when the ring is full it
  // kicks, waits for frames to come back (bounded), then continues. Returns packets queued.
  size_t send(const OutPacket* packets, size_t n) override;

 private:
  bool wait_for_frame(uint8_t* frame);
  int fd_ = -1;
  uint8_t* ring_ = nullptr;
  size_t ring_bytes_ = 0;
  unsigned frame_count_ = 0;
  unsigned head_ = 0;  // next frame to fill
  std::array<uint8_t, 14> ether4_{}, ether6_{};
  bool have4_ = false, have6_ = false;
};

}  // namespace portauth::scanner
