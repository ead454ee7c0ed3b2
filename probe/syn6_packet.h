// Per-probe patching of an IPv6 SYN template (IPv6 + TCP with an MSS option, 64 bytes),
// the IPv6 twin of SynPacket: built once by libnet (syn_template.h), then each probe only
// writes the destination address, ports and sequence number and fixes the TCP checksum
// incrementally. IPv6 has no header checksum; the TCP one covers the IPv6 pseudo header
// (RFC 8200 8.1: source, destination, upper-layer length, next header 6). No allocation, no
// libnet call, no branch on the per-probe path.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "config/address.h"

namespace portauth::probe {

struct Syn6Fields {
  config::Address dst;
  uint16_t src_port;
  uint16_t dst_port;
  uint32_t seq;
};

class Syn6Packet {
 public:
  static constexpr size_t kMaxLen = 64;

  // `ip_packet` is a complete IPv6+TCP SYN (no extension headers, no link header) whose
  // source address is final. Throws std::invalid_argument on a malformed template.
  explicit Syn6Packet(std::span<const uint8_t> ip_packet);

  size_t size() const { return len_; }
  // Writes one probe into out[0..size()); `out` must have room for kMaxLen bytes.
  void write(uint8_t* out, const Syn6Fields& f) const noexcept;

  const config::Address& source_ip() const { return src_ip_; }

 private:
  uint8_t bytes_[kMaxLen]{};
  size_t len_ = 0;
  config::Address src_ip_;
  uint32_t tcp_sum_ = 0;  // constant bytes of the segment and the pseudo header
};

// TCP checksum of an IPv6 packet without extension headers, from scratch (for tests).
uint16_t tcp_checksum_ipv6(std::span<const uint8_t> ip_packet);

}  // namespace portauth::probe
