// synth_shards: the outputs of a sharded scan, made without scanning, to time `portauth merge`
// at a realistic size (bench/README.md, "16-machine Internet-wide scan").
//
//   synth_shards OUTDIR [TARGETS [PORT [SHARDS [OPEN_PER_MILLE [SEED]]]]]
//   defaults:            0.0.0.0/0  80    16       17               42
//
// For each shard i of the plan (the real plan builder, default excludes applied), walks the
// shard's probe order and calls a probe open with probability OPEN_PER_MILLE / 1000 (a keyed
// hash of the slot, so runs repeat), writing each open one with the real JSONL writer as a
// --show open scan would, then the shard's manifest with the real manifest writer. 17 per
// mille is about what port 80 answers on the Internet (some 60 million hosts).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "output/jsonl_writer.h"
#include "merge/manifest.h"
#include "probe/probe_space.h"
#include "config/scan_plan.h"

using namespace portauth;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUTDIR [TARGETS [PORT [SHARDS [OPEN_PER_MILLE [SEED]]]]]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const std::string targets = argc > 2 ? argv[2] : "0.0.0.0/0";
  const std::string port = argc > 3 ? argv[3] : "80";
  const uint32_t shards = uint32_t(argc > 4 ? std::atoi(argv[4]) : 16);
  const uint64_t per_mille = uint64_t(argc > 5 ? std::atoll(argv[5]) : 17);
  const uint64_t seed = uint64_t(argc > 6 ? std::atoll(argv[6]) : 42);
  const output::Annotation http{"http", "World Wide Web HTTP", "medium", ""};
  for (uint32_t i = 1; i <= shards; ++i) {
    const std::string base = dir + "/shard-" + std::to_string(i);
    config::ScanOptions o;
    o.targets = {targets};
    o.ports = port;
    o.seed = seed;
    o.shard = std::to_string(i) + "/" + std::to_string(shards);
    o.confirm_large = true;
    o.extra_outputs = {{"jsonl", base + ".jsonl"}};
    const config::ScanPlan plan = config::build_scan_plan(o);
    const probe::ProbeSpace space(plan.targets, plan.ports, plan.seed, plan.shard_index, plan.shard_count);
    std::FILE* f = std::fopen((base + ".jsonl").c_str(), "w");
    if (!f) {
      std::perror(base.c_str());
      return 1;
    }
    output::ScanSummary s;
    {
      output::JsonlWriter w(f);
      for (uint64_t slot = 0; slot < space.slots(); ++slot) {
        uint64_t h = (slot ^ (uint64_t(i) << 40)) * 0x9e3779b97f4a7c15ull;  // Fibonacci hash: cheap, repeatable
        h ^= h >> 29;
        if (h % 1000 >= per_mille) continue;
        const auto t = space.at(slot);
        w.result({t.addr, t.port, probe::Reason::kSynAck, 54}, http, {});
        if (++s.open % 65536 == 0) w.flush();
      }
      s.probed = s.packets_sent = space.slots();
      s.stealth = space.slots() - s.open;  // as a --show open scan counts them
      s.passes = 3;
      w.finish(s);
    }
    std::fclose(f);
    const std::string manifest = base + ".manifest.json";
    std::FILE* m = std::fopen(manifest.c_str(), "w");
    const std::string text = merge::manifest_json(merge::make_manifest(plan, plan.show, s, manifest));
    std::fwrite(text.data(), 1, text.size(), m);
    std::fclose(m);
    std::fprintf(stderr, "synth_shards: shard %u/%u: %llu probes, %llu open\n", i, shards,
                 (unsigned long long)space.slots(), (unsigned long long)s.open);
  }
  return 0;
}
