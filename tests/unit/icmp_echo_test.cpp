// The libnet-built ICMP echo request: every field where TruStealth's ping check needs it, and
// both checksums right (verified here with our own one's-complement sum, not libnet's); the
// echo probe module's patched copies of it, and its capture filter under libpcap.
#include <gtest/gtest.h>

#include <pcap/pcap.h>

#include "config/target_spec.h"
#include "echo_fixture.h"
#include "probe/icmp_echo.h"
#include "probe/icmp_echo_probe.h"

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

// The echo probe module patches libnet's template: for every destination, identifier and
// sequence its probe is byte for byte what libnet builds for them, and libnet's template is
// the reference the pure tests use (echo_fixture.h).
TEST(IcmpEcho, TheProbeModuleWritesWhatLibnetBuilds) {
  using portauth::config::Address;
  const Address us4 = Address::v4(0xc6120001), us6 = portauth::config::parse_address("2001:2::1").value();
  const auto t4 = build_icmp_echo({.source_ip = us4, .destination_ip = us4});
  const auto t6 = build_icmp_echo({.source_ip = us6, .destination_ip = us6});
  EXPECT_EQ(t4, portauth::test::reference_echo_template(us4));
  EXPECT_EQ(t6, portauth::test::reference_echo_template(us6));
  const ProbeSpace space(portauth::config::parse_targets({"198.18.0.0/28", "2001:2::/124"}), {0}, 9);
  const CookieKey key{5, 6};
  const IcmpEchoProbe echo(t4, t6, space, key, {0x4000, 4});
  for (uint64_t slot = 0; slot < space.slots(); ++slot) {
    const ProbeTarget t = space.at(slot);
    const Address& us = t.addr.is_v4() ? us4 : us6;
    for (uint16_t id = 0x4000; id < 0x4004; ++id) {
      std::vector<uint8_t> out(echo.max_len());
      out.resize(echo.write(out.data(), t, id));
      const auto want = build_icmp_echo({.source_ip = us, .destination_ip = t.addr, .id = id,
                                         .sequence = IcmpEchoProbe::sequence_for(key, t.addr, us, id)});
      ASSERT_EQ(out, want) << portauth::config::format_address(t.addr) << " id " << id;
    }
  }
}

// Its capture filter is one libpcap compiles, for each family and for both.
TEST(IcmpEcho, TheProbeModulesFilterCompiles) {
  using portauth::config::Address;
  const Address us4 = Address::v4(0xc6120001), us6 = portauth::config::parse_address("2001:2::1").value();
  const auto t4 = build_icmp_echo({.source_ip = us4, .destination_ip = us4});
  const auto t6 = build_icmp_echo({.source_ip = us6, .destination_ip = us6});
  const ProbeSpace space(portauth::config::parse_targets({"198.18.0.2"}), {0}, 9);
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  for (const auto& m : {IcmpEchoProbe(t4, {}, space, {}, {1, 1}), IcmpEchoProbe({}, t6, space, {}, {1, 1}),
                        IcmpEchoProbe(t4, t6, space, {}, {1, 1})}) {
    bpf_program prog{};
    EXPECT_EQ(pcap_compile(dead, &prog, m.capture_filter().c_str(), 1, PCAP_NETMASK_UNKNOWN), 0)
        << m.capture_filter() << ": " << pcap_geterr(dead);
    pcap_freecode(&prog);
  }
  pcap_close(dead);
}
