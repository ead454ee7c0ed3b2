#include "probe/syn6_packet.h"

#include "probe/wire_bytes.h"

#include <cstring>
#include <stdexcept>
#include <vector>

namespace portauth::probe {
namespace {

constexpr size_t kIp6Header = 40;

using namespace wire;  // get16, put16, put32, sum_words, fold

}  // namespace

uint16_t tcp_checksum_ipv6(std::span<const uint8_t> ip) {
  const size_t tcp_len = get16(&ip[4]);
  uint64_t s = sum_words(&ip[8], 32) + 6 + tcp_len;  // source, destination, next header, length
  std::vector<uint8_t> seg(ip.begin() + long(kIp6Header), ip.begin() + long(kIp6Header + tcp_len));
  seg[16] = seg[17] = 0;
  s += sum_words(seg.data(), seg.size());
  return fold(s);
}

Syn6Packet::Syn6Packet(std::span<const uint8_t> ip) {
  if (ip.size() < kIp6Header + 20 || ip.size() > kMaxLen || (ip[0] >> 4) != 6 || ip[6] != 6)
    throw std::invalid_argument("SYN template is not an IPv6/TCP packet of 60-64 bytes");
  if (get16(&ip[4]) != ip.size() - kIp6Header)
    throw std::invalid_argument("SYN template has an inconsistent IPv6 payload length");
  std::memcpy(bytes_, ip.data(), ip.size());
  len_ = ip.size();
  src_ip_ = config::Address::from_bytes(&bytes_[8]);
  uint8_t* tcp = bytes_ + kIp6Header;
  // Zero what write() fills, so the precomputed sum covers exactly the constant bytes.
  std::memset(&bytes_[24], 0, 16);  // destination address
  put16(tcp + 0, 0);                // source port
  put16(tcp + 2, 0);                // destination port
  put32(tcp + 4, 0);                // sequence number
  put16(tcp + 16, 0);               // TCP checksum
  const uint32_t tcp_len = uint32_t(len_ - kIp6Header);
  tcp_sum_ = sum_words(&bytes_[8], 16) + 6 + tcp_len + sum_words(tcp, tcp_len);
}

void Syn6Packet::write(uint8_t* out, const Syn6Fields& f) const noexcept {
  std::memcpy(out, bytes_, kMaxLen);  // fixed size: compiles to a few vector moves
  uint8_t* tcp = out + kIp6Header;
  f.dst.to_bytes(&out[24]);
  put16(tcp + 0, f.src_port);
  put16(tcp + 2, f.dst_port);
  put32(tcp + 4, f.seq);
  // A one's-complement sum of 32-bit words folds to the sum of their 16-bit halves.
  const uint64_t hi = f.dst.hi(), lo = f.dst.lo();
  const uint64_t dst = (hi >> 32) + (hi & 0xffffffff) + (lo >> 32) + (lo & 0xffffffff);
  put16(tcp + 16, fold(uint64_t{tcp_sum_} + dst + f.src_port + f.dst_port + (f.seq >> 16) + (f.seq & 0xffff)));
}

}  // namespace portauth::probe
