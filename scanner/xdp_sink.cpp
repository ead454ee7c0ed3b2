#include "scanner/xdp_sink.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <xdp/xsk.h>

#include <cstring>

#include "common/setup_error.h"

#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9  // Linux 6.17 uapi; older kernels refuse it (ENOPROTOOPT)
#endif

namespace portauth::scanner {
namespace {

// 2048 frames of 2048 bytes (the smallest UMEM chunk): 4 MiB, ~2 ms of traffic at 1 Mpps (a
// TX-only socket gets its frames back as soon as the driver is done with them).
constexpr uint32_t kFrames = 2048;
constexpr uint32_t kFrameSize = XSK_UMEM__DEFAULT_FRAME_SIZE / 2;
constexpr uint32_t kTxSize = 2048;
constexpr uint32_t kMaxIpLen = kFrameSize - 14;
static_assert(kFrameSize >= 2048);

[[noreturn]] void fail(const std::string& what, int err) {
  std::string msg = "cannot set up the AF_XDP socket: " + what + ": " + std::strerror(err);
  if (err == EPERM || err == EACCES) msg += std::string("; ") + common::kPrivilegeHint;
  else if (err == ENOBUFS || err == ENOMEM)
    msg += " (its " + std::to_string(size_t(kFrames) * kFrameSize >> 20) +
           " MiB UMEM is locked memory: raise RLIMIT_MEMLOCK, ulimit -l, or run as root)";
  else if (err == EOPNOTSUPP || err == EAFNOSUPPORT || err == EPROTONOSUPPORT || err == EINVAL)
    msg += " (this kernel or driver does not take AF_XDP here; use --send-mode ring or raw)";
  throw common::SetupError(msg);
}

}  // namespace

struct XdpSink::State {
  void* area = nullptr;
  size_t area_bytes = size_t(kFrames) * kFrameSize;
  xsk_umem* umem = nullptr;
  xsk_ring_prod fill{};
  xsk_ring_cons comp{};
  xsk_ring_prod tx{};
  xsk_socket* xsk = nullptr;
  int fd = -1;
  std::vector<uint64_t> free_frames;  // UMEM addresses not in the kernel's hands

  ~State() {
    if (xsk) xsk_socket__delete(xsk);
    if (umem) xsk_umem__delete(umem);
    if (area) munmap(area, area_bytes);
  }
};

XdpSink::XdpSink(const std::string& interface, const Mac& our_mac, std::optional<Mac> hop_v4,
                 std::optional<Mac> hop_v6)
    : s_(std::make_unique<State>()) {
  auto header = [&](std::array<uint8_t, 14>& eth, const Mac& to, uint16_t ethertype) {
    std::memcpy(&eth[0], to.data(), 6);
    std::memcpy(&eth[6], our_mac.data(), 6);
    eth[12] = uint8_t(ethertype >> 8);
    eth[13] = uint8_t(ethertype);
  };
  if ((have4_ = hop_v4.has_value())) header(ether4_, *hop_v4, ETH_P_IP);
  if ((have6_ = hop_v6.has_value())) header(ether6_, *hop_v6, ETH_P_IPV6);

  void* area = mmap(nullptr, s_->area_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) fail("mmap of the UMEM", errno);
  s_->area = area;
  xsk_umem_config uc{};
  uc.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
  uc.comp_size = kFrames;  // every frame may be awaiting completion at once
  uc.frame_size = kFrameSize;
  uc.frame_headroom = 0;
  if (int rc = xsk_umem__create(&s_->umem, area, s_->area_bytes, &s_->fill, &s_->comp, &uc); rc != 0)
    fail("UMEM registration", -rc);
  xsk_socket_config sc{};
  sc.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
  sc.tx_size = kTxSize;
  // Transmit only: no XDP program is needed, so none is loaded or attached to the interface.
  sc.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
  sc.xdp_flags = XDP_FLAGS_SKB_MODE;
  sc.bind_flags = XDP_COPY;
  if (int rc = xsk_socket__create(&s_->xsk, interface.c_str(), 0, s_->umem, nullptr, &s_->tx, &sc); rc != 0)
    fail("socket on '" + interface + "' queue 0", -rc);
  s_->fd = xsk_socket__fd(s_->xsk);
  // Copy mode pushes 32 frames per sendto() unless the kernel lets us raise it (best effort).
  const unsigned budget = kTxSize;
  setsockopt(s_->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget, sizeof budget);
  s_->free_frames.reserve(kFrames);
  for (uint32_t i = kFrames; i-- > 0;) s_->free_frames.push_back(uint64_t(i) * kFrameSize);
}

XdpSink::~XdpSink() {
  // Push out what is still queued before the socket goes (bounded).
  for (int i = 0; i < 200 && s_->free_frames.size() < kFrames; ++i) kick_and_wait();
}

// Frames whose transmission the kernel completed come back to the free list.
void XdpSink::reclaim() {
  uint32_t idx;
  const uint32_t done = xsk_ring_cons__peek(&s_->comp, kFrames, &idx);
  for (uint32_t i = 0; i < done; ++i) s_->free_frames.push_back(*xsk_ring_cons__comp_addr(&s_->comp, idx + i));
  if (done) xsk_ring_cons__release(&s_->comp, done);
}

// Has the kernel transmit what the TX ring holds: one sendto() handles up to its budget and
// says EAGAIN while more is left (EBUSY/ENOBUFS: the driver refused or dropped one; go on).
// False when the socket is broken.
bool XdpSink::kick() {
  for (int i = 0; i < 1024; ++i) {
    if (sendto(s_->fd, nullptr, 0, MSG_DONTWAIT, nullptr, 0) >= 0) return true;
    if (errno != EAGAIN && errno != EBUSY && errno != ENOBUFS && errno != EINTR) return false;
    if (xsk_prod_nb_free(&s_->tx, kTxSize) == kTxSize) return true;  // the ring is empty: nothing left to push
  }
  return true;
}

// The TX ring or the frames ran out: push, take back completed frames, and if none came back
// give the kernel a moment. False when the socket is broken.
bool XdpSink::kick_and_wait() {
  if (!kick()) return false;
  const size_t before = s_->free_frames.size();
  reclaim();
  if (s_->free_frames.size() == before && s_->free_frames.size() < kFrames) {
    pollfd p{s_->fd, POLLOUT, 0};
    poll(&p, 1, 1);
    reclaim();
  }
  return true;
}

size_t XdpSink::send(const OutPacket* packets, size_t n) {
  // Only the leading packets this socket can carry (family with a next hop, short enough):
  // the sender counts the rest as send errors.
  size_t sendable = 0;
  while (sendable < n && (packets[sendable].dst.is_v4() ? have4_ : have6_) && packets[sendable].len <= kMaxIpLen)
    ++sendable;
  reclaim();
  size_t done = 0;
  for (int stalls = 0; done < sendable && stalls < 1000;) {
    const uint32_t want = uint32_t(std::min(sendable - done, s_->free_frames.size()));
    uint32_t idx = 0;
    const uint32_t got = want ? xsk_ring_prod__reserve(&s_->tx, want, &idx) : 0;
    if (got == 0) {
      if (!kick_and_wait()) break;
      ++stalls;
      continue;
    }
    for (uint32_t i = 0; i < got; ++i) {
      const OutPacket& p = packets[done + i];
      const auto& eth = p.dst.is_v4() ? ether4_ : ether6_;
      const uint64_t addr = s_->free_frames.back();
      s_->free_frames.pop_back();
      auto* data = static_cast<uint8_t*>(xsk_umem__get_data(s_->area, addr));
      std::memcpy(data, eth.data(), eth.size());
      std::memcpy(data + eth.size(), p.data, p.len);
      xdp_desc* d = xsk_ring_prod__tx_desc(&s_->tx, idx + i);
      d->addr = addr;
      d->len = uint32_t(eth.size() + p.len);
      d->options = 0;
    }
    xsk_ring_prod__submit(&s_->tx, got);
    done += got;
  }
  // The batch goes out now, not with the next one: the sender may be about to wait.
  if (done > 0 && kick()) reclaim();
  return done;
}

}  // namespace portauth::scanner
