// The whole send path into a null sink: the Sender's first pass exactly as a scan runs it
// (permutation, address decode, cookie, template patch, batching, stats), unpaced
// (kUnlimitedRate, as --rate max), handing batches to NullSink, so no syscall is measured.
// items/s = probes/s on one core; the target is >= 10 Mpps.
//
// Arguments: target prefix length (the scan is 198.18.0.0/len, ports 80 and 443 when len
// is 16, one port otherwise); each iteration is one whole pass.
#include <benchmark/benchmark.h>

#include <atomic>
#include <string>

#include "probe/cookie.h"
#include "scanner/packet_sink.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"
#include "scanner/sender.h"
#include "probe/syn_probe.h"
#include "probe/syn_template.h"
#include "config/target_spec.h"

namespace portauth::scanner {
namespace {
using namespace probe;

void BM_SendPathNullSink(benchmark::State& state) {
  const int prefix = int(state.range(0));
  const std::vector<uint16_t> ports = prefix == 16 ? std::vector<uint16_t>{80, 443} : std::vector<uint16_t>{80};
  const ProbeSpace space(config::parse_targets({"198.18.0.0/" + std::to_string(prefix)}), ports, 42);
  ProbeTable table(space.slots());
  const SynProbe module(build_syn_template({.source_ip = 0xc6120001}), space, CookieKey{1, 2}, {61000, 256});
  NullSink sink;
  SteadyClock clock;
  SenderConfig config;
  config.rate_pps = kUnlimitedRate;
  config.retries = 0;
  const std::atomic<bool> stop{false};
  for (auto _ : state) {
    Sender sender(space, table, module, sink, clock, config);
    sender.run(stop);
  }
  state.SetItemsProcessed(int64_t(sink.count));
  state.counters["batch"] = double(config.max_batch);
}
BENCHMARK(BM_SendPathNullSink)->Arg(16)->Arg(15)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace portauth::scanner
