// The one structure both threads share, from the capture side (items/s = updates/s):
//   BM_TableRecordFirst      first answer for a slot: the CAS 0 -> reason wins
//   BM_TableRecordDuplicate  the slot already answered: the CAS fails (a retransmission)
// Slots are visited in a scattered order (a large odd stride) over a table of the given
// size, as replies arrive in the permutation's order: 2^24 slots (16 MiB, a /8 x 1 port)
// does not fit in cache, so this measures the cache miss that a real scan pays.
#include <benchmark/benchmark.h>

#include <memory>

#include "probe/probe_table.h"

namespace portauth::scanner {
namespace {
using namespace probe;

constexpr uint64_t kStride = 0x9e3779b1;  // odd: visits every slot of a power-of-two table

void BM_TableRecordFirst(benchmark::State& state) {
  const uint64_t size = uint64_t(state.range(0));
  auto table = std::make_unique<ProbeTable>(size);
  uint64_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table->record((n * kStride) & (size - 1), 1));
    if (++n == size) {  // every slot answered: start again on a fresh table
      n = 0;
      state.PauseTiming();
      table = std::make_unique<ProbeTable>(size);
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_TableRecordFirst)->Arg(1 << 16)->Arg(1 << 24);

void BM_TableRecordDuplicate(benchmark::State& state) {
  const uint64_t size = uint64_t(state.range(0));
  ProbeTable table(size);
  for (uint64_t s = 0; s < size; ++s) table.record(s, 1);
  uint64_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.record((n * kStride) & (size - 1), 2));
    ++n;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_TableRecordDuplicate)->Arg(1 << 16)->Arg(1 << 24);

}  // namespace
}  // namespace portauth::scanner
