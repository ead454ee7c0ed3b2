// Single-producer / single-consumer bounded ring (after folly's ProducerConsumerQueue).
// Contract: exactly one thread calls try_push, exactly one other calls try_pop; both are
// wait-free; capacity is fixed at construction (rounded up to a power of two); no
// allocation after construction. Head and tail live on separate cache lines so the two
// threads do not false-share.
#pragma once
#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>

namespace portauth::capture {

template <typename T>
class SpscQueue {
 public:
  explicit SpscQueue(size_t capacity)
      : mask_(std::bit_ceil(capacity < 2 ? size_t{2} : capacity) - 1), slots_(new T[mask_ + 1]) {}

  bool try_push(const T& value) noexcept {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) > mask_) return false;  // full
    slots_[tail & mask_] = value;
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  bool try_pop(T& out) noexcept {
    const size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return false;  // empty
    out = slots_[head & mask_];
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  size_t capacity() const { return mask_ + 1; }

 private:
  const size_t mask_;
  std::unique_ptr<T[]> slots_;
  alignas(64) std::atomic<size_t> head_{0};
  alignas(64) std::atomic<size_t> tail_{0};
};

}  // namespace portauth::capture
