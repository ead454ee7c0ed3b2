// `portauth merge` keeps what answered: each shard line's -sV service object and UDP reply
// facts are read back (merge/shard_results.h, output/port_facts_read.h) and handed to the
// writers, so the merged JSONL line is the shard's line byte for byte and the merged nmap XML
// is the unsharded scan's; the summary's -sV account adds up; lines no portauth wrote are
// refused with FILE:LINE and what is wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "merge/merged_summary.h"
#include "output/xml_writer.h"
#include "sharded_scan.h"

using namespace portauth;
using portauth::fixture::read_text;
using portauth::fixture::ShardedScan;
using portauth::fixture::write_text;

namespace {

using Json = nlohmann::ordered_json;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (size_t start = 0, nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    out.push_back(text.substr(start, nl - start));
  return out;
}

// The annotation the line was written with: the database's name where the line shows it
// (a name, or the table form), its purpose and risk.
output::Annotation annotation_of(const Json& j) {
  auto str = [](const Json& v) { return v.is_string() ? v.get<std::string>() : std::string(); };
  output::Annotation a;
  const Json& sv = j["service"];
  a.service = sv.is_object() ? (sv.contains("answer") ? "" : str(sv["name"])) : str(sv);
  a.purpose = str(j["purpose"]);
  a.risk = str(j["risk"]);
  return a;
}

std::shared_ptr<const service::ServiceInfo> tls_http() {
  auto s = std::make_shared<service::ServiceInfo>();
  s->answer = service::Answer::kIdentified;
  s->name = "http";
  s->product = "nginx";
  s->version = "1.22.1";
  s->ssl_tunnel = s->probed = true;
  s->conf = 10;
  s->tls = service::TlsFacts{"TLSv1.3", "TLS_AES_256_GCM_SHA384", "CN=lab.portauth.test,O=portauth daemon lab",
                             "CN=lab.portauth.test,O=portauth daemon lab", {"DNS:lab.portauth.test", "IP:198.18.0.2"},
                             "2026-01-06T00:50:28Z", "2027-01-06T00:50:28Z", true};
  s->details = {{"status", "200"}, {"server", "nginx/1.22.1"}, {"title", "portauth \"lab\""}};
  s->banner = std::string("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\x00\xff\\", 42) + std::string(300, 'x');
  return s;
}

// What the service stage found on each open port (22 on the even addresses): TLS on every
// fourth address, silence on half the others, and nothing on the rest (a host that lies: the
// stage does not try its ports).
output::PortFacts sv_facts(const probe::ScanResult& r) {
  output::PortFacts f;
  if (r.addr.v4() % 8 == 6) return f;
  if (r.addr.v4() % 4 == 0) {
    f.service = tls_http();
  } else {
    auto s = std::make_shared<service::ServiceInfo>();
    s->answer = service::Answer::kSilent;
    s->probed = true;
    s->conf = 10;
    f.service = s;
  }
  return f;
}

std::vector<merge::ShardTally> tallies_of(const merge::ShardSet& set) {
  std::vector<merge::ShardTally> out;
  for (const auto& f : set.shards) out.push_back(merge::read_shard_results(set.plan, f, 0, {}));
  return out;
}

// The shard's results file replaced by `text`, and its manifest's checksum with it (as a
// buggy or foreign writer would leave them): only the line checks can refuse it.
void replace_results(const ShardedScan& scan, uint32_t shard, const std::string& text) {
  write_text(scan.results(shard), text);
  auto m = merge::load_manifest(scan.manifest(shard));
  uint64_t bytes = 0;
  ASSERT_TRUE(merge::sha256_file(scan.results(shard), m.outputs[0].sha256, bytes));
  write_text(scan.manifest(shard), merge::manifest_json(m));
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

}  // namespace

// Lines recorded from real scans of the daemon lab (tests/unit/recorded/README.md): TLS,
// escaped binary banners, cut ones, UDP replies, with and without -sV.
TEST(MergeFacts, RecordedLinesReadBackToTheSameBytes) {
  size_t services = 0, tls = 0, cut = 0, replies = 0, lines = 0;
  for (const char* name : {"daemon_lab_sv.jsonl", "daemon_lab_su.jsonl", "daemon_lab_sv_su.jsonl"}) {
    const std::string text = read_text(std::string(PORTAUTH_UNIT_DIR) + "/recorded/" + name);
    ASSERT_FALSE(text.empty()) << name;
    for (const auto& line : lines_of(text)) {
      ++lines;
      merge::ResultLine parsed;
      ASSERT_EQ(merge::parse_result_line(line, parsed), "") << line;
      const output::PortFacts& f = parsed.facts.facts;
      const bool sv = parsed.facts.form == output::ServiceForm::kObject;
      EXPECT_EQ(output::jsonl_line(parsed.result, annotation_of(Json::parse(line)), f, sv), line);
      services += f.service ? 1 : 0;
      tls += f.service && f.service->tls ? 1 : 0;
      cut += f.service && f.service->banner.size() > service::kBannerShown ? 1 : 0;
      replies += f.reply ? 1 : 0;
    }
  }
  EXPECT_EQ(lines, 36u);
  EXPECT_EQ(services, 24u);  // every open TCP port of the -sV scans
  EXPECT_EQ(tls, 5u);        // 443, 6443, 993, 995, and 443 again
  EXPECT_EQ(cut, 6u);        // nginx's HTTP answers (80, 443, 6443, 2525; 443 again), Redis's INFO
  EXPECT_EQ(replies, 6u);    // DNS, NTP, memcached, SNMP; DNS and SNMP with -sV
}

// A sharded -sV scan merged: every line is its shard's line, the XML is the unsharded scan's.
TEST(MergeFacts, ShardedServiceScanMergesIntoTheUnshardedOutputs) {
  ShardedScan scan("sv", 3);
  scan.facts = sv_facts;
  scan.run_all();
  const auto set = merge::check_shard_set(scan.load_all());
  ASSERT_TRUE(set.problems.empty());
  const auto tallies = tallies_of(set);
  ASSERT_EQ(merge::service_scan_problem(set, tallies), "");
  const output::ScanSummary summary = merged_summary(set, tallies);
  ASSERT_TRUE(summary.service_scan);

  output::ScanInfo info;
  info.service_scan = true;
  info.ports = set.plan.ports;
  info.address_count = 32;
  info.probe_count = 96;
  char *merged_jsonl = nullptr, *merged_xml = nullptr, *whole_xml = nullptr;
  size_t n1 = 0, n2 = 0, n3 = 0;
  {
    std::FILE* jf = open_memstream(&merged_jsonl, &n1);
    std::FILE* xf = open_memstream(&merged_xml, &n2);
    output::JsonlWriter jsonl(jf);
    output::XmlWriter xml(xf);
    for (output::ResultWriter* w : std::initializer_list<output::ResultWriter*>{&jsonl, &xml}) w->begin(info);
    for (const auto& f : set.shards)
      merge::read_shard_results(set.plan, f, config::kShowAll, [&](const probe::ScanResult& r, const output::PortFacts& pf) {
        jsonl.result(r, ShardedScan::annotation(r.port), pf);
        xml.result(r, ShardedScan::annotation(r.port), pf);
      });
    jsonl.finish(summary);
    xml.finish(summary);
    std::fclose(jf);
    std::fclose(xf);
  }
  {
    // The unsharded scan's XML: every probe, with the same facts, straight to the writer.
    std::FILE* xf = open_memstream(&whole_xml, &n3);
    output::XmlWriter xml(xf);
    xml.begin(info);
    for (uint32_t a = 0; a < 32; ++a)
      for (uint16_t port : {uint16_t(22), uint16_t(80), uint16_t(443)}) {
        const config::Address addr = config::Address::v4(0xc6120100u + a);
        const probe::Reason r = ShardedScan::truth(addr, port);
        const probe::ScanResult result{addr, port, r, uint8_t(probe::state_of(r) == probe::PortState::kStealth ? 0 : 64)};
        xml.result(result, ShardedScan::annotation(port),
                   probe::state_of(r) == probe::PortState::kOpen ? sv_facts(result) : output::PortFacts{});
      }
    xml.finish(summary);
    std::fclose(xf);
  }
  std::string shard_lines;
  for (uint32_t i = 1; i <= 3; ++i) shard_lines += read_text(scan.results(i));
  auto merged = lines_of(merged_jsonl), want = lines_of(shard_lines);
  std::sort(merged.begin(), merged.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(merged, want);
  const std::string xml(merged_xml, n2), unsharded(whole_xml, n3);
  EXPECT_EQ(xml, unsharded);
  EXPECT_NE(xml.find("<service name=\"http\" product=\"nginx\" version=\"1.22.1\" tunnel=\"ssl\" method=\"probed\" conf=\"10\"/>"),
            std::string::npos);
  std::free(merged_jsonl);
  std::free(merged_xml);
  std::free(whole_xml);
}

// The merged summary's -sV account: the manifests' sums (the slowest shard's time); from
// manifests written before they recorded it, the answers counted on the lines.
TEST(MergeFacts, ServiceCountsAddUpFromTheManifestsOrElseTheLines) {
  ShardedScan scan("svcounts", 3);
  scan.facts = sv_facts;
  scan.run_all();
  auto set = merge::check_shard_set(scan.load_all());
  ASSERT_TRUE(set.problems.empty());
  output::ScanSummary s = merged_summary(set, tallies_of(set));
  EXPECT_TRUE(s.service_scan);
  EXPECT_EQ(s.open, 16u);
  EXPECT_EQ(s.services_identified, 8u);  // port 22 of the addresses divisible by 4
  EXPECT_EQ(s.services_silent, 4u);
  EXPECT_EQ(s.services_not_tried, 4u);
  EXPECT_EQ(s.services_tcpwrapped + s.services_unrecognised + s.services_unfinished, 0u);
  EXPECT_EQ(s.service_connections, 24u);
  EXPECT_DOUBLE_EQ(s.service_extra_seconds, 3.75);  // shard 3's
  EXPECT_EQ(output::service_summary_line(s),
            "services: 8 identified, 0 unrecognised, 4 silent, 0 tcpwrapped; 24 connections; 3.75 s after the SYN scan; "
            "4 open ports of hosts that answer on every port not tried (the host answering, not services)");

  for (uint32_t i = 1; i <= 3; ++i) {  // as written before manifests recorded "services"
    Json m = Json::parse(read_text(scan.manifest(i)));
    ASSERT_TRUE(m.contains("services"));
    m.erase("services");
    write_text(scan.manifest(i), m.dump(1));
  }
  set = merge::check_shard_set(scan.load_all());
  ASSERT_TRUE(set.problems.empty());
  s = merged_summary(set, tallies_of(set));
  EXPECT_TRUE(s.service_scan);  // the lines' "service" objects say so
  EXPECT_EQ(s.services_identified, 8u);
  EXPECT_EQ(s.services_silent, 4u);
  EXPECT_EQ(s.services_not_tried, 4u);  // open, and no service object
  EXPECT_EQ(s.service_connections, 0u);  // not on the lines
  EXPECT_EQ(s.service_extra_seconds, 0.0);

  ShardedScan plain("svplain", 2);  // without -sV: no account at all
  plain.run_all();
  set = merge::check_shard_set(plain.load_all());
  EXPECT_FALSE(merged_summary(set, tallies_of(set)).service_scan);
  EXPECT_EQ(output::service_summary_line(merged_summary(set, tallies_of(set))), "");
}

TEST(MergeFacts, RefusesShardsScannedWithAndWithoutServiceScan) {
  ShardedScan with("svmixed", 2), without("svmixed_plain", 2);
  with.facts = sv_facts;
  with.run(1);
  without.run(2);
  auto files = with.load({1});
  files.push_back(without.load({2}).front());
  const auto set = merge::check_shard_set(std::move(files));
  ASSERT_TRUE(set.problems.empty());
  EXPECT_EQ(merge::service_scan_problem(set, tallies_of(set)),
            "shard 1/2 (" + with.manifest(1) + ") was scanned with -sV and shard 2/2 (" + without.manifest(2) +
                ") without; run shard 2/2 (" + without.manifest(2) +
                ") again with -sV (every shard of a scan with the same options)");
}

// Bad and hostile content in a shard's line: FILE:LINE and what is wrong, never a crash.
TEST(MergeFacts, RefusesBadFactsNamingTheFileAndLine) {
  ShardedScan scan("svbad", 2);
  scan.facts = sv_facts;
  scan.run_all();
  const std::string one = read_text(scan.results(1));
  const auto lines = lines_of(one);
  const size_t n = lines.size();
  // An identified TLS line of this shard, to be spoiled.
  size_t pick = 1;  // not the first: the mixed-forms case below names line 1
  while (pick < n && lines[pick].find("\"tls\":{") == std::string::npos) ++pick;
  ASSERT_LT(pick, n);
  auto spoiled = [&](const std::string& from, const std::string& to) {
    std::string text;
    for (size_t i = 0; i < n; ++i) {
      std::string l = lines[i];
      if (i == pick) {
        const size_t at = l.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        if (at != std::string::npos) l.replace(at, from.size(), to);
      }
      text += l + "\n";
    }
    return text;
  };
  const std::string at = scan.results(1) + ":" + std::to_string(pick + 1) + ": ";
  struct Case {
    std::string text, error;
  };
  const std::vector<Case> cases = {
      {spoiled("\"conf\":10", "\"conf\":\"10\""), at + "\"service\".conf must be a whole number from 0 to 10"},
      {spoiled("\"tls\":{\"version\":\"TLSv1.3\",", "\"tls\":{"), at + "\"service\".tls has no \"version\""},
      {spoiled("\"san\":[", "\"san\":[7,"), at + "\"service\".tls.san[0] must be a string"},
      {spoiled(",\"banner\":", ",\"banner\":null,\"x\":"), at + "\"service\" has a key the JSONL writer does not write"},
      {spoiled("\"product\":\"nginx\"", "\"product\":\"" + std::string(70000, 'n') + "\""),
       at + "\"service\".product is longer than 65536 bytes"},
      {spoiled("\"banner\":\"HTTP", "\"banner\":\"\\\\q"), at + "\"service\".banner is not a banner as portauth escapes it"},
      {spoiled(",\"details\":{", ",\"details\":{\"a\":[],"), at + "\"service\".details[\"a\"] must be a string"},
      {spoiled("\"service\":{", "\"service\":{\"service\":{\"service\":{"), at + "not a JSON object"},
      {spoiled("\"purpose\":", "\"reply\":\"x\",\"purpose\":"), at + "a line with UDP reply facts has no \"reply_bytes\""},
      {spoiled("\"ttl\":64,", "\"ttl\":64,\"pad\":\"" + std::string(merge::kMaxLineBytes, 'p') + "\","),
       at + "longer than 1048576 bytes"},
      // A line of a scan without -sV among -sV lines.
      {spoiled(lines[pick].substr(lines[pick].find(",\"service\":")),
               ",\"service\":\"ssh\",\"purpose\":\"Secure Shell\",\"risk\":\"medium\"}"),
       at + "\"service\" is a name (a scan without -sV) but an object on line 1"},
  };
  for (const auto& c : cases) {
    replace_results(scan, 1, c.text);
    const auto set = merge::check_shard_set(scan.load_all());
    ASSERT_TRUE(set.problems.empty());
    const std::string error = first_error(set);
    EXPECT_EQ(error.rfind(c.error, 0), 0u) << "got: " << error.substr(0, 300) << "\nwanted: " << c.error;
  }
  // A last line longer than the bound and without its newline: refused as it is read.
  replace_results(scan, 1, one + std::string(3 * merge::kMaxLineBytes, '{'));
  EXPECT_EQ(first_error(merge::check_shard_set(scan.load_all())).rfind(scan.results(1) + ":" + std::to_string(n + 1) +
                                                                           ": longer than 1048576 bytes",
                                                                       0),
            0u);
}
