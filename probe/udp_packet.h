// Per-probe writing of a UDP probe over IPv4 or IPv6, the UDP twin of SynPacket: the IP and
// UDP headers come from a template built once by libnet (udp_template.h); each probe writes
// destination, ports, lengths, IP id (IPv4) or flow label (IPv6) and its payload, and the
// checksums are finished from sums precomputed over the constant bytes (the payload's sum
// is precomputed per payload; only its cookie field is summed per probe). No allocation, no
// libnet call on the per-probe path.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "config/address.h"

namespace portauth::probe {

struct UdpFields {
  config::Address dst;
  uint16_t src_port;
  uint16_t dst_port;
  uint32_t ip_id;  // IPv4: the IP id (16 bits); IPv6: the flow label (20 bits)
  size_t payload_len;      // bytes already at out + header_len()
  uint32_t payload_sum;    // the sum of the payload's 16-bit words (udp_payload_sum)
};

class UdpPacket {
 public:
  static constexpr size_t kHeader4 = 20 + 8, kHeader6 = 40 + 8;

  UdpPacket() = default;  // no template: write() is never called
  // `ip_template`: IPv4+UDP (28 bytes) or IPv6+UDP (48 bytes) with its final source address
  // and no payload. Throws std::invalid_argument for anything else.
  explicit UdpPacket(std::span<const uint8_t> ip_template);

  bool empty() const { return header_len_ == 0; }
  bool v6() const { return header_len_ == kHeader6; }
  size_t header_len() const { return header_len_; }
  const config::Address& source_ip() const { return src_; }
  // Writes the headers into out[0..header_len()) for the payload the caller has already put
  // at out + header_len(); returns the packet's length.
  size_t write(uint8_t* out, const UdpFields& f) const noexcept;

 private:
  uint8_t bytes_[kHeader6]{};
  size_t header_len_ = 0;
  config::Address src_;
  uint32_t ip_sum_ = 0;   // IPv4 header without length, id, destination, checksum
  uint32_t udp_sum_ = 0;  // pseudo header's source and protocol
};

// The one's-complement sum of `bytes` as 16-bit words at even offsets of a UDP payload.
uint32_t udp_payload_sum(std::span<const uint8_t> bytes);
// UDP checksum of an IPv4 or IPv6 packet (no extension headers) from scratch, for tests.
uint16_t udp_checksum(std::span<const uint8_t> ip_packet);

}  // namespace portauth::probe
