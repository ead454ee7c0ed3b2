// A small sharded scan done in memory, for the manifest and merge tests: the real plan
// builder, the real probe space, the real JSONL writer and the real manifest writer, in a
// fresh directory. The "network" answers by a fixed rule (truth()).
#pragma once
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "output/jsonl_writer.h"
#include "merge/manifest.h"
#include "merge/shard_results.h"
#include "merge/sha256.h"
#include "merge/shard_set.h"
#include "probe/probe_space.h"
#include "config/scan_plan.h"

namespace portauth::fixture {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

using Result = std::tuple<config::Address, uint16_t, probe::Reason>;

class ShardedScan {
 public:
  // 198.18.1.0/27 x 22,80,443 = 96 probes, `shards` slices.
  explicit ShardedScan(const std::string& name, uint32_t shards, std::string show = "all", uint64_t seed = 42)
      : dir_(::testing::TempDir() + "merge_" + name + "/"), shards_(shards), show_(std::move(show)), seed_(seed) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }

  // Port 22 open on even addresses, 80 closed (RST) everywhere, 443 stealth.
  static probe::Reason truth(const config::Address& addr, uint16_t port) {
    if (port == 22) return addr.v4() % 2 == 0 ? probe::Reason::kSynAck : probe::Reason::kIcmpPortUnreach;
    if (port == 80) return probe::Reason::kRst;
    return probe::Reason::kNoResponse;
  }

  config::ScanOptions options(uint32_t shard) const {
    config::ScanOptions o;
    o.targets = {"198.18.1.0/27"};
    o.allow = {"198.18.0.0/15"};
    o.ports = "22,80,443";
    o.seed = seed_;
    o.shard = std::to_string(shard) + "/" + std::to_string(shards_);
    o.show = show_;
    o.extra_outputs = {{"jsonl", results(shard)}};
    return o;
  }

  std::string results(uint32_t shard) const { return dir_ + "shard-" + std::to_string(shard) + ".jsonl"; }
  std::string manifest(uint32_t shard) const { return dir_ + "shard-" + std::to_string(shard) + ".manifest.json"; }
  const std::string& dir() const { return dir_; }

  // Runs one shard: its JSONL and its manifest. `interrupted` leaves it incomplete.
  void run(uint32_t shard, bool interrupted = false) { run(options(shard), shard, interrupted); }
  void run(const config::ScanOptions& o, uint32_t shard, bool interrupted = false) {
    const config::ScanPlan plan = config::build_scan_plan(o);
    const probe::ProbeSpace space(plan.targets, plan.ports, plan.seed, plan.shard_index, plan.shard_count);
    std::FILE* f = std::fopen(results(shard).c_str(), "w");
    ASSERT_NE(f, nullptr);
    output::ScanSummary s;
    {
      output::JsonlWriter w(f);
      output::ScanInfo info;
      info.service_scan = bool(facts);
      w.begin(info);
      for (uint64_t slot = 0; slot < space.slots(); ++slot) {
        const auto t = space.at(slot);
        const probe::Reason r = truth(t.addr, t.port);
        const auto state = probe::state_of(r);
        if (interrupted && state == probe::PortState::kStealth) continue;
        unsigned bit = config::kShowStealth;
        if (state == probe::PortState::kOpen) ++s.open, bit = config::kShowOpen;
        else if (state == probe::PortState::kClosed) ++s.closed, bit = config::kShowClosed;
        else ++s.stealth;
        const probe::ScanResult result{t.addr, t.port, r, uint8_t(state == probe::PortState::kStealth ? 0 : 64)};
        output::PortFacts found;
        if (facts && state == probe::PortState::kOpen) found = facts(result);
        if (found.service) {  // as the service stage counts
          const auto a = found.service->answer;
          ++(a == service::Answer::kIdentified ? s.services_identified
             : a == service::Answer::kSilent   ? s.services_silent
             : a == service::Answer::kTcpwrapped ? s.services_tcpwrapped
             : a == service::Answer::kUnrecognised ? s.services_unrecognised
                                                    : s.services_unfinished);
          s.service_connections += 2;
        } else if (facts && state == probe::PortState::kOpen) {
          ++s.services_not_tried;  // a host that lies: the stage did not try its port
        }
        if (plan.show & bit) w.result(result, annotation(t.port), found);
      }
      s.probed = space.slots();
      s.service_scan = bool(facts);
      if (facts) s.service_extra_seconds = 1.25 * shard;
      s.interrupted = interrupted;
      w.finish(s);
    }
    std::fclose(f);
    write_text(manifest(shard), merge::manifest_json(merge::make_manifest(plan, plan.show, s, manifest(shard))));
  }

  // -sV: what the service stage found on an open port (unset: a scan without -sV).
  std::function<output::PortFacts(const probe::ScanResult&)> facts;

  // The database's word on a port, as the writers are handed it.
  static const output::Annotation& annotation(uint16_t port) {
    static const output::Annotation ssh{"ssh", "Secure Shell", "medium", ""}, none{};
    return port == 22 ? ssh : none;
  }

  void run_all() {
    for (uint32_t i = 1; i <= shards_; ++i) run(i);
  }

  std::vector<merge::ShardFile> load(const std::vector<uint32_t>& which) const {
    std::vector<merge::ShardFile> out;
    for (uint32_t i : which) out.push_back({manifest(i), merge::load_manifest(manifest(i)), "", ""});
    return out;
  }
  std::vector<merge::ShardFile> load_all() const {
    std::vector<uint32_t> all;
    for (uint32_t i = 1; i <= shards_; ++i) all.push_back(i);
    return load(all);
  }

  // The merged results of a checked set (check_shard_set must have found no problem).
  static std::vector<Result> merged(const merge::ShardSet& set, unsigned mask = config::kShowAll) {
    std::vector<Result> out;
    for (const auto& f : set.shards)
      merge::read_shard_results(set.plan, f, mask, [&](const probe::ScanResult& r, const output::PortFacts&) {
        out.emplace_back(r.addr, r.port, r.reason);
      });
    return out;
  }

 private:
  std::string dir_;
  uint32_t shards_;
  std::string show_;
  uint64_t seed_;
};

// Whether any problem contains `text`.
inline bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace portauth::fixture
