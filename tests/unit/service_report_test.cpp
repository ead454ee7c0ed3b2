// What the Port Authority explanations say about the service -sV found: the probe report's
// "Service:" lines, the paragraph on what answers (and whether it is what the port usually
// carries), the page of the service found, and the ShieldsUP report's service column.
#include <gtest/gtest.h>

#include <regex>

#include "db/port_page.h"
#include "report/probe_report.h"
#include "report/service_report.h"
#include "report/shieldsup_report.h"

using namespace portauth;
using namespace portauth::report;
using probe::Reason;
using service::Answer;
using service::ServiceInfo;

namespace {

bool has_line(const std::string& text, const std::string& regex) {
  return std::regex_search(text, std::regex(regex, std::regex::multiline));
}
std::string flat(const std::string& text) { return std::regex_replace(text, std::regex(R"(\s+)"), " "); }

db::PortPage listed(uint16_t port, const std::string& name, std::vector<std::string> aliases, const std::string& text) {
  db::PortEntry e;
  e.first = e.last = port;
  e.name = name;
  e.aliases = std::move(aliases);
  e.purpose = name + " purpose";
  e.description = text;
  return db::make_listed_page(port, e);
}

ServiceInfo nginx(bool ssl = false) {
  ServiceInfo s;
  s.answer = Answer::kIdentified;
  s.name = "http";
  s.product = "nginx";
  s.version = "1.22.1";
  s.probed = true;
  s.conf = 10;
  s.ssl_tunnel = ssl;
  s.banner = "HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\n";
  s.details = {{"status", "400"}};
  return s;
}

const probe::ScanResult kOpen2525{config::Address::v4(0xc6120002), 2525, Reason::kSynAck, 64};

TEST(ServiceReport, NginxOnAnSmtpPortIsExplainedWithTheHttpPage) {
  const auto port_page = listed(2525, "ms-v-worlds", {"smtp-alt-2525"}, "Worlds chat, also a mail port.");
  const auto http_page = listed(80, "http", {"www"}, "Port 80 carries unencrypted HTTP.");
  const ServiceInfo s = nginx();
  ProbeService sv{&s, {"ms-v-worlds", "smtp-alt-2525"}, &http_page};
  const std::string out = format_probe_report("198.18.0.2", kOpen2525, 2525, 1, port_page, sv);
  EXPECT_TRUE(has_line(out, R"(^Service: http  \(identified from its answer\)$)")) << out;
  EXPECT_TRUE(has_line(out, R"(^Product: nginx 1\.22\.1$)"));
  EXPECT_TRUE(has_line(out, R"(^Banner: +HTTP/1\.1 400 Bad Request\\r\\nServer: nginx/1\.22\.1\\r\\n$)"));
  EXPECT_NE(flat(out).find("nginx answers HTTP on port 2525/tcp. That is not what the port usually carries: it is "
                           "registered for ms-v-worlds (also smtp-alt-2525)."),
            std::string::npos)
      << out;
  // Then the page of what answers, not of the port number.
  EXPECT_TRUE(has_line(out, R"(^Port 80/tcp: http$)")) << out;
  EXPECT_FALSE(has_line(out, R"(^Port 2525/tcp: ms-v-worlds$)"));
  EXPECT_TRUE(has_line(out, R"(^\(The port's own page: portauth lookup 2525\)$)"));
}

TEST(ServiceReport, TheExpectedServiceKeepsThePortsPage) {
  const auto port_page = listed(443, "https", {"ssl"}, "HTTP over TLS.");
  ServiceInfo s = nginx(true);
  service::TlsFacts t;
  t.version = "TLSv1.3";
  t.cipher = "TLS_AES_256_GCM_SHA384";
  t.subject = "CN=lab.portauth.test";
  t.issuer = t.subject;
  t.self_signed = true;
  t.san = {"DNS:lab.portauth.test"};
  t.not_after = "2027-01-06T00:50:28Z";
  s.tls = t;
  EXPECT_TRUE(expected_here(s, {"https", "ssl"}));
  ProbeService sv{&s, {"https", "ssl"}, nullptr};
  const std::string out =
      format_probe_report("h", probe::ScanResult{config::Address::v4(1), 443, Reason::kSynAck, 64}, 443, 1, port_page, sv);
  EXPECT_TRUE(has_line(out, R"(^Service: ssl/http)")) << out;
  EXPECT_TRUE(has_line(out, R"(^TLS: +TLSv1\.3, TLS_AES_256_GCM_SHA384$)"));
  EXPECT_TRUE(has_line(out, R"(^ +self-signed$)"));
  EXPECT_TRUE(has_line(out, R"(^ +valid until 2027-01-06T00:50:28Z$)"));
  EXPECT_NE(flat(out).find("nginx answers HTTP inside TLS on port 443/tcp. That is what the port usually carries "
                           "(https (also ssl))."),
            std::string::npos)
      << out;
  EXPECT_TRUE(has_line(out, R"(^Port 443/tcp: https$)"));
}

TEST(ServiceReport, SilenceAndTcpwrappedAreSaidNotGuessed) {
  ServiceInfo quiet;
  quiet.answer = Answer::kSilent;
  quiet.probed = true;
  const std::string q = flat(what_answers(quiet, 9999, {"distinct", "abyss"}));
  EXPECT_NE(q.find("accepts connections on port 9999/tcp and never sends a byte"), std::string::npos) << q;
  EXPECT_NE(q.find("nothing is guessed from the port number"), std::string::npos);
  EXPECT_EQ(q.find("abyss"), std::string::npos);
  ServiceInfo wrapped;
  wrapped.answer = Answer::kTcpwrapped;
  wrapped.name = "tcpwrapped";
  EXPECT_NE(flat(what_answers(wrapped, 9998, {})).find("closes every connection at once"), std::string::npos);
  EXPECT_FALSE(expected_here(quiet, {"distinct"}));
}

TEST(ServiceReport, ExpectedHereKnowsFamiliesAndTheirNames) {
  ServiceInfo dns;
  dns.answer = Answer::kIdentified;
  dns.name = "domain";
  EXPECT_TRUE(expected_here(dns, {"dns"}));
  ServiceInfo rdp = dns;
  rdp.name = "ms-wbt-server";
  EXPECT_TRUE(expected_here(rdp, {"rdp", "remote-desktop"}));
  ServiceInfo ssh = dns;
  ssh.name = "ssh";
  EXPECT_FALSE(expected_here(ssh, {"http"}));
  EXPECT_EQ(protocol_word("imap"), "IMAP");
  EXPECT_EQ(protocol_word("ms-wbt-server"), "RDP");
}

TEST(ServiceReport, ShieldsUpTableNamesWhatAnswers) {
  ShieldsUpReport r;
  r.host = "198.18.0.2";
  r.port_set = "2 ports";
  r.summary.open = 2;
  auto p = shieldsup_port(kOpen2525, listed(2525, "ms-v-worlds", {"smtp-alt-2525"}, "x"));
  p.found = std::make_shared<const ServiceInfo>(nginx());
  r.ports.push_back(p);
  auto q = shieldsup_port(probe::ScanResult{config::Address::v4(1), 9999, Reason::kSynAck, 64},
                          listed(9999, "distinct", {"abyss"}, "y"));
  auto quiet = std::make_shared<ServiceInfo>();
  quiet->answer = Answer::kSilent;
  quiet->probed = true;
  q.found = quiet;
  r.ports.push_back(q);
  const std::string out = format_shieldsup_report(r);
  EXPECT_TRUE(has_line(out, R"(^2525/tcp +open +syn-ack +64 +http +)")) << out;
  EXPECT_TRUE(has_line(out, R"(^9999/tcp +open +syn-ack +64 +unknown +)")) << out;
  EXPECT_NE(flat(out).find("nginx answers HTTP on port 2525/tcp. That is not what the port usually carries"),
            std::string::npos);
  EXPECT_NE(flat(out).find("Product: nginx 1.22.1"), std::string::npos);
}

}  // namespace
