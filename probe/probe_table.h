// The one structure the sender and capture threads share: one bit per probe slot.
//
//   0  no answer yet (the sender re-probes these on retry passes)
//   1  answered: in this run (the reason travels in the probe::ScanResult the capture
//      thread hands on, so the table never needs it), or in an earlier run of a resumed scan
//
// Contract: fixed capacity set at construction; record() is wait-free (one atomic OR on the
// slot's 64-bit word) and safe from any number of threads; the first record() for a slot
// wins and returns true, later ones return false, so a duplicated or retransmitted reply can
// never make a second result. Two threads answering different slots of one word both win:
// each OR sets only its own bit and sees only its own bit's old value. get() is a relaxed
// load: the sender may see an answer late (and send one harmless extra probe) but a bit,
// once set, stays set. Nothing is allocated after construction; no locks.
// Memory: one bit per slot, rounded up to whole 64-bit words (kMaxProbes = 2^32 slots ->
// 512 MiB at most), plus one counter of answered slots (a relaxed increment by the record()
// that wins), so "is every probe answered?" is one load, not a scan of the table: the sender
// and the main thread use it to skip waiting for replies that cannot come.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>

namespace portauth::probe {

class ProbeTable {
 public:
  // record()'s value: ignored by the table (kept so callers say why a slot is answered).
  static constexpr uint8_t kAnsweredEarlier = 255;

  explicit ProbeTable(uint64_t slots) : words_(new std::atomic<uint64_t>[words_for(slots)]), size_(slots) {
    // Written, not left to fresh zero pages: the whole table is resident from the start, so
    // the scan's memory figure is its real one and never grows while the scan runs.
    for (uint64_t i = 0; i < words_for(slots); ++i) words_[i].store(0, std::memory_order_relaxed);
  }

  bool record(uint64_t slot, uint8_t /*why*/) noexcept {
    const uint64_t bit = uint64_t{1} << (slot & 63);
    if (words_[slot >> 6].fetch_or(bit, std::memory_order_relaxed) & bit) return false;
    answered_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  bool get(uint64_t slot) const noexcept {
    return (words_[slot >> 6].load(std::memory_order_relaxed) >> (slot & 63)) & 1;
  }
  uint64_t size() const noexcept { return size_; }
  // Slots with an answer; may lag record() by a moment on another thread, never overcounts.
  uint64_t answered() const noexcept { return answered_.load(std::memory_order_relaxed); }
  // What the table holds for this many slots.
  static constexpr uint64_t bytes_for(uint64_t slots) { return words_for(slots) * sizeof(uint64_t); }

 private:
  static constexpr uint64_t words_for(uint64_t slots) { return (slots + 63) / 64; }

  std::unique_ptr<std::atomic<uint64_t>[]> words_;
  uint64_t size_;
  // Its own cache line: the capture thread writes it, the sender reads words_ and size_.
  alignas(64) std::atomic<uint64_t> answered_{0};
};

static_assert(std::atomic<uint64_t>::is_always_lock_free, "record() must stay wait-free");
static_assert(sizeof(std::atomic<uint64_t>) == 8, "the table promises one bit per probe");

}  // namespace portauth::probe
