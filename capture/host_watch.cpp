#include "capture/host_watch.h"

#include "capture/reply_parser.h"

namespace portauth::capture {
namespace {

using config::Address;
using config::Uint128;

inline uint16_t be16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }
inline uint32_t be32(const uint8_t* p) { return (uint32_t(be16(p)) << 16) | be16(p + 2); }

constexpr uint8_t kProtoIcmp = 1, kProtoTcp = 6, kProtoIcmp6 = 58;
constexpr uint8_t kIcmpEchoReply = 0, kIcmpEcho = 8;
constexpr uint8_t kIcmp6Echo = 128, kIcmp6EchoReply = 129;

// True for the first fragment (or an unfragmented datagram): only it carries the L4 header.
inline bool first_fragment(const uint8_t* ip) { return (be16(ip + 6) & 0x1fff) == 0; }

}  // namespace

// The facts observe() needs from either family's header. IPv6: only an upper-layer header
// straight behind the fixed header is looked at: a frame behind an extension header still
// counts as from the target, it just cannot be one of our own SYNs or an echo reply.
struct HostWatch::Frame {
  Address src;
  uint8_t protocol = 0;
  const uint8_t* l4 = nullptr;
  size_t l4_len = 0;
};

namespace {

bool read_frame(const uint8_t* ip, size_t len, HostWatch::Frame& f) {
  if (len >= 40 && (ip[0] >> 4) == 6) {
    f.src = Address::from_bytes(ip + 8);
    f.protocol = ip[6];
    f.l4 = ip + 40;
    f.l4_len = len - 40;
    return true;
  }
  if (len < 20 || (ip[0] >> 4) != 4) return false;
  const size_t ihl = size_t(ip[0] & 0x0f) * 4;
  if (ihl < 20 || len < ihl) return false;
  f.src = Address::v4(be32(ip + 12));
  f.protocol = ip[9];
  if (first_fragment(ip)) {
    f.l4 = ip + ihl;
    f.l4_len = len - ihl;
  }
  return true;
}

}  // namespace

bool HostWatch::own_packet(const Frame& f) const {
  if (f.src != (f.src.is_v4() ? config_.our_v4 : config_.our_v6) || !f.l4) return false;
  if (f.protocol == kProtoTcp && f.l4_len >= 2) {
    // uint32_t arithmetic: the range may end at 65535.
    const uint32_t sport = be16(f.l4);
    return sport >= config_.source_port_first && sport < uint32_t{config_.source_port_first} + config_.source_port_count;
  }
  const uint8_t echo = f.protocol == kProtoIcmp ? kIcmpEcho : f.protocol == kProtoIcmp6 ? kIcmp6Echo : 0;
  return echo && f.l4_len >= 6 && f.l4[0] == echo && be16(f.l4 + 4) == config_.echo_id;
}

std::string host_watch_filter(const config::RangeSet& targets) {
  std::string filter;
  for (const auto& r : targets.ranges()) {
    // Split [first, last] into the largest aligned blocks, as a CIDR calculator would; an
    // IPv4 block counts its bits of the 32-bit address.
    const int width = r.first.is_v4() ? 32 : 128;
    Uint128 at = r.first.value;
    while (true) {
      int bits = 0;  // host bits of the block starting at `at`
      while (bits < width && (at & ((Uint128{1} << (bits + 1)) - 1)) == 0 &&
             at + ((Uint128{1} << (bits + 1)) - 1) <= r.last.value)
        ++bits;
      if (!filter.empty()) filter += " or ";
      const std::string addr = config::format_address(Address{at});
      filter += bits == 0 ? "src host " + addr : "src net " + addr + "/" + std::to_string(width - bits);
      const Uint128 step = Uint128{1} << bits;
      if (r.last.value - at < step) break;  // also ends a block that reaches the last address
      at += step;
    }
  }
  return filter;
}

FrameOrigin HostWatch::observe(int linktype, const uint8_t* frame, size_t caplen) {
  ParseStatus status = ParseStatus::kOk;
  const long off = ipv4_offset(linktype, frame, caplen, status);
  if (off < 0) return FrameOrigin::kOther;
  Frame f;
  if (!read_frame(frame + off, caplen - size_t(off), f)) return FrameOrigin::kOther;
  if (!targets_.contains(f.src)) return FrameOrigin::kOther;
  if (own_packet(f)) return FrameOrigin::kOwnPacket;
  const uint8_t echo_reply = f.protocol == kProtoIcmp ? kIcmpEchoReply : f.protocol == kProtoIcmp6 ? kIcmp6EchoReply : 0xff;
  if (config_.echo && echo_reply != 0xff && f.l4 && f.l4_len >= 1 && f.l4[0] == echo_reply) {
    // The probe module's rule decides (identifier and cookie), on the parser's view of it.
    probe::Reply reply;
    if (parse_reply(linktype, frame, caplen, reply) == ParseStatus::kOk &&
        config_.echo->classify(reply).reject == probe::Reject::kNone) {
      stats_.echo_replies.fetch_add(1, std::memory_order_relaxed);
      return FrameOrigin::kEchoReply;
    }
  }
  if (config_.canary_ports) {
    probe::Reply reply;
    const uint32_t first = config_.source_port_first;
    if (parse_reply(linktype, frame, caplen, reply) == ParseStatus::kOk && reply.kind != probe::ReplyKind::kEchoReply &&
        (*config_.canary_ports)[reply.target_port] && reply.our_port >= first &&
        reply.our_port < first + config_.source_port_count) {
      stats_.canary_answers.fetch_add(1, std::memory_order_relaxed);
      return FrameOrigin::kCanaryAnswer;
    }
  }
  stats_.frames_from_targets.fetch_add(1, std::memory_order_relaxed);
  return FrameOrigin::kFromTarget;
}

}  // namespace portauth::capture
