#include "scanner/packet_ring_sink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "common/setup_error.h"
#include "probe/syn6_packet.h"
#include "probe/syn_packet.h"

namespace portauth::scanner {
namespace {

// 128-byte frames: the 32-byte tpacket2 header + 14 Ethernet + at most 64 IP bytes fit, and
// 32 frames share a page. 256 blocks = 8192 frames (1 MiB): ~8 ms of traffic at 1 Mpps, so
// the sender refills while the kernel drains.
constexpr unsigned kFrameSize = 128;
constexpr unsigned kBlockSize = 4096;
constexpr unsigned kBlocks = 256;
// Where the kernel reads a frame's data on a V2 TX ring without PACKET_TX_HAS_OFF.
constexpr size_t kDataOffset = TPACKET2_HDRLEN - sizeof(sockaddr_ll);
constexpr size_t kMaxIpLen = kFrameSize - kDataOffset - 14;
static_assert(probe::SynPacket::kMaxLen <= kMaxIpLen && probe::Syn6Packet::kMaxLen <= kMaxIpLen);

[[noreturn]] void fail(const std::string& what, int err) {
  std::string msg = "cannot set up the TX ring: " + what + ": " + std::strerror(err);
  if (err == EPERM || err == EACCES) msg += std::string("; ") + common::kPrivilegeHint;
  throw common::SetupError(msg);
}

// The frame's status word is shared with the kernel: acquire when reading it (the kernel
// wrote it after finishing with the frame), release when handing a filled frame over.
uint32_t status_of(const tpacket2_hdr* h) { return __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE); }
void hand_over(tpacket2_hdr* h) { __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE); }

}  // namespace

PacketRingSink::PacketRingSink(const std::string& interface, const Mac& our_mac, std::optional<Mac> hop_v4,
                               std::optional<Mac> hop_v6) {
  auto header = [&](std::array<uint8_t, 14>& eth, const Mac& to, uint16_t ethertype) {
    std::memcpy(&eth[0], to.data(), 6);
    std::memcpy(&eth[6], our_mac.data(), 6);
    eth[12] = uint8_t(ethertype >> 8);
    eth[13] = uint8_t(ethertype);
  };
  if ((have4_ = hop_v4.has_value())) header(ether4_, *hop_v4, ETH_P_IP);
  if ((have6_ = hop_v6.has_value())) header(ether6_, *hop_v6, ETH_P_IPV6);
  const unsigned ifindex = if_nametoindex(interface.c_str());
  if (ifindex == 0) throw common::SetupError("no interface named '" + interface + "' (see 'ip link')");

  // Protocol 0: the socket transmits only, the kernel never queues received frames on it.
  fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd_ < 0) fail("AF_PACKET socket", errno);
  auto setopt = [&](int opt, const void* v, socklen_t len, const char* name) {
    if (setsockopt(fd_, SOL_PACKET, opt, v, len) != 0) {
      const int err = errno;
      close(fd_);
      fd_ = -1;
      fail(name, err);
    }
  };
  const int version = TPACKET_V2, one = 1;
  setopt(PACKET_VERSION, &version, sizeof version, "PACKET_VERSION");
  // Straight to the driver: the qdisc layer is where a raw socket's packets spend most of
  // their non-routing time, and a scanner has no use for its fairness.
  setopt(PACKET_QDISC_BYPASS, &one, sizeof one, "PACKET_QDISC_BYPASS");
  // A frame the driver rejects is skipped, not left blocking the ring.
  setopt(PACKET_LOSS, &one, sizeof one, "PACKET_LOSS");
  // Each frame in flight holds an skb charged to the socket's send buffer until the driver
  // (for a veth, the receiver's stack) frees it. With the default ~200 KiB, ~250 frames in
  // flight made send() stop early with EAGAIN, and the sender waited on frames that were only
  // waiting for a kick. Room for the whole ring (FORCE: above wmem_max; we are still root here).
  const int sndbuf = int(kBlockSize * kBlocks * 4);
  if (setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) != 0)
    setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  tpacket_req req{};
  req.tp_block_size = kBlockSize;
  req.tp_block_nr = kBlocks;
  req.tp_frame_size = kFrameSize;
  req.tp_frame_nr = kBlocks * (kBlockSize / kFrameSize);
  setopt(PACKET_TX_RING, &req, sizeof req, "PACKET_TX_RING");
  frame_count_ = req.tp_frame_nr;
  ring_bytes_ = size_t(kBlockSize) * kBlocks;
  void* ring = mmap(nullptr, ring_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (ring == MAP_FAILED) {
    const int err = errno;
    close(fd_);
    fd_ = -1;
    fail("mmap", err);
  }
  ring_ = static_cast<uint8_t*>(ring);
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = 0;
  ll.sll_ifindex = int(ifindex);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&ll), sizeof ll) != 0) {
    const int err = errno;
    munmap(ring_, ring_bytes_);
    close(fd_);
    fd_ = -1;
    fail("bind to '" + interface + "'", err);
  }
}

PacketRingSink::~PacketRingSink() {
  if (fd_ >= 0) {
    ::send(fd_, nullptr, 0, 0);  // flush what is still queued
    munmap(ring_, ring_bytes_);
    close(fd_);
  }
}

// The frame at head_ is still owned by the kernel (queued or being sent): kick the kernel,
// then wait for it to hand the frame back. Bounded, so a wedged driver costs send errors,
// not a hung scan.
bool PacketRingSink::wait_for_frame(uint8_t* frame) {
  auto* h = reinterpret_cast<tpacket2_hdr*>(frame);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    ::send(fd_, nullptr, 0, MSG_DONTWAIT);
    const uint32_t st = status_of(h);
    if (st == TP_STATUS_AVAILABLE || st == TP_STATUS_WRONG_FORMAT) return true;
    pollfd p{fd_, POLLOUT, 0};
    poll(&p, 1, 1);
  }
  return false;
}

size_t PacketRingSink::send(const OutPacket* packets, size_t n) {
  size_t queued = 0;
  for (; queued < n; ++queued) {
    uint8_t* frame = ring_ + size_t(head_) * kFrameSize;
    auto* h = reinterpret_cast<tpacket2_hdr*>(frame);
    const uint32_t st = status_of(h);
    if (st != TP_STATUS_AVAILABLE && st != TP_STATUS_WRONG_FORMAT && !wait_for_frame(frame)) break;
    const OutPacket& p = packets[queued];
    const bool v4 = p.dst.is_v4();
    // A family without a next hop, or a packet too long for a frame: not ours to send (the
    // sender counts what is left as send errors).
    if (!(v4 ? have4_ : have6_) || p.len > kMaxIpLen) break;
    const auto& eth = v4 ? ether4_ : ether6_;
    uint8_t* data = frame + kDataOffset;
    std::memcpy(data, eth.data(), eth.size());
    std::memcpy(data + eth.size(), p.data, p.len);
    h->tp_len = uint32_t(eth.size() + p.len);
    hand_over(h);
    head_ = head_ + 1 == frame_count_ ? 0 : head_ + 1;
  }
  // One syscall for the whole batch. Non-blocking: the kernel sends what is queued without
  // waiting for the driver to complete it, so the sender can build the next batch meanwhile.
  // A failed kick is not a lost packet: the frames stay queued and leave with the next one.
  if (queued > 0) ::send(fd_, nullptr, 0, MSG_DONTWAIT);
  return queued;
}

}  // namespace portauth::scanner
