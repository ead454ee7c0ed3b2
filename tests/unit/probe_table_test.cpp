// The one-bit probe table: neighbouring slots share a 64-bit word, so the test that matters
// is two threads answering different slots of the same words at once: every slot must be
// won exactly once, and no bit may be lost. Run under TSan (-fsanitize=thread) for the
// orderings; the results are checked in any build.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "probe/probe_table.h"

using portauth::probe::ProbeTable;

TEST(ProbeTable, OneBitPerSlot) {
  EXPECT_EQ(ProbeTable::bytes_for(1), 8u);
  EXPECT_EQ(ProbeTable::bytes_for(64), 8u);
  EXPECT_EQ(ProbeTable::bytes_for(65), 16u);
  // All of IPv4, one port: the per-run limit, 512 MiB.
  EXPECT_EQ(ProbeTable::bytes_for(uint64_t{1} << 32), uint64_t{512} << 20);
  ProbeTable t(130);  // not a multiple of 64: the last word is partly used
  EXPECT_TRUE(t.record(129, 1));
  EXPECT_TRUE(t.get(129));
  EXPECT_FALSE(t.get(128));
  EXPECT_FALSE(t.record(129, 2));  // first answer wins
  EXPECT_TRUE(t.record(63, ProbeTable::kAnsweredEarlier));
  EXPECT_TRUE(t.record(64, 1));
  EXPECT_EQ(t.answered(), 3u);
}

TEST(ProbeTable, TwoThreadsOnInterleavedSlotsOfTheSameWords) {
  constexpr uint64_t kSlots = (1 << 20) + 37;
  ProbeTable table(kSlots);
  std::atomic<uint64_t> wins[2] = {0, 0};
  // Thread 0 takes even slots and thread 1 odd ones, then each tries the other's: every
  // word is written by both at once; a lost bit shows as a second win or a zero slot.
  auto worker = [&](int id) {
    uint64_t w = 0;
    for (uint64_t s = uint64_t(id); s < kSlots; s += 2) w += table.record(s, 1);
    for (uint64_t s = uint64_t(1 - id); s < kSlots; s += 2) w += table.record(s, 1);
    wins[id] = w;
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  EXPECT_EQ(wins[0] + wins[1], kSlots);
  EXPECT_EQ(table.answered(), kSlots);
  for (uint64_t s = 0; s < kSlots; ++s) ASSERT_TRUE(table.get(s)) << s;
}

TEST(ProbeTable, ABitOnceSeenStaysSet) {
  constexpr uint64_t kSlots = 1 << 18;
  ProbeTable table(kSlots);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (uint64_t s = 0; s < kSlots; s += 3) table.record(s, 1);
    done = true;
  });
  std::vector<bool> seen(kSlots, false);
  while (!done) {
    for (uint64_t s = 0; s < kSlots; s += 97) {
      const bool v = table.get(s);
      ASSERT_TRUE(!seen[s] || v) << "slot " << s << " was answered, then not";
      ASSERT_TRUE(!v || s % 3 == 0) << "slot " << s << " was never recorded";
      seen[s] = seen[s] || v;
    }
  }
  writer.join();
}
