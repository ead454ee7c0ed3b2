// The capture loop end to end on recorded bytes: parse, validate, table, result queue.
#include <gtest/gtest.h>

#include <map>

#include "capture/capture_loop.h"
#include "probe/probe_space.h"
#include "capture/reply_parser.h"
#include "probe/reply_validator.h"
#include "probe/cookie.h"
#include "frames.h"
#include "config/target_spec.h"

using namespace portauth;
using namespace portauth::capture;
using namespace portauth::probe;
using namespace portauth::test;

namespace {

constexpr portauth::config::Address kUs = portauth::config::Address::v4(0xc6120001), kTarget = portauth::config::Address::v4(0xc6120002);

class NoSource final : public PacketSource {
 public:
  int linktype() const override { return kDltEthernet; }
  int dispatch(Handler, void*) override { return -1; }
  SourceCounters counters() const override { return {}; }
};

}  // namespace

TEST(CaptureLoop, OneResultPerProbeWhateverArrives) {
  const probe::CookieKey key{7, 8};
  const probe::ProbeSpace space(config::parse_targets({"198.18.0.2"}), {22, 80, 443, 8080}, 3);
  probe::ProbeTable table(space.slots());
  const ReplyValidator validator(space, key, kUs, 61000, 256);
  SpscQueue<ScanResult> results(64);
  NoSource source;
  CaptureLoop loop(source, validator, table, results);
  auto cookie = [&](uint16_t port, uint16_t sport) { return probe::syn_cookie(key, kTarget, port, kUs, sport); };

  const auto synack = tcp_reply(kTarget, 80, kUs, 61001, cookie(80, 61001) + 1, kSynAck, 61);
  for (int i = 0; i < 5; ++i) loop.handle(synack.data(), synack.size());  // retransmitted SYN-ACK
  const auto rst = tcp_reply(kTarget, 22, kUs, 61002, cookie(22, 61002) + 1, kRstAck);
  loop.handle(rst.data(), rst.size());
  const auto icmp = icmp_unreach(kTarget, kUs, 61003, kTarget, 443, cookie(443, 61003), 13);
  loop.handle(icmp.data(), icmp.size());
  const auto forged = tcp_reply(kTarget, 8080, kUs, 61004, 424242, kSynAck);
  loop.handle(forged.data(), forged.size());
  const auto garbage = std::vector<uint8_t>(7, 0xff);
  loop.handle(garbage.data(), garbage.size());

  std::map<uint16_t, ScanResult> got;
  ScanResult r;
  while (results.try_pop(r)) EXPECT_TRUE(got.emplace(r.port, r).second) << "second result for " << r.port;
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[80].reason, Reason::kSynAck);
  EXPECT_EQ(got[80].ttl, 61);
  EXPECT_EQ(got[22].reason, Reason::kRst);
  EXPECT_EQ(got[443].reason, Reason::kIcmpAdminProhibited);
  EXPECT_EQ(table.get(*space.slot_of(kTarget, 8080)), 0);  // the forged one changed nothing

  const auto& s = loop.stats();
  EXPECT_EQ(s.frames.load(), 9u);
  EXPECT_EQ(s.accepted.load(), 3u);
  EXPECT_EQ(s.duplicates.load(), 4u);
  EXPECT_EQ(s.rejected.load(), 1u);
  EXPECT_EQ(s.malformed.load(), 1u);
}
