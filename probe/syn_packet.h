// Per-probe patching of a SYN template (IPv4 + TCP with an MSS option), masscan style:
// the headers are built once (by libnet, see syn_template.h), then each probe only writes
// destination address, ports, sequence number and IP id and fixes both checksums
// incrementally from sums precomputed over the constant bytes. No allocation, no libnet
// call, no branch on the per-probe path.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace portauth::probe {

struct SynFields {
  uint32_t dst_ip;
  uint16_t src_port;
  uint16_t dst_port;
  uint32_t seq;
  uint16_t ip_id;
};

class SynPacket {
 public:
  static constexpr size_t kMaxLen = 64;

  // `ip_packet` is a complete IPv4+TCP SYN (no link header) whose source address is final.
  // Its variable fields are zeroed here; throws std::invalid_argument on a malformed template.
  explicit SynPacket(std::span<const uint8_t> ip_packet);

  size_t size() const { return len_; }
  // Writes one probe into out[0..size()); `out` must have room for kMaxLen bytes.
  void write(uint8_t* out, const SynFields& f) const noexcept;

  uint32_t source_ip() const { return src_ip_; }

 private:
  uint8_t bytes_[kMaxLen]{};
  size_t len_ = 0;
  size_t tcp_off_ = 0;
  uint32_t src_ip_ = 0;
  uint32_t ip_sum_ = 0;   // one's-complement partial sums over the constant bytes
  uint32_t tcp_sum_ = 0;  // includes the pseudo header's constant part
};

// Full (non-incremental) Internet checksum, for tests and for validating templates.
uint16_t internet_checksum(std::span<const uint8_t> data, uint32_t initial = 0);
// TCP checksum of an IPv4 packet computed from scratch (pseudo header + segment).
uint16_t tcp_checksum_ipv4(std::span<const uint8_t> ip_packet);

}  // namespace portauth::probe
