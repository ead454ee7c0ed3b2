// The block watch (scanner/block_watch.h) driven by hand: answers per group and time are the
// test's, so each rule is checked on exact numbers.
#include <gtest/gtest.h>

#include "scanner/block_watch.h"

using namespace portauth;
using scanner::BlockWatch;

namespace {

constexpr uint64_t kMs = 1'000'000;
const config::Address kHost = config::Address::v4(0xc6120228);
constexpr unsigned kGroup = 7;

struct Rig {
  BlockWatch watch;
  std::array<std::atomic<uint64_t>, BlockWatch::kGroups> answered{};
  uint64_t now = 1'000 * kMs;

  // `n` probes to the host over `ms` milliseconds, `answered_every` of them answered (0: none),
  // ticking every millisecond as the sender's batches would.
  bool send(unsigned n, unsigned ms, unsigned answered_every, const config::Address& addr = kHost) {
    bool went = false;
    for (unsigned i = 0; i < n; ++i) {
      watch.on_probe(kGroup, addr);
      if (answered_every && i % answered_every == 0) answered[kGroup]++;
      if (i % (n / ms) == 0) {
        now += kMs;
        went |= watch.on_tick(now, answered, 2.0);
      }
    }
    return went;
  }
};

}  // namespace

TEST(BlockWatch, AHostThatGoesSilentAfterABurstIsWaitedForThenPaced) {
  Rig r;
  r.watch.on_pass_start(0, r.now, r.answered);
  EXPECT_FALSE(r.send(300, 6, 1));       // 300 answered in 6 ms
  EXPECT_TRUE(r.send(1000, 20, 0));      // then nothing, for 20 ms
  EXPECT_TRUE(r.watch.gating());
  EXPECT_TRUE(r.watch.silent_now());
  EXPECT_EQ(r.watch.silent_host(), kHost);
  uint64_t wait_until = 0;
  EXPECT_FALSE(r.watch.admit(kHost, 5000, r.now, wait_until));  // deferred, and remembered
  EXPECT_EQ(wait_until, 0u);
  EXPECT_EQ(r.watch.take_deferred(), 1u);
  EXPECT_TRUE(r.watch.admit(config::Address::v4(1), 5001, r.now, wait_until));  // other hosts go
  EXPECT_TRUE(r.watch.waiting(r.now));
  uint64_t slot = 0;
  EXPECT_FALSE(r.watch.keepalive_due(r.now, slot));
  EXPECT_TRUE(r.watch.keepalive_due(r.now + 100 * kMs, slot));
  EXPECT_EQ(slot, 5000u);
  r.watch.on_probe(kGroup, kHost);  // the keepalive
  r.now += 15'000 * kMs;
  EXPECT_EQ(r.watch.published(), 0u);  // not before it answers again
  r.answered[kGroup]++;                // it answers again
  EXPECT_TRUE(r.watch.poll(r.now, r.answered));
  EXPECT_FALSE(r.watch.waiting(r.now));
  EXPECT_EQ(r.watch.published(), 1u);
  EXPECT_EQ(r.watch.published_addr(0), kHost);
  config::Address who;
  const double cap = r.watch.cap(who);
  EXPECT_EQ(who, kHost);
  // 300 answers in ~6 ms, "a second's burst": it tolerates ~300/s, paced at 90% of that; the
  // only host, it sets the pace itself (its bucket), and the scan's cap is twice its rate.
  EXPECT_NEAR(cap, 2 * 0.9 * 300 / 1.006, 6);
  const auto rec = r.watch.records(r.now);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec[0].silences, 1u);
  EXPECT_TRUE(rec[0].answered_again);
  EXPECT_NEAR(rec[0].silent_seconds, 15.02, 0.05);
  EXPECT_GE(rec[0].fell_into_silence, 32u);
  // Paced: a token now, then the next one only later.
  EXPECT_TRUE(r.watch.admit(kHost, 6000, r.now, wait_until));
  unsigned sent = 1;
  while (r.watch.admit(kHost, 6000 + sent, r.now, wait_until)) ++sent;
  EXPECT_GT(wait_until, r.now);
  EXPECT_LE(sent, 14u);  // the bucket's slack
}

TEST(BlockWatch, CaptureRunningLateIsNotASilence) {
  Rig r;
  r.watch.on_pass_start(0, r.now, r.answered);
  r.send(300, 6, 1);
  ASSERT_TRUE(r.send(1000, 20, 0));
  r.answered[kGroup] += 900;  // the late answers arrive all at once
  EXPECT_FALSE(r.watch.poll(r.now, r.answered));
  EXPECT_FALSE(r.watch.gating());
  EXPECT_TRUE(r.watch.records(r.now).empty());
  EXPECT_EQ(r.watch.published(), 0u);
  // And a real silence right after is still caught (the late answers count as answers).
  EXPECT_TRUE(r.send(1000, 20, 0));
  EXPECT_TRUE(r.watch.silent_now());
}

TEST(BlockWatch, HostsThatRarelyAnswerOrShareAGroupAreNotWatched) {
  Rig sparse;  // 1 in 50 answered, then 200 unanswered in a row
  sparse.watch.on_pass_start(0, sparse.now, sparse.answered);
  sparse.send(2000, 40, 50);
  EXPECT_FALSE(sparse.send(200, 20, 0));  // 200 unanswered at p = 0.02: (0.98)^200 = 0.018, chance
  Rig shared;
  shared.watch.on_pass_start(0, shared.now, shared.answered);
  shared.send(300, 6, 1, config::Address::v4(1));
  shared.send(300, 6, 1, config::Address::v4(2));
  EXPECT_FALSE(shared.send(1000, 20, 0));  // two addresses in the group: who went silent?
  Rig retry;  // a retry pass finds no new silent host: its probes are mostly ports that never answer
  retry.watch.on_pass_start(1, retry.now, retry.answered);
  retry.send(300, 6, 1);
  EXPECT_FALSE(retry.send(1000, 20, 0));
  Rig slow;  // silence shorter than the allowance is not silence
  slow.watch.on_pass_start(0, slow.now, slow.answered);
  slow.send(300, 6, 1);
  EXPECT_FALSE(slow.send(100, 2, 0));
}

// UDP probes (most never answered) are not the watch's to judge: the sender does not count them
// (RateController::on_probe) and their answers are not in the counts it is given. A datagram to
// a silent host is deferred with its SYNs but never becomes the keepalive, nor a keepalive slot;
// a paced host's datagrams take none of its SYN tokens.
TEST(BlockWatch, DatagramsWaitOutASilenceButAreNeverKeepalivesNorTakeTokens) {
  Rig r;
  r.watch.on_pass_start(0, r.now, r.answered);
  EXPECT_FALSE(r.send(300, 6, 1));
  EXPECT_TRUE(r.send(1000, 20, 0));
  ASSERT_TRUE(r.watch.silent_now());
  uint64_t wait_until = 0;
  // Due for a keepalive, a datagram is still deferred, and is not remembered as one.
  r.now += 200 * kMs;
  EXPECT_FALSE(r.watch.admit(kHost, 7000, r.now, wait_until, config::Proto::kUdp));
  EXPECT_EQ(wait_until, 0u);
  EXPECT_EQ(r.watch.take_deferred(), 1u);
  uint64_t slot = 0;
  EXPECT_FALSE(r.watch.keepalive_due(r.now, slot));  // no TCP slot deferred yet: none to send
  EXPECT_TRUE(r.watch.admit(kHost, 7001, r.now, wait_until));  // the SYN is the keepalive
  r.watch.on_probe(kGroup, kHost);
  r.now += 15'000 * kMs;
  r.answered[kGroup]++;
  ASSERT_TRUE(r.watch.poll(r.now, r.answered));
  // Paced: the SYNs take the tokens, the datagrams go without.
  EXPECT_TRUE(r.watch.admit(kHost, 8000, r.now, wait_until));
  while (r.watch.admit(kHost, 8001, r.now, wait_until)) {
  }
  EXPECT_GT(wait_until, r.now);  // out of SYN tokens
  for (uint64_t s = 9000; s < 9100; ++s) EXPECT_TRUE(r.watch.admit(kHost, s, r.now, wait_until, config::Proto::kUdp));
}
