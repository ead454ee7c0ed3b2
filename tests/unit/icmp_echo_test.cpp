// The libnet-built ICMP echo request: every field where TruStealth's ping check needs it, and
// both checksums right (verified here with our own one's-complement sum, not libnet's).
#include <gtest/gtest.h>

#include "probe/icmp_echo.h"

using namespace portauth::probe;

namespace {

uint16_t be16(const std::vector<uint8_t>& v, size_t at) { return uint16_t((v[at] << 8) | v[at + 1]); }
uint32_t be32(const std::vector<uint8_t>& v, size_t at) { return (uint32_t(be16(v, at)) << 16) | be16(v, at + 2); }

// RFC 1071: a correct checksum makes the sum over the covered bytes 0xffff.
uint16_t ones_sum(const std::vector<uint8_t>& v, size_t from, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += be16(v, from + i);
  if (len % 2) sum += uint32_t(v[from + len - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(sum);
}

}  // namespace

TEST(IcmpEcho, BuildsAnEchoRequestWithOurIdAndSequence) {
  const auto p = build_icmp_echo({.source_ip = portauth::config::Address::v4(0xc6120001), .destination_ip = portauth::config::Address::v4(0xc6120102), .id = 0xbeef, .sequence = 3});
  ASSERT_EQ(p.size(), kIcmpEchoPacketSize);
  EXPECT_EQ(p[0], 0x45);                              // IPv4, 20-byte header
  EXPECT_EQ(be16(p, 2), kIcmpEchoPacketSize);         // total length
  EXPECT_EQ(p[8], 64);                                // TTL
  EXPECT_EQ(p[9], 1);                                 // ICMP
  EXPECT_EQ(be32(p, 12), 0xc6120001u);
  EXPECT_EQ(be32(p, 16), 0xc6120102u);
  EXPECT_EQ(p[20], 8);                                // echo request
  EXPECT_EQ(p[21], 0);
  EXPECT_EQ(be16(p, 24), 0xbeef);
  EXPECT_EQ(be16(p, 26), 3);
  EXPECT_EQ(ones_sum(p, 0, 20), 0xffff) << "IPv4 header checksum";
  EXPECT_EQ(ones_sum(p, 20, p.size() - 20), 0xffff) << "ICMP checksum";
}

TEST(IcmpEcho, DifferentSequencesDifferOnlyWhereTheyMust) {
  const auto a = build_icmp_echo({.source_ip = portauth::config::Address::v4(1), .destination_ip = portauth::config::Address::v4(2), .id = 7, .sequence = 1});
  const auto b = build_icmp_echo({.source_ip = portauth::config::Address::v4(1), .destination_ip = portauth::config::Address::v4(2), .id = 7, .sequence = 2});
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    if (i != 22 && i != 23 && i != 26 && i != 27) {
      EXPECT_EQ(a[i], b[i]) << "byte " << i;
    }
  EXPECT_NE(be16(a, 26), be16(b, 26));
}
