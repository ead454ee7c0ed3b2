// The two structures shared across threads, exercised by two threads at once. Run under
// TSan (build with -fsanitize=thread) to check the memory orderings, not just the results.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "probe/probe_table.h"
#include "probe/scan_result.h"
#include "capture/spsc_queue.h"

using namespace portauth;

TEST(ProbeTable, FirstRecordWinsUnderTwoThreads) {
  constexpr uint64_t kSlots = 1 << 20;
  probe::ProbeTable table(kSlots);
  std::atomic<uint64_t> wins[2] = {0, 0};
  auto worker = [&](int id) {
    uint64_t w = 0;
    for (uint64_t s = 0; s < kSlots; ++s) w += table.record(s, uint8_t(id + 1));
    // Duplicates (a retransmitted SYN-ACK) never win a second time.
    for (uint64_t s = 0; s < kSlots; s += 7) EXPECT_FALSE(table.record(s, uint8_t(id + 1)));
    wins[id] = w;
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  EXPECT_EQ(wins[0] + wins[1], kSlots);
  for (uint64_t s = 0; s < kSlots; ++s) ASSERT_NE(table.get(s), 0);
}

// A reader racing the writer: probe_table_test.cpp (ProbeTable.ABitOnceSeenStaysSet).

TEST(SpscQueue, DeliversEverythingInOrderAcrossThreads) {
  capture::SpscQueue<probe::ScanResult> q(1024);
  constexpr uint32_t kItems = 2'000'000;
  std::thread producer([&] {
    for (uint32_t i = 0; i < kItems; ++i) {
      const probe::ScanResult r{portauth::config::Address::v4(i), uint16_t(i), probe::Reason::kRst, uint8_t(i)};
      while (!q.try_push(r)) std::this_thread::yield();
    }
  });
  probe::ScanResult r;
  for (uint32_t i = 0; i < kItems; ++i) {
    while (!q.try_pop(r)) std::this_thread::yield();
    ASSERT_EQ(r.addr, portauth::config::Address::v4(i));
    ASSERT_EQ(r.port, uint16_t(i));
  }
  producer.join();
  EXPECT_FALSE(q.try_pop(r));
}

TEST(SpscQueue, FullAndEmpty) {
  capture::SpscQueue<int> q(4);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(q.try_push(i));
  EXPECT_FALSE(q.try_push(9));
  int v;
  EXPECT_TRUE(q.try_pop(v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(q.try_push(9));
}
