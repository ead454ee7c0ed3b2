// The capture thread's per-reply path (items/s = replies/s), on valid answers to probes of
// a /16 x 3 ports scan (a third each SYN-ACK, RST, ICMP port unreachable):
//   BM_ParseValidateClassify  parse_reply + ReplyValidator::check (cookie, slot_of) -> reason
//   BM_CaptureHandle          CaptureLoop::handle: the above plus the table CAS and the push
//                             of a ScanResult to the main thread's queue (drained here)
//   BM_RejectForged           a reply with a wrong cookie: what a flood of stray traffic costs
#include <benchmark/benchmark.h>

#include <atomic>

#include "capture/capture_loop.h"
#include "config/address.h"
#include "frames.h"
#include "reply_frames.h"
#include "capture/reply_parser.h"
#include "probe/reply_validator.h"
#include "config/target_spec.h"

namespace portauth::capture {
namespace {
using namespace probe;

constexpr uint64_t kFrames = 4096;  // cycled; small enough to stay in cache like a hot ring

struct Setup {
  probe::CookieKey key{11, 12};
  probe::ProbeSpace space{config::parse_targets({"198.19.0.0/16"}), {22, 80, 113}, 42};
  ReplyValidator validator{space, key, config::Address::v4(bench::kUs), bench::kPortFirst, bench::kPortCount};
  std::vector<std::vector<uint8_t>> frames = bench::reply_frames(space, key, kFrames);
};

void BM_ParseValidateClassify(benchmark::State& state) {
  const Setup s;
  size_t i = 0;
  uint64_t accepted = 0;
  for (auto _ : state) {
    const auto& f = s.frames[i];
    Reply r;
    if (parse_reply(kDltEthernet, f.data(), f.size(), r) == ParseStatus::kOk) {
      const Verdict v = s.validator.check(r);
      accepted += v.reject == Reject::kNone;
      benchmark::DoNotOptimize(state_of(v.reason));
    }
    if (++i == kFrames) i = 0;
  }
  if (accepted != uint64_t(state.iterations())) state.SkipWithError("a valid reply was rejected");
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_ParseValidateClassify);

// The same over IPv6: SYN-ACK, RST+ACK and ICMPv6 port unreachable (a third each) answering
// probes of 2001:2::/112 x 3 ports (tests/unit/frames.h writes the frames byte by byte).
void BM_ParseValidateClassify6(benchmark::State& state) {
  const probe::CookieKey key{11, 12};
  const config::Address us = *config::parse_ipv6("2001:2::1");
  const probe::ProbeSpace space(config::parse_targets({"2001:2::/112"}), {22, 80, 113}, 42);
  const ReplyValidator validator(space, key, us, bench::kPortFirst, bench::kPortCount);
  std::vector<std::vector<uint8_t>> frames;
  for (uint64_t slot = 0; slot < kFrames; ++slot) {
    const auto t = space.at(slot);
    const uint16_t uport = uint16_t(bench::kPortFirst + slot % bench::kPortCount);
    const uint32_t cookie = syn_cookie(key, t.addr, t.port, us, uport);
    frames.push_back(slot % 3 == 0   ? test::tcp6_reply(t.addr, t.port, us, uport, cookie + 1, test::kSynAck)
                     : slot % 3 == 1 ? test::tcp6_reply(t.addr, t.port, us, uport, cookie + 1, test::kRstAck)
                                     : test::icmp6_unreach(t.addr, us, uport, t.addr, t.port, cookie, 4));
  }
  size_t i = 0;
  uint64_t accepted = 0;
  for (auto _ : state) {
    const auto& f = frames[i];
    Reply r;
    if (parse_reply(kDltEthernet, f.data(), f.size(), r) == ParseStatus::kOk) {
      const Verdict v = validator.check(r);
      accepted += v.reject == Reject::kNone;
      benchmark::DoNotOptimize(state_of(v.reason));
    }
    if (++i == kFrames) i = 0;
  }
  if (accepted != uint64_t(state.iterations())) state.SkipWithError("a valid reply was rejected");
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_ParseValidateClassify6);

void BM_RejectForged(benchmark::State& state) {
  const Setup s;
  auto frame = s.frames[0];
  frame[14 + 20 + 11] ^= 0x5a;  // corrupt the ack: the cookie check fails
  for (auto _ : state) {
    Reply r;
    parse_reply(kDltEthernet, frame.data(), frame.size(), r);
    benchmark::DoNotOptimize(s.validator.check(r));
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_RejectForged);

class NoSource final : public PacketSource {
 public:
  int linktype() const override { return kDltEthernet; }
  int dispatch(Handler, void*) override { return -1; }
  SourceCounters counters() const override { return {}; }
};

void BM_CaptureHandle(benchmark::State& state) {
  const Setup s;
  NoSource source;
  SpscQueue<ScanResult> results(1 << 16);
  // A fresh table whenever every frame has been answered once, so each handle() is a first
  // answer (CAS wins, result pushed) as during a real scan.
  auto table = std::make_unique<probe::ProbeTable>(s.space.slots());
  auto loop = std::make_unique<CaptureLoop>(source, s.validator, *table, results);
  size_t i = 0;
  ScanResult out;
  for (auto _ : state) {
    const auto& f = s.frames[i];
    loop->handle(f.data(), f.size());
    results.try_pop(out);
    if (++i == kFrames) {
      i = 0;
      state.PauseTiming();
      table = std::make_unique<probe::ProbeTable>(s.space.slots());
      loop = std::make_unique<CaptureLoop>(source, s.validator, *table, results);
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_CaptureHandle);

}  // namespace
}  // namespace portauth::capture
