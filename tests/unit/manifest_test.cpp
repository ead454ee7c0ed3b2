// Shard manifests: the plan fingerprint, the JSON round trip, and every malformed file.
#include <gtest/gtest.h>

#include <functional>

#include "merge/manifest.h"
#include "merge/sha256.h"
#include "sharded_scan.h"

using namespace portauth;
using portauth::fixture::read_text;
using portauth::fixture::write_text;

namespace {

config::ScanOptions base() {
  config::ScanOptions o;
  o.targets = {"198.18.1.0/24"};
  o.allow = {"198.18.0.0/15"};
  o.ports = "22,80";
  o.seed = 42;
  o.shard = "1/4";
  return o;
}

std::string fp(const config::ScanOptions& o) {
  return merge::fingerprint(merge::plan_key(config::build_scan_plan(o)));
}

std::string parse_error(const std::string& text) {
  try {
    merge::parse_manifest(text, "m.json");
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Sha256, KnownVectors) {
  // FIPS 180-2 appendix B, and the empty string.
  EXPECT_EQ(merge::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(merge::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(merge::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  merge::Sha256 split;  // fed in odd pieces across block boundaries: the same digest
  const std::string million(1000000, 'a');
  for (size_t i = 0; i < million.size(); i += 997) split.update(std::string_view(million).substr(i, 997));
  EXPECT_EQ(split.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Manifest, FingerprintIsStableAcrossRunsAndShards) {
  const auto a = base();
  auto b = base();
  b.shard = "3/4";     // the shard index is not part of the plan
  b.rate = "500";      // nor the pacing
  b.retries = 5;
  b.extra_outputs = {{"xml", "x.xml"}};
  EXPECT_EQ(fp(a), fp(a));  // built twice: the same (no key, no random source port in it)
  EXPECT_EQ(fp(a), fp(b));
  EXPECT_EQ(fp(a).size(), 64u);
}

TEST(Manifest, FingerprintChangesWithEveryPlanField) {
  const std::string ref = fp(base());
  const std::vector<std::function<void(config::ScanOptions&)>> changes = {
      [](auto& o) { o.targets = {"198.18.2.0/24"}; },
      [](auto& o) { o.ports = "22,81"; },
      [](auto& o) { o.excludes = {"198.18.1.7"}; },
      [](auto& o) { o.seed = 43; },
      [](auto& o) { o.shard = "1/5"; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    auto o = base();
    changes[i](o);
    EXPECT_NE(fp(o), ref) << "change " << i;
  }
}

TEST(Manifest, DescribesWhatDiffers) {
  auto a = merge::plan_key(config::build_scan_plan(base()));
  auto o = base();
  o.seed = 7;
  o.ports = "22,443";
  const auto b = merge::plan_key(config::build_scan_plan(o));
  EXPECT_EQ(merge::describe_difference(a, b), "ports 22,80 vs 22,443; seed 42 vs 7");
  EXPECT_EQ(merge::describe_difference(a, a), "");
}

TEST(Manifest, RoundTripsAndHashesOutputs) {
  fixture::ShardedScan scan("roundtrip", 2);
  scan.run(1);
  const auto m = merge::load_manifest(scan.manifest(1));
  EXPECT_EQ(m.shard, 1u);
  EXPECT_EQ(m.plan.shards, 2u);
  EXPECT_EQ(m.plan.seed, 42u);
  EXPECT_TRUE(m.complete);
  EXPECT_EQ(m.show, config::kShowAll);
  ASSERT_EQ(m.outputs.size(), 2u);  // the JSONL file, and the report on standard output (issue 19.11)
  EXPECT_EQ(m.outputs[1].format, "text");
  EXPECT_EQ(m.outputs[1].path, "-");
  EXPECT_EQ(m.outputs[0].format, "jsonl");
  EXPECT_EQ(m.outputs[0].path, "shard-1.jsonl");  // relative to the manifest's directory
  std::string hex;
  uint64_t bytes = 0;
  ASSERT_TRUE(merge::sha256_file(scan.results(1), hex, bytes));
  EXPECT_EQ(m.outputs[0].sha256, hex);
  EXPECT_EQ(m.outputs[0].bytes, bytes);
  EXPECT_EQ(m.counts.probed, 48u);
  // Written again from what was read: the same text.
  const auto text = read_text(scan.manifest(1));
  EXPECT_EQ(merge::manifest_json(merge::parse_manifest(text, "x")), text);
  EXPECT_EQ(text.find("key"), std::string::npos);  // never any key material
}

TEST(Manifest, RejectsMalformedFiles) {
  fixture::ShardedScan scan("malformed", 2);
  scan.run(1);
  const std::string good = read_text(scan.manifest(1));
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  EXPECT_NE(parse_error("").find("m.json: empty"), std::string::npos);
  EXPECT_EQ(parse_error("{\n  \"a\": 1,\n  oops\n}"), "m.json:3:3: not JSON");
  EXPECT_EQ(parse_error("[1, 2]"), "m.json: not a portauth shard manifest");
  EXPECT_EQ(parse_error(replaced("\"portauth_manifest\": 1", "\"portauth_manifest\": 9")),
            "m.json: unsupported manifest version (this portauth reads version 1)");
  EXPECT_EQ(parse_error(replaced("\"seed\": 42", "\"seed\": -1")), "m.json: 'plan.seed' must be a non-negative integer");
  EXPECT_EQ(parse_error(replaced("\"seed\": 42", "\"sead\": 42")), "m.json: missing 'plan.seed'");
  EXPECT_EQ(parse_error(replaced("\"shard\": 1", "\"shard\": 3")), "m.json: 'shard' 3 is not in 1-2");
  EXPECT_EQ(parse_error(replaced("\"complete\": true", "\"complete\": \"yes\"")),
            "m.json: 'complete' must be true or false");
  EXPECT_EQ(parse_error(replaced("198.18.1.0-198.18.1.31", "198.18.1.31-198.18.1.0")),
            "m.json: 'plan.targets' has a bad or unordered range '198.18.1.31-198.18.1.0'");
  // A consistent-looking plan edited by hand no longer matches its fingerprint.
  EXPECT_EQ(parse_error(replaced("\"seed\": 42", "\"seed\": 43")),
            "m.json: its plan does not match its fingerprint: the file was edited, or written by another program");
}

TEST(Manifest, PathForNamedScans) {
  EXPECT_EQ(merge::manifest_path_for("out/m.json", ""), "out/m.json");
  EXPECT_EQ(merge::manifest_path_for("out/m.json", "web"), "out/m.web.json");
  EXPECT_EQ(merge::manifest_path_for("out.d/manifest", "web"), "out.d/manifest.web");
}

// -sV: the service stage's account is recorded, read back and written again unchanged; a
// manifest without it (no -sV, or written before it was recorded) reads as no account.
TEST(Manifest, RecordsTheServiceStagesAccount) {
  fixture::ShardedScan scan("services", 2);
  scan.facts = [](const probe::ScanResult&) {
    output::PortFacts f;
    auto s = std::make_shared<service::ServiceInfo>();
    s->answer = service::Answer::kTcpwrapped;
    f.service = s;
    return f;
  };
  scan.run(2);
  const std::string text = read_text(scan.manifest(2));
  const auto m = merge::parse_manifest(text, "x");
  EXPECT_TRUE(m.counts.service_scan);
  EXPECT_EQ(m.counts.services_tcpwrapped, m.counts.open);
  EXPECT_GT(m.counts.open, 0u);
  EXPECT_EQ(m.counts.service_connections, 2 * m.counts.open);
  EXPECT_DOUBLE_EQ(m.counts.service_extra_seconds, 2.5);
  EXPECT_EQ(merge::manifest_json(m), text);
  const size_t at = text.find(",\n \"services\"");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_FALSE(merge::parse_manifest(text.substr(0, at) + "\n}\n", "x").counts.service_scan);
  std::string bad = text;
  bad.replace(bad.find("\"seconds_after_scan\": 2.5"), 25, "\"seconds_after_scan\": -1");
  EXPECT_EQ(parse_error(bad), "m.json: 'services.seconds_after_scan' must be a number of seconds");
  bad = text;
  bad.replace(bad.find("\"silent\": 0"), 11, "\"silent\": \"0\"");
  EXPECT_EQ(parse_error(bad), "m.json: 'services.silent' must be a non-negative integer");
}
