#include "probe/syn_packet.h"

#include "probe/wire_bytes.h"

#include <cstring>
#include <stdexcept>

namespace portauth::probe {
namespace {

using namespace wire;  // get16, put16, put32, sum_words, fold

}  // namespace

uint16_t internet_checksum(std::span<const uint8_t> data, uint32_t initial) {
  return fold(uint64_t{initial} + sum_words(data.data(), data.size()));
}

uint16_t tcp_checksum_ipv4(std::span<const uint8_t> ip) {
  const size_t ihl = size_t(ip[0] & 0x0f) * 4;
  const size_t total = get16(&ip[2]);
  const size_t tcp_len = total - ihl;
  uint64_t s = sum_words(&ip[12], 8) + 6 + tcp_len;  // src, dst, protocol, TCP length
  std::vector<uint8_t> seg(ip.begin() + long(ihl), ip.begin() + long(total));
  seg[16] = seg[17] = 0;
  s += sum_words(seg.data(), seg.size());
  return fold(s);
}

SynPacket::SynPacket(std::span<const uint8_t> ip) {
  if (ip.size() < 40 || ip.size() > kMaxLen || (ip[0] >> 4) != 4 || ip[9] != 6)
    throw std::invalid_argument("SYN template is not an IPv4/TCP packet of 40-64 bytes");
  const size_t ihl = size_t(ip[0] & 0x0f) * 4;
  if (ihl < 20 || get16(&ip[2]) != ip.size() || ihl + 20 > ip.size())
    throw std::invalid_argument("SYN template has inconsistent IPv4 lengths");
  std::memcpy(bytes_, ip.data(), ip.size());
  len_ = ip.size();
  tcp_off_ = ihl;
  src_ip_ = (uint32_t(get16(&bytes_[12])) << 16) | get16(&bytes_[14]);
  uint8_t* tcp = bytes_ + tcp_off_;
  // Zero what write() fills, so the precomputed sums cover exactly the constant bytes.
  put16(&bytes_[4], 0);    // IP id
  put16(&bytes_[10], 0);   // IP checksum
  put32(&bytes_[16], 0);   // destination address
  put16(tcp + 0, 0);       // source port
  put16(tcp + 2, 0);       // destination port
  put32(tcp + 4, 0);       // sequence number
  put16(tcp + 16, 0);      // TCP checksum
  ip_sum_ = sum_words(bytes_, ihl);
  const uint32_t tcp_len = uint32_t(len_ - tcp_off_);
  tcp_sum_ = sum_words(&bytes_[12], 4) + 6 + tcp_len + sum_words(tcp, tcp_len);
}

void SynPacket::write(uint8_t* out, const SynFields& f) const noexcept {
  std::memcpy(out, bytes_, kMaxLen);  // fixed size: compiles to a few vector moves
  uint8_t* tcp = out + tcp_off_;
  put16(&out[4], f.ip_id);
  put32(&out[16], f.dst_ip);
  put16(tcp + 0, f.src_port);
  put16(tcp + 2, f.dst_port);
  put32(tcp + 4, f.seq);
  const uint32_t dst = (f.dst_ip >> 16) + (f.dst_ip & 0xffff);
  put16(&out[10], fold(uint64_t{ip_sum_} + f.ip_id + dst));
  put16(tcp + 16, fold(uint64_t{tcp_sum_} + dst + f.src_port + f.dst_port + (f.seq >> 16) + (f.seq & 0xffff)));
}

}  // namespace portauth::probe
