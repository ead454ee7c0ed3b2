#include "capture/host_watch.h"

#include "config/ipv4.h"
#include "capture/reply_parser.h"

namespace portauth::capture {
namespace {

inline uint16_t be16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }
inline uint32_t be32(const uint8_t* p) { return (uint32_t(be16(p)) << 16) | be16(p + 2); }

constexpr uint8_t kProtoIcmp = 1, kProtoTcp = 6;
constexpr uint8_t kIcmpEchoReply = 0, kIcmpEcho = 8;

// True for the first fragment (or an unfragmented datagram): only it carries the L4 header.
inline bool first_fragment(const uint8_t* ip) { return (be16(ip + 6) & 0x1fff) == 0; }

}  // namespace

bool HostWatch::own_packet(const uint8_t* ip, size_t len, size_t ihl) const {
  if (be32(ip + 12) != config_.our_ip || !first_fragment(ip)) return false;
  const uint8_t* l4 = ip + ihl;
  const size_t l4_len = len - ihl;
  if (ip[9] == kProtoTcp && l4_len >= 2) {
    // uint32_t arithmetic: the range may end at 65535.
    const uint32_t sport = be16(l4);
    return sport >= config_.source_port_first && sport < uint32_t{config_.source_port_first} + config_.source_port_count;
  }
  if (ip[9] == kProtoIcmp && l4_len >= 6) return l4[0] == kIcmpEcho && be16(l4 + 4) == config_.echo_id;
  return false;
}

std::string host_watch_filter(const config::RangeSet& targets) {
  std::string filter;
  for (const auto& r : targets.ranges()) {
    // Split [first, last] into the largest aligned blocks, as a CIDR calculator would.
    uint64_t at = r.first;
    while (at <= r.last) {
      int bits = 0;  // host bits of the block starting at `at`
      while (bits < 32 && (at & ((uint64_t{1} << (bits + 1)) - 1)) == 0 && at + (uint64_t{1} << (bits + 1)) - 1 <= r.last)
        ++bits;
      if (!filter.empty()) filter += " or ";
      const std::string addr = config::format_ipv4(uint32_t(at));
      filter += bits == 0 ? "src host " + addr : "src net " + addr + "/" + std::to_string(32 - bits);
      at += uint64_t{1} << bits;
    }
  }
  return filter;
}

FrameOrigin HostWatch::observe(int linktype, const uint8_t* frame, size_t caplen) {
  ParseStatus status = ParseStatus::kOk;
  const long off = ipv4_offset(linktype, frame, caplen, status);
  if (off < 0) return FrameOrigin::kOther;
  const uint8_t* ip = frame + off;
  const size_t len = caplen - size_t(off);
  if (len < 20 || (ip[0] >> 4) != 4) return FrameOrigin::kOther;
  const size_t ihl = size_t(ip[0] & 0x0f) * 4;
  if (ihl < 20 || len < ihl) return FrameOrigin::kOther;
  if (!targets_.contains(be32(ip + 12))) return FrameOrigin::kOther;
  if (own_packet(ip, len, ihl)) return FrameOrigin::kOwnPacket;
  const uint8_t* l4 = ip + ihl;
  if (ip[9] == kProtoIcmp && first_fragment(ip) && len - ihl >= 6 && l4[0] == kIcmpEchoReply &&
      be16(l4 + 4) == config_.echo_id) {
    stats_.echo_replies.fetch_add(1, std::memory_order_relaxed);
    return FrameOrigin::kEchoReply;
  }
  stats_.frames_from_targets.fetch_add(1, std::memory_order_relaxed);
  return FrameOrigin::kFromTarget;
}

}  // namespace portauth::capture
