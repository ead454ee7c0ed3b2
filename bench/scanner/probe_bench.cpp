// The per-probe building blocks of the send path, one at a time (items/s = probes/s):
//   BM_ProbeBuild        patch the SYN template: addresses, ports, seq, IP id, both checksums
//   BM_ProbeBuild6       the same for the IPv6 SYN (128-bit destination, TCP checksum only)
//   BM_Cookie            the SipHash-2-4 sequence-number cookie of a 4-tuple
//   BM_PermutationNext   the keyed Feistel permutation's next index (cycle walking included);
//                        the argument is the probe count: 2^16 and 2^17 need no walking,
//                        196608 walks 1.33 passes on average, 65537 is the worst case (~2)
//   BM_ProbeSpaceAt      slot -> (address, port): the permutation plus the address decode
#include <benchmark/benchmark.h>

#include <cstdint>

#include "probe/cookie.h"
#include "probe/permutation.h"
#include "probe/probe_space.h"
#include "probe/syn6_packet.h"
#include "probe/syn_packet.h"
#include "config/address.h"
#include "probe/syn_template.h"
#include "config/target_spec.h"

namespace portauth::scanner {
namespace {
using namespace probe;

constexpr uint32_t kUs = 0xc6120001;  // 198.18.0.1

void BM_ProbeBuild(benchmark::State& state) {
  const SynPacket syn(build_syn_template({.source_ip = kUs}));
  alignas(64) uint8_t out[SynPacket::kMaxLen];
  uint32_t i = 0;
  for (auto _ : state) {
    syn.write(out, {0xc6130000 + (i & 0xffff), uint16_t(61000 + (i & 255)), uint16_t(i), i * 2654435761u,
                    uint16_t(i)});
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
    ++i;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_ProbeBuild);

void BM_ProbeBuild6(benchmark::State& state) {
  const Syn6Packet syn(build_syn6_template({.source_ip = *config::parse_ipv6("2001:2::1")}));
  const config::Address base = *config::parse_ipv6("2001:2::");
  alignas(64) uint8_t out[Syn6Packet::kMaxLen];
  uint32_t i = 0;
  for (auto _ : state) {
    const config::Address dst = config::Address::v6(base.hi(), base.lo() | (i & 0xffff));
    syn.write(out, {dst, uint16_t(61000 + (i & 255)), uint16_t(i), i * 2654435761u});
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
    ++i;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_ProbeBuild6);

void BM_Cookie(benchmark::State& state) {
  const CookieKey key{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  uint32_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(syn_cookie(key, 0xc6130000 + i, uint16_t(i >> 3), kUs, uint16_t(61000 + (i & 255))));
    ++i;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_Cookie);

void BM_PermutationNext(benchmark::State& state) {
  const uint64_t n = uint64_t(state.range(0));
  const Permutation perm(n, 42);
  uint64_t position = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(perm.forward(position));
    if (++position == n) position = 0;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
// One host x all ports; a /15 x 1 port; a /16 x 3 ports; a /8 x 1 port; the worst case.
BENCHMARK(BM_PermutationNext)->Arg(65536)->Arg(131072)->Arg(196608)->Arg(1 << 24)->Arg(65537);

void BM_ProbeSpaceAt(benchmark::State& state) {
  const ProbeSpace space(config::parse_targets({"198.19.0.0/16"}), {22, 80, 113}, 42);
  uint64_t slot = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(space.at(slot));
    if (++slot == space.slots()) slot = 0;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_ProbeSpaceAt);

}  // namespace
}  // namespace portauth::scanner
