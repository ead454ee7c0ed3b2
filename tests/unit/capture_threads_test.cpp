// The capture loop on its own thread, as the engine's scan loop runs it: a source delivering frames
// (valid replies, their duplicates, forged ones), the main thread draining the result queue,
// and a "sender" thread reading the probe table throughout. Checks results, not just orderings;
// scripts/test.sh also runs it under ThreadSanitizer (with concurrency_test.cpp).
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

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

constexpr portauth::config::Address kUs = portauth::config::Address::v4(0xc6120001);

// Hands out a fixed list of frames, a few per dispatch() call, then reports the end.
class ListSource final : public PacketSource {
 public:
  explicit ListSource(const std::vector<std::vector<uint8_t>>& frames) : frames_(frames) {}
  int linktype() const override { return kDltEthernet; }
  int dispatch(Handler handler, void* ctx) override {
    if (next_ >= frames_.size()) return -1;
    int n = 0;
    for (; n < 7 && next_ < frames_.size(); ++n, ++next_) handler(ctx, frames_[next_].data(), frames_[next_].size());
    return n;
  }
  SourceCounters counters() const override { return {}; }

 private:
  const std::vector<std::vector<uint8_t>>& frames_;
  size_t next_ = 0;
};

}  // namespace

TEST(CaptureThreads, EveryProbeAnsweredOnceWhileOtherThreadsReadAndDrain) {
  const probe::CookieKey key{11, 12};
  const probe::ProbeSpace space(config::parse_targets({"198.18.1.0/24"}), {22, 80, 443, 8080}, 5);
  probe::ProbeTable table(space.slots());
  const ReplyValidator validator(space, key, kUs, 61000, 256);
  // A small queue, so the capture thread often finds it full and must wait for the consumer.
  SpscQueue<ScanResult> results(16);

  std::vector<std::vector<uint8_t>> frames;
  for (uint64_t slot = 0; slot < space.slots(); ++slot) {
    const auto t = space.at(slot);
    const auto sport = uint16_t(61000 + slot % 256);
    const uint32_t cookie = probe::syn_cookie(key, t.addr, t.port, kUs, sport);
    const uint8_t flags = slot % 3 == 0 ? kSynAck : kRstAck;
    const auto reply = tcp_reply(t.addr, t.port, kUs, sport, cookie + 1, flags);
    frames.push_back(reply);
    frames.push_back(tcp_reply(t.addr, t.port, kUs, sport, cookie + 77, flags));  // forged
    if (slot % 5 == 0) frames.push_back(reply);                                    // retransmitted
  }
  ListSource source(frames);
  CaptureLoop loop(source, validator, table, results);

  std::atomic<bool> stop{false}, capture_done{false}, sender_stop{false};
  std::thread capture([&] {
    loop.run(stop);
    capture_done.store(true, std::memory_order_release);
  });
  std::thread sender([&] {  // the retry pass's view: relaxed reads of the table
    uint64_t unanswered = 0;
    while (!sender_stop.load(std::memory_order_relaxed))
      for (uint64_t slot = 0; slot < space.slots(); slot += 13) unanswered += table.get(slot) == 0;
    EXPECT_GE(unanswered, 0u);
  });
  std::set<uint64_t> seen;
  ScanResult r;
  while (true) {
    // Done only when the capture thread has exited AND the queue is empty after that.
    const bool done = capture_done.load(std::memory_order_acquire);
    if (!results.try_pop(r)) {
      if (done) break;
      std::this_thread::yield();
      continue;
    }
    const auto slot = space.slot_of(r.addr, r.port);
    ASSERT_TRUE(slot.has_value());
    EXPECT_TRUE(seen.insert(*slot).second) << "second result for slot " << *slot;
  }
  stop.store(true);
  capture.join();
  sender_stop.store(true);
  sender.join();

  EXPECT_EQ(seen.size(), space.slots());
  const auto& s = loop.stats();
  EXPECT_EQ(s.accepted.load(), space.slots());
  EXPECT_EQ(s.rejected.load(), space.slots());
  EXPECT_EQ(s.duplicates.load(), (space.slots() + 4) / 5);
  for (uint64_t slot = 0; slot < space.slots(); ++slot) ASSERT_NE(table.get(slot), 0);
}
