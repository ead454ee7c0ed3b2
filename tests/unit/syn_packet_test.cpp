#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "probe/syn_packet.h"
#include "syn_fixture.h"

using namespace portauth::probe;

namespace {
// 198.18.0.1:61000 -> 198.18.0.2:80 SYN, seq 0x12345678, IP id 0xabcd, window 1024,
// MSS 1460, TTL 64. Bytes and both checksums computed by an independent reference
// implementation (Python struct), not by the code under test.
const std::vector<uint8_t> kKnownGoodSyn = {
    0x45, 0x00, 0x00, 0x2c, 0xab, 0xcd, 0x00, 0x00, 0x40, 0x06, 0x42, 0xd7, 0xc6, 0x12, 0x00,
    0x01, 0xc6, 0x12, 0x00, 0x02, 0xee, 0x48, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00,
    0x00, 0x00, 0x60, 0x02, 0x04, 0x00, 0xb0, 0xb9, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4};
}  // namespace

TEST(SynPacket, PatchedProbeMatchesKnownGoodFrame) {
  const SynPacket syn(portauth::test::reference_syn_template(0xc6120001));
  uint8_t out[SynPacket::kMaxLen];
  syn.write(out, {0xc6120002, 61000, 80, 0x12345678, 0xabcd});
  EXPECT_EQ(std::vector<uint8_t>(out, out + syn.size()), kKnownGoodSyn);
}

TEST(SynPacket, IncrementalChecksumsEqualFullOnesForRandomFields) {
  const SynPacket syn(portauth::test::reference_syn_template(0x7f000001));
  std::mt19937_64 rng(1);
  uint8_t out[SynPacket::kMaxLen];
  for (int i = 0; i < 20000; ++i) {
    const uint64_t r = rng();
    const SynFields f{uint32_t(r), uint16_t(r >> 32), uint16_t(r >> 48), uint32_t(rng()), uint16_t(rng())};
    syn.write(out, f);
    const std::span<const uint8_t> pkt(out, syn.size());
    ASSERT_EQ(internet_checksum(pkt.first(20)), 0) << "IP header checksum, case " << i;
    const uint16_t stored = uint16_t(out[36] << 8 | out[37]);
    ASSERT_EQ(tcp_checksum_ipv4(pkt), stored) << "TCP checksum, case " << i;
  }
}

TEST(SynPacket, RejectsMalformedTemplates) {
  std::vector<uint8_t> t = portauth::test::reference_syn_template(1);
  EXPECT_THROW(SynPacket(std::span<const uint8_t>(t.data(), 30)), std::invalid_argument);
  t[9] = 17;  // UDP
  EXPECT_THROW(SynPacket{t}, std::invalid_argument);
}
