// PortFacts read back from JSONL lines (output/port_facts_read.h), the inverse of the JSONL
// writer: every kind of service object and UDP reply written, read back and written again
// gives the same bytes; what the writer cannot have written is refused with the key named.
// (Lines recorded from real -sV scans of the daemon lab: tests/unit/merge_facts_test.cpp.)
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "output/jsonl_writer.h"
#include "output/port_facts_read.h"

namespace portauth::output {
namespace {

using Json = nlohmann::ordered_json;
using service::Answer;
using service::ServiceInfo;

const probe::ScanResult kOpen{config::Address::v4(0xc6120002u), 443, probe::Reason::kSynAck, 64};
const Annotation kHttps{"https", "HTTP over TLS", "low", ""};

// Every byte value, a backslash and the escapes' own letters: what a banner may hold.
std::string every_byte() {
  std::string out = "\\x41\\n";
  for (int b = 0; b < 256; ++b) out += char(b);
  return out;
}

std::vector<std::shared_ptr<const ServiceInfo>> services() {
  std::vector<std::shared_ptr<const ServiceInfo>> out;
  auto tls = std::make_shared<ServiceInfo>();
  tls->answer = Answer::kIdentified;
  tls->name = "http";
  tls->product = "nginx";
  tls->version = "1.22.1";
  tls->extrainfo = "Ubuntu \"jammy\" <x>";
  tls->hostname = "lab.portauth.test";
  tls->ostype = "Linux";
  tls->ssl_tunnel = true;
  tls->probed = true;
  tls->conf = 10;
  service::TlsFacts t;
  t.version = "TLSv1.3";
  t.cipher = "TLS_AES_256_GCM_SHA384";
  t.subject = "CN=lab.portauth.test,O=a \\\"quoted\\\" org";
  t.issuer = t.subject;
  t.san = {"DNS:lab.portauth.test", "IP:198.18.0.2", "IP:2001:2::2"};
  t.not_before = "2026-01-06T00:50:28Z";
  t.not_after = "2027-01-06T00:50:28Z";
  t.self_signed = true;
  tls->tls = t;
  // Details in the order the rules found them, not sorted.
  tls->details = {{"status", "200"}, {"server", "nginx/1.22.1"}, {"title", "caf\xc3\xa9 \"<b>\""}, {"allow", ""}};
  tls->banner = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\tX: \\ \x01\x7f\xff\r\n";
  out.push_back(tls);

  auto cut = std::make_shared<ServiceInfo>(*tls);  // a banner longer than the JSONL shows
  cut->tls.reset();
  cut->ssl_tunnel = false;
  cut->banner = every_byte() + every_byte();
  out.push_back(cut);

  auto tls_bare = std::make_shared<ServiceInfo>();  // a TLS server nothing inside was known of
  tls_bare->answer = Answer::kIdentified;
  tls_bare->name = "ssl";
  tls_bare->probed = true;
  tls_bare->conf = 10;
  tls_bare->tls = service::TlsFacts{"TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "", "", {}, "", "", false};
  tls_bare->details = {{"inside", "unrecognised"}};
  out.push_back(tls_bare);

  for (Answer a : {Answer::kUnrecognised, Answer::kSilent, Answer::kTcpwrapped}) {
    auto s = std::make_shared<ServiceInfo>();
    s->answer = a;
    s->probed = true;
    s->conf = a == Answer::kTcpwrapped ? 8 : 10;
    if (a == Answer::kTcpwrapped) s->name = "tcpwrapped";
    if (a == Answer::kUnrecognised) s->banner = std::string("\x00\x01" "ABC\\x00", 9);
    out.push_back(s);
  }
  for (Answer a : {Answer::kRefused, Answer::kNoConnection, Answer::kUnfinished}) {
    auto s = std::make_shared<ServiceInfo>();  // method "table": the port number only
    s->answer = a;
    s->conf = 3;
    if (a == Answer::kRefused) s->name = "https";
    if (a == Answer::kNoConnection) s->details = {{"error", "Connection timed out"}};
    out.push_back(s);
  }
  return out;
}

// Writes `f` as a line, reads the line back, writes what was read: the same bytes.
void expect_round_trip(const PortFacts& f, const Annotation& a, bool service_scan, const probe::ScanResult& r = kOpen) {
  const std::string line = jsonl_line(r, a, f, service_scan);
  const Json j = Json::parse(line);
  LineFacts read;
  ASSERT_EQ(read_port_facts(j, read), "") << line;
  EXPECT_EQ(read.form, service_scan ? ServiceForm::kObject : ServiceForm::kName);
  EXPECT_EQ(jsonl_line(r, a, read.facts, service_scan), line);
  EXPECT_EQ(bool(read.facts.service), bool(f.service)) << line;
  EXPECT_EQ(bool(read.facts.reply), bool(f.reply)) << line;
}

TEST(PortFactsRead, EveryServiceObjectReadsBackToTheSameLine) {
  for (const auto& s : services()) {
    PortFacts f;
    f.service = s;
    expect_round_trip(f, kHttps, true);
    expect_round_trip(f, Annotation{}, true);  // a port the database does not know
  }
}

TEST(PortFactsRead, TheFactsAreTheOnesWritten) {
  for (const auto& s : services()) {
    PortFacts f;
    f.service = s;
    LineFacts read;
    ASSERT_EQ(read_port_facts(Json::parse(jsonl_line(kOpen, kHttps, f, true)), read), "");
    ServiceInfo want = *s;
    // Not in the line: the database's name stands for an empty one where nothing was probed,
    // and a banner is what the JSONL shows of it.
    if (!want.probed && want.name.empty()) want.name = kHttps.service;
    if (want.banner.size() > service::kBannerShown) want.banner = want.banner.substr(0, service::kBannerShown) + "...";
    EXPECT_EQ(*read.facts.service, want) << jsonl_line(kOpen, kHttps, f, true);
  }
}

TEST(PortFactsRead, TheTableFormAndLinesWithoutServiceScanCarryNoService) {
  expect_round_trip({}, kHttps, true);  // {"name":"https","method":"table","conf":3}
  expect_round_trip({}, Annotation{}, true);
  expect_round_trip({}, kHttps, false);  // "service":"https"
  expect_round_trip({}, Annotation{}, false);
}

TEST(PortFactsRead, UdpReplyFactsReadBack) {
  const probe::ScanResult udp{config::Address::v4(0xc6120002u), 161, probe::Reason::kUdpResponse, 64,
                              config::Proto::kUdp};
  probe::ReplyFacts snmp{"SNMP", "SNMP answered with community public: sysDescr 'Linux \"lab\"'", 101, 43, 101.0 / 43,
                         "amplification 2.3x: ..."};
  probe::ReplyFacts empty_probe{"", "answered", 12, 0, 0, ""};
  probe::ReplyFacts big{"memcached", "memcached answered over UDP", 1400, 15, 1400.0 / 15, "risk"};
  for (const auto& facts : {snmp, empty_probe, big}) {
    PortFacts f;
    f.reply = std::make_shared<const probe::ReplyFacts>(facts);
    expect_round_trip(f, kHttps, false, udp);
    expect_round_trip(f, kHttps, true, udp);  // -sV -sU: the table form beside the reply
    LineFacts read;
    ASSERT_EQ(read_port_facts(Json::parse(jsonl_line(udp, kHttps, f, false)), read), "");
    EXPECT_EQ(read.facts.reply->summary, facts.summary);
    EXPECT_EQ(read.facts.reply->reply_bytes, facts.reply_bytes);
    EXPECT_EQ(read.facts.reply->probe_bytes, facts.probe_bytes);
    EXPECT_EQ(read.facts.reply->risk, facts.risk);
    EXPECT_NEAR(read.facts.reply->amplification, facts.amplification, 0.005);
  }
}

TEST(PortFactsRead, BannersUnescapeToWhatEscapesTheSame) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string bytes(rng() % 400, '\0');
    for (auto& c : bytes) c = char(rng() % 4 == 0 ? "\\\r\n\t.x"[rng() % 6] : rng() % 256);
    const std::string text = service::escape_banner(bytes);
    std::string back;
    ASSERT_TRUE(service::unescape_banner(text, back)) << text;
    EXPECT_EQ(service::escape_banner(back), text);
    if (bytes.size() <= service::kBannerShown) {
      EXPECT_EQ(back, bytes);
    }
  }
  // What escape_banner never writes.
  std::string out;
  for (const std::string& bad : std::vector<std::string>{"\\x41", "\\x0d", "\\x0A", "\\X00", "\\q", "a\\", "\\x0", "\ttab", "\xc3\xa9",
                                std::string(161, 'a'), std::string(160, 'a') + "..!", std::string(161, 'a') + "..."})
    EXPECT_FALSE(service::unescape_banner(bad, out)) << bad;
  EXPECT_TRUE(service::unescape_banner(std::string(160, 'a') + "...", out));
  EXPECT_TRUE(service::unescape_banner(std::string(157, 'a') + "...", out));  // a banner that ends in dots
}

// The "service" value of an identified port as written, with one key replaced (or removed).
std::string with(const std::string& key, const Json& value, bool remove = false) {
  PortFacts f;
  f.service = services().front();
  Json j = Json::parse(jsonl_line(kOpen, kHttps, f, true));
  Json& sv = j["service"];
  const size_t dot = key.find('.');
  Json& holder = dot == std::string::npos ? sv : sv[key.substr(0, dot)];
  const std::string k = dot == std::string::npos ? key : key.substr(dot + 1);
  if (remove) holder.erase(k);
  else holder[k] = value;
  return j.dump();
}

TEST(PortFactsRead, RefusesWhatTheWriterCannotHaveWrittenNamingTheKey) {
  struct Case {
    std::string line, error;
  };
  const std::string huge(kMaxFactText + 1, 'a');
  const std::vector<Case> cases = {
      {with("conf", "10"), "\"service\".conf must be a whole number from 0 to 10"},
      {with("conf", 11), "\"service\".conf must be a whole number from 0 to 10"},
      {with("conf", -1), "\"service\".conf must be a whole number from 0 to 10"},
      {with("name", 7), "\"service\".name must be a string"},
      {with("product", huge), "\"service\".product is longer than 65536 bytes"},
      {with("product", Json::array()), "\"service\".product must be a string"},
      {with("tunnel", "tls"), "\"service\".tunnel must be \"ssl\" or null"},
      {with("method", "guessed"), "\"service\".method must be \"probed\" or \"table\""},
      {with("answer", "maybe"), "\"service\".answer is not one of identified, unrecognised"},
      {with("answer", true), "\"service\".answer must be a string"},
      {with("details", Json::array()), "\"service\".details must be an object of at most 1024 strings"},
      {with("details.status", 200), "\"service\".details[\"status\"] must be a string"},
      {with("tls", "TLSv1.3"), "\"service\".tls must be an object"},
      {with("tls.san", "DNS:x"), "\"service\".tls.san must be a list of at most 1024 strings"},
      {with("tls.san", Json::array({"DNS:x", 5})), "\"service\".tls.san[1] must be a string"},
      {with("tls.san", Json(std::vector<std::string>(1025, "DNS:x"))), "\"service\".tls.san must be a list"},
      {with("tls.self_signed", "yes"), "\"service\".tls.self_signed must be true or false"},
      {with("tls.cipher", "", true), "\"service\".tls has no \"cipher\""},
      {with("tls.extra", 1), "\"service\".tls has a key the JSONL writer does not write: \"extra\""},
      {with("banner", "\\x41"), "\"service\".banner is not a banner as portauth escapes it"},
      {with("banner", 5), "\"service\".banner must be a string"},
      {with("banner", "", true), "\"service\" has no \"banner\""},
      {with("answer", "", true), "\"service\" without \"answer\" must be the table form"},
      {with("color", "blue"), "\"service\" has a key the JSONL writer does not write: \"color\""},
      {R"({"ip":"198.18.0.2","service":{"name":"x","method":"probed","conf":3}})",
       "\"service\" without \"answer\" must be the table form"},
      {R"({"ip":"198.18.0.2","service":{"name":"x","method":"table"}})",
       "\"service\" without \"answer\" must be the table form"},
      {R"({"ip":"198.18.0.2","service":{"name":5,"method":"table","conf":3}})", "\"service\".name must be a string"},
      {R"({"ip":"198.18.0.2","service":5})", "\"service\" must be a name, null or an object"},
      {R"({"ip":"198.18.0.2","service":"x","reply":"DNS answered"})", "a line with UDP reply facts has no \"reply_bytes\""},
      {R"({"service":"x","reply":"a","reply_bytes":-1,"probe_bytes":1,"amplification":1,"reply_risk":null})",
       "\"reply_bytes\" must be a whole number from 0 to 4294967295"},
      {R"({"service":"x","reply":"a","reply_bytes":1,"probe_bytes":4294967296,"amplification":1,"reply_risk":null})",
       "\"probe_bytes\" must be a whole number from 0 to 4294967295"},
      {R"({"service":"x","reply":"a","reply_bytes":1,"probe_bytes":1,"amplification":-2,"reply_risk":null})",
       "\"amplification\" must be a number from 0 to 4294967295, or null"},
      {R"({"service":"x","reply":"a","reply_bytes":1,"probe_bytes":1,"amplification":"9","reply_risk":null})",
       "\"amplification\" must be a number from 0 to 4294967295, or null"},
      {R"({"service":"x","reply":"a","reply_bytes":1,"probe_bytes":1,"amplification":1e300,"reply_risk":null})",
       "\"amplification\" must be a number from 0 to 4294967295, or null"},
      {R"({"service":"x","reply":["a"],"reply_bytes":1,"probe_bytes":1,"amplification":1,"reply_risk":null})",
       "\"reply\" must be a string"},
      {R"({"service":"x","reply":"a","reply_bytes":1,"probe_bytes":1,"amplification":1,"reply_risk":3})",
       "\"reply_risk\" must be a string"},
  };
  for (const auto& c : cases) {
    LineFacts read;
    const std::string error = read_port_facts(Json::parse(c.line), read);
    EXPECT_EQ(error.rfind(c.error, 0), 0u) << "got: " << error << "\nwanted: " << c.error << "\nline: "
                                           << c.line.substr(0, 300);
  }
}

}  // namespace
}  // namespace portauth::output
