// portauth merge's logic: the union of complete shards is the whole scan, once each; every
// refusal names the shard and says how to fix it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "sharded_scan.h"

using namespace portauth;
using portauth::fixture::mentions;
using portauth::fixture::read_text;
using portauth::fixture::Result;
using portauth::fixture::ShardedScan;
using portauth::fixture::write_text;

namespace {

std::vector<Result> whole_scan() {
  std::vector<Result> out;
  for (uint32_t a = 0; a < 32; ++a)
    for (uint16_t p : {uint16_t(22), uint16_t(80), uint16_t(443)}) out.emplace_back(portauth::config::Address::v4(0xc6120100u + a), p, ShardedScan::truth(portauth::config::Address::v4(0xc6120100u + a), p));
  return out;
}

std::string first_error(const merge::ShardSet& set) {
  for (const auto& f : set.shards) {
    try {
      merge::read_shard_results(set.plan, f, config::kShowAll, {});
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  return "";
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

}  // namespace

TEST(Merge, DisjointUnionIsTheWholeScan) {
  for (uint32_t shards : {1u, 3u, 7u}) {
    ShardedScan scan("union" + std::to_string(shards), shards);
    scan.run_all();
    auto files = scan.load_all();
    std::reverse(files.begin(), files.end());  // any order on the command line
    const auto set = merge::check_shard_set(std::move(files));
    ASSERT_TRUE(set.problems.empty()) << joined(set.problems);
    EXPECT_EQ(set.available, config::kShowAll);
    auto got = ShardedScan::merged(set);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, whole_scan()) << shards << " shards";
  }
}

TEST(Merge, StealthIsDerivedFromShardsThatListedOpenAndClosed) {
  ShardedScan scan("derived", 3, "open,closed");
  scan.run_all();
  const auto set = merge::check_shard_set(scan.load_all());
  ASSERT_TRUE(set.problems.empty()) << joined(set.problems);
  EXPECT_EQ(set.available, config::kShowAll);
  auto got = ShardedScan::merged(set);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, whole_scan());
  uint64_t stealth = 0;
  for (const auto& f : set.shards) stealth += merge::read_shard_results(set.plan, f, 0, {}).stealth;
  EXPECT_EQ(stealth, 32u);  // port 443 of each address
}

TEST(Merge, OpenOnlyShardsHoldOnlyOpenPorts) {
  ShardedScan scan("openonly", 2, "open");
  scan.run_all();
  const auto set = merge::check_shard_set(scan.load_all());
  ASSERT_TRUE(set.problems.empty()) << joined(set.problems);
  EXPECT_EQ(set.available, unsigned(config::kShowOpen));  // a port not listed may be closed or stealth
  EXPECT_EQ(ShardedScan::merged(set).size(), 16u);         // port 22 of the even addresses
}

TEST(Merge, RefusesDifferentPlansNamingTheFields) {
  ShardedScan a("plans_a", 2), b("plans_b", 2, "all", 43);
  a.run(1);
  b.run(2);
  auto files = a.load({1});
  auto other = b.load({2});
  files.push_back(other.front());
  const auto set = merge::check_shard_set(std::move(files));
  ASSERT_EQ(set.problems.size(), 1u);
  EXPECT_TRUE(mentions(set.problems, "are shards of different scans (seed 43 vs 42)")) << joined(set.problems);
  EXPECT_TRUE(mentions(set.problems, b.manifest(2)));
}

TEST(Merge, RefusesAMissingShardWithTheCommandThatRunsIt) {
  ShardedScan scan("missing", 4);
  scan.run_all();
  const auto set = merge::check_shard_set(scan.load({1, 2, 4}));
  ASSERT_EQ(set.problems.size(), 1u) << joined(set.problems);
  EXPECT_TRUE(mentions(set.problems, "shard 3/4 is missing (no manifest given for it); run it with: "));
}

TEST(Merge, RefusesADuplicatedShard) {
  ShardedScan scan("dup", 2);
  scan.run_all();
  std::filesystem::copy_file(scan.manifest(2), scan.dir() + "copy.manifest.json");
  auto files = scan.load_all();
  files.push_back({scan.dir() + "copy.manifest.json", merge::load_manifest(scan.dir() + "copy.manifest.json"), "", ""});
  const auto set = merge::check_shard_set(std::move(files));
  ASSERT_EQ(set.problems.size(), 1u) << joined(set.problems);
  EXPECT_TRUE(mentions(set.problems, "shard 2/2 is given 2 times (")) << joined(set.problems);
  EXPECT_TRUE(mentions(set.problems, "copy.manifest.json"));
}

TEST(Merge, RefusesAnIncompleteShardAndSaysHowToFinishIt) {
  ShardedScan scan("incomplete", 3);
  scan.run(1);
  scan.run(2, /*interrupted=*/true);
  scan.run(3);
  auto set = merge::check_shard_set(scan.load_all());
  ASSERT_EQ(set.problems.size(), 1u) << joined(set.problems);
  EXPECT_TRUE(mentions(set.problems, "shard 2/3 (" + scan.manifest(2) + ") is incomplete (interrupted): run it again"))
      << joined(set.problems);

  // A shard whose wire could not be set up never ran.
  auto m = merge::load_manifest(scan.manifest(2));
  m.error = "need root or CAP_NET_RAW";
  write_text(scan.manifest(2), merge::manifest_json(m));
  set = merge::check_shard_set(scan.load_all());
  EXPECT_TRUE(mentions(set.problems, "shard 2/3 (" + scan.manifest(2) + ") never ran: need root or CAP_NET_RAW"))
      << joined(set.problems);

  // An interrupted shard with a resume file: finish it with --resume.
  m.error.clear();
  m.resume_file = "shard-2.resume";
  write_text(scan.dir() + "shard-2.resume", "x");
  write_text(scan.manifest(2), merge::manifest_json(m));
  set = merge::check_shard_set(scan.load_all());
  EXPECT_TRUE(mentions(set.problems, "finish it with: portauth scan --resume " + scan.dir() + "shard-2.resume --manifest " +
                                         scan.manifest(2)))
      << joined(set.problems);
}

TEST(Merge, RefusesAShardWithoutJsonlResults) {
  ShardedScan scan("nojsonl", 2);
  scan.run_all();
  auto m = merge::load_manifest(scan.manifest(1));
  m.outputs[0].format = "xml";
  write_text(scan.manifest(1), merge::manifest_json(m));
  auto set = merge::check_shard_set(scan.load_all());
  EXPECT_TRUE(mentions(set.problems, "shard 1/2 (" + scan.manifest(1) + ") has no JSONL output file to merge from"))
      << joined(set.problems);

  std::filesystem::remove(scan.results(2));
  set = merge::check_shard_set(scan.load_all());
  EXPECT_TRUE(mentions(set.problems, "its results file 'shard-2.jsonl' is not there")) << joined(set.problems);
}

TEST(Merge, FindsResultsCopiedBesideTheManifest) {
  ShardedScan scan("beside", 2);
  scan.run_all();
  auto m = merge::load_manifest(scan.manifest(1));
  m.outputs[0].path = "/nonexistent/node7/shard-1.jsonl";  // where the machine that ran it wrote it
  write_text(scan.manifest(1), merge::manifest_json(m));
  const auto set = merge::check_shard_set(scan.load_all());
  ASSERT_TRUE(set.problems.empty()) << joined(set.problems);
  EXPECT_EQ(set.shards[0].results_path, scan.results(1));
}

TEST(Merge, RefusesResultsChangedSinceTheScan) {
  ShardedScan scan("changed", 2);
  scan.run_all();
  std::string text = read_text(scan.results(1));
  text.replace(text.find("\"ttl\":64"), 8, "\"ttl\":65");
  write_text(scan.results(1), text);
  const auto set = merge::check_shard_set(scan.load_all());
  ASSERT_TRUE(set.problems.empty());
  EXPECT_EQ(first_error(set), scan.results(1) +
                                  ": changed since shard 1/2 wrote it (its SHA-256 differs from the manifest's): "
                                  "run the shard again");
}

// The line checks, with the manifest rewritten to the tampered file's checksum (as a
// buggy or foreign writer would leave it).
TEST(Merge, RefusesLinesThatAreNotThisShardsResults) {
  ShardedScan scan("lines", 2);
  scan.run_all();
  const std::string one = read_text(scan.results(1)), two = read_text(scan.results(2));
  const std::string first_of_two = two.substr(0, two.find('\n') + 1);
  const std::string first_of_one = one.substr(0, one.find('\n') + 1);
  struct Case {
    std::string text, error;
  };
  const std::vector<Case> cases = {
      {one + first_of_two, ":49: " + first_of_two.substr(7, first_of_two.find('"', 7) - 7)},
      {one + first_of_one, ":49: "},
      {one + "garbage\n", ":49: not a JSON object (not a line of portauth's JSONL output)"},
      {one + "{\"ip\":\"198.18.1.1\",\"port\":22,\"state\":\"open\",\"reason\":\"rst\",\"ttl\":64}\n",
       ":49: state 'open' does not go with reason 'rst'"},
      {one + "{\"ip\":\"198.18.9.1\",\"port\":22,\"state\":\"open\",\"reason\":\"syn-ack\",\"ttl\":64}\n",
       ":49: 198.18.9.1:22 is not a probe of shard 1/2 of this plan"},
      {one.substr(one.find('\n') + 1), ": 1 of the 48 probes of shard 1/2 are not in it, though it lists every state"},
  };
  for (const auto& c : cases) {
    write_text(scan.results(1), c.text);
    auto m = merge::load_manifest(scan.manifest(1));
    uint64_t bytes = 0;
    ASSERT_TRUE(merge::sha256_file(scan.results(1), m.outputs[0].sha256, bytes));
    write_text(scan.manifest(1), merge::manifest_json(m));
    const auto set = merge::check_shard_set(scan.load_all());
    ASSERT_TRUE(set.problems.empty());
    const std::string error = first_error(set);
    EXPECT_EQ(error.rfind(scan.results(1) + c.error, 0), 0u) << error << "\nwanted: " << c.error;
  }
  // The two specific messages for a line of shard 2 and a repeated line.
  write_text(scan.results(1), one + first_of_one);
  auto m = merge::load_manifest(scan.manifest(1));
  uint64_t bytes = 0;
  merge::sha256_file(scan.results(1), m.outputs[0].sha256, bytes);
  write_text(scan.manifest(1), merge::manifest_json(m));
  EXPECT_NE(first_error(merge::check_shard_set(scan.load_all())).find("is listed twice"), std::string::npos);
}

TEST(Merge, WarnsAboutPcapDropsWithoutRefusing) {
  ShardedScan scan("drops", 2);
  scan.run_all();
  auto m = merge::load_manifest(scan.manifest(2));
  m.counts.pcap_dropped = 310;
  write_text(scan.manifest(2), merge::manifest_json(m));
  const auto set = merge::check_shard_set(scan.load_all());
  EXPECT_TRUE(set.problems.empty());
  EXPECT_TRUE(mentions(set.warnings, "the capture dropped 310 packets")) << joined(set.warnings);
}

// Issue 19.0: a shard whose last retry pass still found answers may call open or closed ports
// stealth; the merge says so and names the command that runs it again (older manifests have no
// such count: none).
TEST(Merge, WarnsAboutAShardWhoseRetriesStillFoundAnswers) {
  ShardedScan scan("retries", 2);
  scan.run_all();
  auto m = merge::load_manifest(scan.manifest(1));
  EXPECT_EQ(m.counts.last_retry_answers, 0u);
  m.counts.last_retry_answers = 15;
  write_text(scan.manifest(1), merge::manifest_json(m));
  EXPECT_EQ(merge::load_manifest(scan.manifest(1)).counts.last_retry_answers, 15u);
  const auto set = merge::check_shard_set(scan.load_all());
  EXPECT_TRUE(set.problems.empty());
  EXPECT_TRUE(mentions(set.warnings, "its last retry pass still found 15 answers")) << joined(set.warnings);
  // A manifest written before the count existed still loads.
  std::string text = merge::manifest_json(m);
  const size_t key = text.find("\"last_retry_answers\"");
  ASSERT_NE(key, std::string::npos) << text;
  const size_t comma = text.rfind(',', key);  // it follows "passes": keep the JSON valid
  text.erase(comma, text.find_first_of("}\n", key) - comma);
  write_text(scan.manifest(1), text);
  EXPECT_EQ(merge::load_manifest(scan.manifest(1)).counts.last_retry_answers, 0u);
}

TEST(Merge, RerunCommandForEachWayTheShardWasChosen) {
  merge::Manifest m;
  m.plan.shards = 16;
  m.shard = 3;
  m.argv = {"portauth", "scan", "-c", "sweep.yaml", "--seed", "42", "--shard", "3/16", "-oJ", "out/shard-3.jsonl",
            "--manifest=out/shard-3.manifest.json", "--rate", "3000"};
  EXPECT_EQ(merge::rerun_command(m, 5),
            "portauth scan -c sweep.yaml --seed 42 --shard 5/16 -oJ out/shard-5.jsonl "
            "--manifest=out/shard-5.manifest.json --rate 3000");
  // Kubernetes: the index is 0-based and names the files.
  m.argv = {"portauth", "scan", "-c", "/etc/portauth/sweep.yaml", "--shard", "auto/16", "-oJ", "/out/shard-2.jsonl"};
  m.engine = {{"JOB_COMPLETION_INDEX", "2"}};
  EXPECT_EQ(merge::rerun_command(m, 8),
            "JOB_COMPLETION_INDEX=7 portauth scan -c /etc/portauth/sweep.yaml --shard auto/16 -oJ /out/shard-7.jsonl");
  // Files named by the shard number, not the 0-based index: that number is changed.
  m.argv = {"portauth", "scan", "--shard", "auto/16", "-oJ", "/out/part3.jsonl"};
  EXPECT_EQ(merge::rerun_command(m, 8), "JOB_COMPLETION_INDEX=7 portauth scan --shard auto/16 -oJ /out/part8.jsonl");
  // Slurm: the task ID is the shard number.
  m.engine = {{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_JOB_ID", "12"}};
  m.argv = {"portauth", "scan", "--shard", "auto/16", "-oJ", "run 3/shard-3.jsonl"};
  EXPECT_EQ(merge::rerun_command(m, 11), "SLURM_ARRAY_TASK_ID=11 portauth scan --shard auto/16 -oJ 'run 3/shard-11.jsonl'");
  // The shard came from a config file: the command line adds it.
  m.engine.clear();
  m.argv = {"portauth", "scan", "-c", "s.yaml"};
  EXPECT_EQ(merge::rerun_command(m, 2), "portauth scan -c s.yaml --shard 2/16");
}

TEST(Merge, ResultLinesParseTheSameInAnyLayout) {
  // The writer's own layout (the fast path) and the same object laid out otherwise (the
  // general parser) give one result; a bad line in the writer's layout still gets its error.
  const std::string canonical =
      "{\"ip\":\"198.18.1.7\",\"port\":443,\"proto\":\"tcp\",\"state\":\"closed\",\"reason\":\"icmp-admin-prohibited\","
      "\"ttl\":63,\"service\":\"https\",\"purpose\":null,\"risk\":null}";
  const std::string other = "{ \"reason\": \"icmp-admin-prohibited\", \"ttl\": 63, \"port\": 443, \"state\": \"closed\", "
                            "\"ip\": \"198.18.1.7\" }";
  merge::ResultLine a, b;
  ASSERT_EQ(merge::parse_result_line(canonical, a), "");
  ASSERT_EQ(merge::parse_result_line(other, b), "");
  EXPECT_EQ(a.facts.form, output::ServiceForm::kName);
  EXPECT_EQ(b.facts.form, output::ServiceForm::kAbsent);
  for (const auto& r : {a.result, b.result}) {
    EXPECT_EQ(r.addr, portauth::config::Address::v4(0xc6120107u));
    EXPECT_EQ(r.port, 443);
    EXPECT_EQ(r.reason, probe::Reason::kIcmpAdminProhibited);
    EXPECT_EQ(r.ttl, 63);
  }
  merge::ResultLine s;
  EXPECT_EQ(merge::parse_result_line("{\"ip\":\"198.18.1.7\",\"port\":22,\"proto\":\"tcp\",\"state\":\"stealth\","
                                     "\"reason\":\"no-response\",\"ttl\":null}",
                                     s),
            "");
  EXPECT_EQ(s.result.reason, probe::Reason::kNoResponse);
  EXPECT_EQ(merge::parse_result_line("{\"ip\":\"198.18.1.7\",\"port\":22,\"proto\":\"tcp\",\"state\":\"open\","
                                     "\"reason\":\"rst\",\"ttl\":64}",
                                     s),
            "state 'open' does not go with reason 'rst'");
  EXPECT_EQ(merge::parse_result_line("{\"ip\":\"198.18.1.7\",\"port\":22,\"proto\":\"tcp\",\"state\":\"open\","
                                     "\"reason\":\"syn-ack\",\"ttl\":null}",
                                     s),
            "bad \"ttl\"");
  EXPECT_EQ(merge::parse_result_line("{\"ip\":\"198.18.1.7\",\"port\":65536,\"proto\":\"tcp\",\"state\":\"open\","
                                     "\"reason\":\"syn-ack\",\"ttl\":64}",
                                     s),
            "bad \"port\"");
}
