#include "probe/udp_packet.h"

#include <cstring>
#include <stdexcept>
#include <vector>

#include "probe/wire_bytes.h"

namespace portauth::probe {

using namespace wire;  // get16, put16, put32, sum_words, fold

namespace {

uint64_t address_words(const config::Address& a) {
  const uint64_t hi = a.hi(), lo = a.lo();
  return (hi >> 48) + ((hi >> 32) & 0xffff) + ((hi >> 16) & 0xffff) + (hi & 0xffff) + (lo >> 48) +
         ((lo >> 32) & 0xffff) + ((lo >> 16) & 0xffff) + (lo & 0xffff);
}

// A checksum of zero is sent as all ones: zero says "no checksum" (RFC 768; IPv6 forbids it).
uint16_t udp_sum_field(uint64_t s) {
  const uint16_t c = fold(s);
  return c == 0 ? 0xffff : c;
}

}  // namespace

uint32_t udp_payload_sum(std::span<const uint8_t> bytes) { return sum_words(bytes.data(), bytes.size()); }

UdpPacket::UdpPacket(std::span<const uint8_t> t) {
  const bool v4 = t.size() == kHeader4 && t[0] == 0x45 && t[9] == 17;
  const bool v6 = t.size() == kHeader6 && (t[0] >> 4) == 6 && t[6] == 17;
  if (!v4 && !v6) throw std::invalid_argument("UDP template is not an IPv4+UDP (28) or IPv6+UDP (48) header");
  std::memcpy(bytes_, t.data(), t.size());
  header_len_ = t.size();
  uint8_t* udp = bytes_ + (v6 ? 40 : 20);
  std::memset(udp, 0, 8);  // ports, length, checksum: written per probe
  if (v6) {
    src_ = config::Address::from_bytes(&bytes_[8]);
    bytes_[1] &= 0xf0;  // flow label: per probe
    bytes_[2] = bytes_[3] = 0;
    put16(&bytes_[4], 0);                // payload length
    std::memset(&bytes_[24], 0, 16);     // destination
    udp_sum_ = uint32_t(address_words(src_)) + 17;
  } else {
    src_ = config::Address::v4(uint32_t(get16(&bytes_[12])) << 16 | get16(&bytes_[14]));
    put16(&bytes_[2], 0);   // total length
    put16(&bytes_[4], 0);   // id
    put16(&bytes_[10], 0);  // checksum
    put32(&bytes_[16], 0);  // destination
    ip_sum_ = sum_words(bytes_, 20);
    udp_sum_ = sum_words(&bytes_[12], 4) + 17;
  }
}

size_t UdpPacket::write(uint8_t* out, const UdpFields& f) const noexcept {
  std::memcpy(out, bytes_, header_len_);
  uint8_t* udp = out + header_len_ - 8;
  const uint16_t udp_len = uint16_t(8 + f.payload_len);
  put16(udp, f.src_port);
  put16(udp + 2, f.dst_port);
  put16(udp + 4, udp_len);
  uint64_t s = uint64_t{udp_sum_} + 2u * udp_len + f.src_port + f.dst_port + f.payload_sum;
  if (v6()) {
    out[1] = uint8_t((out[1] & 0xf0) | ((f.ip_id >> 16) & 0x0f));
    out[2] = uint8_t(f.ip_id >> 8);
    out[3] = uint8_t(f.ip_id);
    put16(&out[4], udp_len);
    f.dst.to_bytes(&out[24]);
    s += address_words(f.dst);
  } else {
    const uint32_t dst = f.dst.v4();
    const uint16_t total = uint16_t(20 + udp_len);
    put16(&out[2], total);
    put16(&out[4], uint16_t(f.ip_id));
    put32(&out[16], dst);
    put16(&out[10], fold(uint64_t{ip_sum_} + total + uint16_t(f.ip_id) + (dst >> 16) + (dst & 0xffff)));
    s += (dst >> 16) + (dst & 0xffff);
  }
  put16(udp + 6, udp_sum_field(s));
  return header_len_ + f.payload_len;
}

uint16_t udp_checksum(std::span<const uint8_t> ip) {
  const bool v6 = (ip[0] >> 4) == 6;
  const size_t hdr = v6 ? 40 : size_t(ip[0] & 0x0f) * 4;
  const size_t udp_len = get16(&ip[hdr + 4]);
  uint64_t s = v6 ? sum_words(&ip[8], 32) : sum_words(&ip[12], 8);
  s += 17 + udp_len;
  std::vector<uint8_t> seg(ip.begin() + long(hdr), ip.begin() + long(hdr + udp_len));
  seg[6] = seg[7] = 0;
  s += sum_words(seg.data(), seg.size());
  return udp_sum_field(s);
}

}  // namespace portauth::probe
