// The one structure the sender and capture threads share: a byte per probe slot.
//
//   0      no answer yet (the sender re-probes these on retry passes)
//   1..254 the first answer's reason code (capture/reason.h), set exactly once
//   255    answered in an earlier run (a resumed scan): neither probed nor reported again
//
// Contract: fixed capacity set at construction; record() is wait-free (one CAS) and safe
// from any number of threads; the first record() for a slot wins and returns true, later
// ones return false, so a duplicated or retransmitted reply can never make a second result.
// get() is a relaxed load: the sender may see an answer late (and send one harmless extra
// probe) but never sees a torn value. Nothing is allocated after construction; no locks.
// Memory: exactly one byte per slot (kMaxProbes = 2^28 slots -> 256 MiB at most), plus one
// counter of answered slots (a relaxed increment by the record() that wins), so "is every
// probe answered?" is one load, not a scan of the table: the sender and the main thread use
// it to skip waiting for replies that cannot come.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>

namespace portauth::probe {

class ProbeTable {
 public:
  static constexpr uint8_t kAnsweredEarlier = 255;

  explicit ProbeTable(uint64_t slots) : cells_(new std::atomic<uint8_t>[slots]), size_(slots) {
    for (uint64_t i = 0; i < slots; ++i) cells_[i].store(0, std::memory_order_relaxed);
  }

  bool record(uint64_t slot, uint8_t reason) noexcept {
    uint8_t expected = 0;
    if (!cells_[slot].compare_exchange_strong(expected, reason, std::memory_order_relaxed)) return false;
    answered_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  uint8_t get(uint64_t slot) const noexcept { return cells_[slot].load(std::memory_order_relaxed); }
  uint64_t size() const noexcept { return size_; }
  // Slots with an answer; may lag record() by a moment on another thread, never overcounts.
  uint64_t answered() const noexcept { return answered_.load(std::memory_order_relaxed); }

 private:
  std::unique_ptr<std::atomic<uint8_t>[]> cells_;
  uint64_t size_;
  // Its own cache line: the capture thread writes it, the sender reads cells_ and size_.
  alignas(64) std::atomic<uint64_t> answered_{0};
};

static_assert(sizeof(std::atomic<uint8_t>) == 1, "the table promises one byte per probe");

}  // namespace portauth::probe
