// The parser's SYN-ACK facts (probe/syn_ack_facts.h), on hand-made frames: header fields and
// the option list as a stack wrote it, and option lists that lie about their lengths.
#include <gtest/gtest.h>

#include "capture/reply_parser.h"
#include "frames.h"

using namespace portauth;
using namespace portauth::test;

namespace {

constexpr uint32_t kTarget = 0xc612020a, kUs = 0xc6120001;

// A SYN-ACK with `options` (already padded to whole words) and `data` after the header.
std::vector<uint8_t> syn_ack(const std::vector<uint8_t>& options, uint16_t window, uint32_t isn,
                             std::vector<uint8_t> data = {}, int offset_words = -1) {
  std::vector<uint8_t> tcp;
  put16(tcp, 443);
  put16(tcp, 61000);
  put32(tcp, isn);
  put32(tcp, 1235);
  tcp.push_back(uint8_t((offset_words < 0 ? int(5 + options.size() / 4) : offset_words) << 4));
  tcp.push_back(kSynAck);
  put16(tcp, window);
  put16(tcp, 0);
  put16(tcp, 0);
  tcp.insert(tcp.end(), options.begin(), options.end());
  tcp.insert(tcp.end(), data.begin(), data.end());
  auto ip = ipv4_header(kTarget, kUs, 6, uint16_t(tcp.size()), 63);
  ip.insert(ip.end(), tcp.begin(), tcp.end());
  return ethernet(ip);
}

probe::SynAckFacts facts_of(const std::vector<uint8_t>& frame, capture::ParseStatus want = capture::ParseStatus::kOk) {
  probe::Reply r;
  probe::SynAckFacts f;
  EXPECT_EQ(capture::parse_reply(capture::kDltEthernet, frame.data(), frame.size(), r, &f), want);
  return f;
}

std::string letters(const probe::SynAckFacts& f) {
  char out[probe::SynAckFacts::kMaxOrder + 1];
  probe::option_letters(f, out);
  return out;
}

}  // namespace

TEST(SynAckFacts, LinuxOptionsInOrder) {
  // MSS 1460, SACK permitted, timestamps (tsval 0x01020304), NOP, window scale 7.
  const std::vector<uint8_t> opts = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 9, 1, 3, 3, 7};
  const auto f = facts_of(syn_ack(opts, 65160, 0xdeadbeef));
  EXPECT_EQ(f.isn, 0xdeadbeefu);
  EXPECT_EQ(f.window, 65160);
  EXPECT_EQ(f.mss, 1460);
  EXPECT_EQ(f.wscale, 7);
  EXPECT_TRUE(f.sack_permitted());
  EXPECT_TRUE(f.has_timestamps());
  EXPECT_EQ(f.tsval, 0x01020304u);
  EXPECT_EQ(f.tsecr, 9u);
  EXPECT_EQ(f.ttl, 63);
  EXPECT_EQ(f.ip_id, 0x1234);
  EXPECT_TRUE(f.flags & probe::SynAckFacts::kDontFragment);
  EXPECT_EQ(f.option_count, 5);
  EXPECT_EQ(letters(f), "MSTNW");
  EXPECT_EQ(f.payload, 0);
}

TEST(SynAckFacts, ATarpitsBareSynAck) {
  const auto f = facts_of(syn_ack({}, 10, 42));
  EXPECT_TRUE(f.no_options());
  EXPECT_EQ(f.window, 10);
  EXPECT_EQ(f.mss, 0);
  EXPECT_EQ(f.wscale, probe::SynAckFacts::kNoWscale);
  EXPECT_EQ(letters(f), "");
}

TEST(SynAckFacts, DataOnASynAckIsCounted) {
  EXPECT_EQ(facts_of(syn_ack({2, 4, 0x05, 0xb4}, 0, 1, {'h', 'i', '!'})).payload, 3);
}

TEST(SynAckFacts, OptionListsThatLieStopTheWalk) {
  // An option of length 0, one longer than the header, a length byte past the header's end,
  // and a data offset beyond the captured segment: flagged, never read out of bounds.
  for (const auto& opts : std::vector<std::vector<uint8_t>>{{2, 0, 0, 0}, {8, 40, 0, 0}, {1, 1, 1, 8}}) {
    const auto f = facts_of(syn_ack(opts, 100, 1));
    EXPECT_TRUE(f.flags & probe::SynAckFacts::kBadOptions);
  }
  const auto f = facts_of(syn_ack({}, 100, 1, {}, 15));
  EXPECT_TRUE(f.flags & probe::SynAckFacts::kBadOptions);
  EXPECT_EQ(f.option_count, 0);
  // End of list stops the walk, and is recorded.
  EXPECT_EQ(letters(facts_of(syn_ack({2, 4, 1, 0, 0, 4, 2, 0}, 5, 1))), "ME");
}

TEST(SynAckFacts, OnlySynAcksFillThem) {
  probe::Reply r;
  probe::SynAckFacts f;
  f.window = 777;
  const auto rst = tcp_reply(kTarget, 443, kUs, 61000, 1235, kRstAck);
  ASSERT_EQ(capture::parse_reply(capture::kDltEthernet, rst.data(), rst.size(), r, &f), capture::ParseStatus::kOk);
  EXPECT_EQ(f.window, 777);  // untouched
  const auto v6 = tcp6_reply(config::Address::v6(0x20010002ULL << 32, 2), 22, config::Address::v6(0x20010002ULL << 32, 1),
                             61000, 1, kSynAck, 61);
  ASSERT_EQ(capture::parse_reply(capture::kDltEthernet, v6.data(), v6.size(), r, &f), capture::ParseStatus::kOk);
  EXPECT_EQ(f.window, 65535);
  EXPECT_EQ(f.ttl, 61);
  EXPECT_EQ(f.ip_id, 0);
  EXPECT_EQ(f.isn, 777u);
}
