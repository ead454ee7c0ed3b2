// Loading the port database and looking ports up in it.
//
// BM_LoadIndex is the number that matters to users: every `portauth scan` and `lookup`
// pays it once at start, reading the compiled index the build makes from ports.yaml.
// BM_LoadRealDb is the same database parsed and validated from YAML (what --db FILE.yaml
// and the build's generator pay). BM_LoadSynthetic measures the YAML path on generated data
// of a fixed shape, so runs can be compared while ports.yaml grows. BM_Find is the per-port
// cost of annotating results (items/s = lookups/s); BM_IanaTier the one-time read of the
// IANA registry that unlisted ports need.
#include <benchmark/benchmark.h>

#include <string>

#include "db/db_path.h"
#include "db/iana_registry.h"
#include "db/port_db.h"

namespace portauth::db {
namespace {

// `entries` single-port entries shaped like real ones: a two-line description, a related
// list, a risk and (for the first 300) a rank.
std::string synthetic_yaml(int entries) {
  std::string yaml = "schema_version: 1\ndata_version: \"bench\"\nports:\n";
  for (int i = 0; i < entries; ++i) {
    const std::string port = std::to_string(i + 1);
    yaml += "  - port: " + port + "\n    name: svc" + port + "\n    aliases: [alias" + port +
            "]\n    purpose: Synthetic Service Protocol Number " + port +
            "\n    description: >\n      Synthetic service " + port + " listens on port " + port +
            " so the loader\n      has realistic prose to fold, entry " + port + " of the synthetic set.\n"
            "    related: [1, 2, 3]\n    risk: low\n";
    if (i < 300) yaml += "    rank: " + port + "\n";
  }
  return yaml;
}

void BM_LoadRealDb(benchmark::State& state) {
  const std::string path = source_db_path();
  size_t entries = 0;
  for (auto _ : state) {
    try {
      const PortDb db = PortDb::load_file(path);
      entries = db.size();
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
  }
  state.counters["entries"] = static_cast<double>(entries);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(entries));
}
BENCHMARK(BM_LoadRealDb)->Unit(benchmark::kMillisecond);

void BM_LoadIndex(benchmark::State& state) {
  const std::string path = build_index_path();
  size_t entries = 0;
  for (auto _ : state) {
    try {
      const PortDb db = PortDb::load_file(path);
      entries = db.size();
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
  }
  state.counters["entries"] = static_cast<double>(entries);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(entries));
}
BENCHMARK(BM_LoadIndex)->Unit(benchmark::kMillisecond);

void BM_IanaTier(benchmark::State& state) {
  for (auto _ : state) {
    const IanaTier tier = load_iana_tier(std::string(kIanaServicesPath));
    if (!tier.registry) {
      state.SkipWithError(tier.problem.c_str());
      return;
    }
    benchmark::DoNotOptimize(tier.registry->services().size());
  }
}
BENCHMARK(BM_IanaTier)->Unit(benchmark::kMillisecond);

void BM_LoadSynthetic(benchmark::State& state) {
  const std::string yaml = synthetic_yaml(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    const PortDb db = PortDb::load_string(yaml, "<synthetic>");
    benchmark::DoNotOptimize(db.size());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(yaml.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_LoadSynthetic)->Arg(2000)->Unit(benchmark::kMillisecond);

void BM_Find(benchmark::State& state) {
  // Every port, listed or not, in order: the index makes both the same single array read.
  const PortDb db = PortDb::load_string(synthetic_yaml(2000), "<synthetic>");
  for (auto _ : state) {
    for (uint32_t port = 0; port <= 65535; ++port) {
      benchmark::DoNotOptimize(db.find(static_cast<uint16_t>(port)));
    }
  }
  state.SetItemsProcessed(state.iterations() * 65536);
}
BENCHMARK(BM_Find);

void BM_FindByName(benchmark::State& state) {
  const PortDb db = PortDb::load_string(synthetic_yaml(2000), "<synthetic>");
  for (auto _ : state) benchmark::DoNotOptimize(db.find_by_name("SVC1234"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindByName);

}  // namespace
}  // namespace portauth::db
