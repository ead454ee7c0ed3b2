// The parts of the wire path that link libnet (construct-only) or libpcap (a dead handle for
// writing pcap files): libnet's SYN template against the byte-by-byte reference the pure tests
// use, and the pcap file sink. No socket, no root.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "config/target_spec.h"
#include "fake_clock.h"
#include "probe/cookie.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"
#include "probe/syn_probe.h"
#include "probe/syn6_packet.h"
#include "probe/syn_template.h"
#include "config/address.h"
#include "scanner/pcap_file_sink.h"
#include "scanner/sender.h"
#include "send_fixture.h"
#include "syn_fixture.h"

using namespace portauth;
using namespace portauth::scanner;
using namespace portauth::probe;
using config::Address;

namespace {
Address a6_(const char* s) { return *config::parse_ipv6(s); }
}  // namespace

namespace {

using Fixture = test::SendFixture;

}  // namespace

TEST(SynTemplate, LibnetBuildsTheExpectedHeaders) {
  const auto t = build_syn_template({.source_ip = 0xc6120001});
  ASSERT_EQ(t.size(), 44u);
  EXPECT_EQ(t[0], 0x45);        // IPv4, 20-byte header
  EXPECT_EQ(t[8], 64);          // TTL
  EXPECT_EQ(t[9], 6);           // TCP
  EXPECT_EQ(t[6] & 0x40, 0);    // no DF
  EXPECT_EQ(t[12], 198);        // source address
  EXPECT_EQ(t[15], 1);
  EXPECT_EQ(t[32], 0x60);       // TCP data offset 6 words (MSS option)
  EXPECT_EQ(t[33], 0x02);       // SYN only
  EXPECT_EQ(t[34] << 8 | t[35], 1024);
  EXPECT_EQ(std::vector<uint8_t>(t.begin() + 40, t.end()), (std::vector<uint8_t>{2, 4, 0x05, 0xb4}));
}

TEST(SynTemplate, LibnetsTemplateEqualsTheReference) {
  for (uint32_t src : {0xc6120001u, 0x7f000001u, 0x01020304u})
    EXPECT_EQ(build_syn_template({.source_ip = src}), portauth::test::reference_syn_template(src)) << src;
}

TEST(Transmit, PcapFileSinkWritesRawIpv4Records) {
  Fixture f({80});
  const std::string path = ::testing::TempDir() + "portauth_probes.pcap";
  {
    PcapFileSink sink(path);
    SenderConfig c;
    c.rate_pps = kUnlimitedRate;
    c.retries = 0;
    Sender sender(f.space, f.table, f.syn, sink, f.clock, c);
    const std::atomic<bool> stop{false};
    sender.run(stop);
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path.c_str());
  const size_t record = 16 + f.syn.size();
  ASSERT_EQ(bytes.size(), 24 + f.space.slots() * record);
  auto le32 = [&](size_t i) {
    return uint32_t(bytes[i] | bytes[i + 1] << 8 | bytes[i + 2] << 16 | bytes[i + 3] << 24);
  };
  EXPECT_EQ(le32(0), 0xa1b2c3d4u);  // microsecond pcap, little-endian host
  EXPECT_EQ(le32(20), 101u);        // LINKTYPE_RAW: DLT_RAW as pcap files spell it
  EXPECT_EQ(le32(24 + 8), f.syn.size());
  EXPECT_EQ(bytes[24 + 16], 0x45);  // the record is the IPv4 packet itself
  EXPECT_EQ(bytes[24 + 16 + 9], 6);
}


TEST(Syn6Packet, TemplateFromLibnetPatchedPerProbeHasCorrectChecksums) {
  const Address us = a6_("2001:2::1");
  const auto t = probe::build_syn6_template({.source_ip = us});
  ASSERT_EQ(t.size(), 64u);
  EXPECT_EQ(t[0] >> 4, 6);
  EXPECT_EQ(t[6], 6);   // next header TCP
  EXPECT_EQ(t[7], 64);  // hop limit
  const probe::Syn6Packet syn(t);
  EXPECT_EQ(syn.source_ip(), us);
  uint8_t out[probe::Syn6Packet::kMaxLen];
  for (const char* dst : {"2001:2::2", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "2001:2::"}) {
    syn.write(out, {a6_(dst), 61001, 443, 0x89abcdef});
    const std::span<const uint8_t> p(out, syn.size());
    EXPECT_EQ(Address::from_bytes(out + 24), a6_(dst));
    EXPECT_EQ((out[40] << 8) | out[41], 61001);
    EXPECT_EQ((out[42] << 8) | out[43], 443);
    EXPECT_EQ((uint16_t(out[56] << 8) | out[57]), probe::tcp_checksum_ipv6(p)) << dst;
    EXPECT_EQ(out[53], 0x02);  // SYN only
  }
}


