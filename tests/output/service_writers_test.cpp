// Every writer with -sV: the service facts beside the results (output/report.h PortFacts), as
// each format writes them, including the ports where nothing could be named and banners full
// of bytes no format may carry raw.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fixtures.h"
#include "output/csv_writer.h"
#include "output/grepable_writer.h"
#include "output/html_writer.h"
#include "output/jsonl_writer.h"
#include "output/text_writer.h"
#include "output/xml_writer.h"

namespace portauth::output {
namespace {

using namespace testing;
using service::Answer;
using service::ServiceInfo;

std::shared_ptr<const ServiceInfo> identified(std::string name, std::string product, std::string version,
                                              bool ssl = false) {
  auto s = std::make_shared<ServiceInfo>();
  s->answer = Answer::kIdentified;
  s->name = std::move(name);
  s->product = std::move(product);
  s->version = std::move(version);
  s->probed = true;
  s->conf = 10;
  s->ssl_tunnel = ssl;
  s->banner = "SSH-2.0-OpenSSH_9.2p1\r\n";
  if (ssl) {
    service::TlsFacts t;
    t.version = "TLSv1.3";
    t.subject = "CN=lab.example,O=a \"quoted\" <org>";
    t.issuer = t.subject;
    t.san = {"DNS:lab.example", "IP:198.18.0.2"};
    t.not_after = "2027-01-06T00:50:28Z";
    t.self_signed = true;
    s->tls = t;
    s->banner = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n";
  }
  s->details = {{"status", "200"}};
  return s;
}

std::shared_ptr<const ServiceInfo> silent() {
  auto s = std::make_shared<ServiceInfo>();
  s->answer = Answer::kSilent;
  s->probed = true;
  s->conf = 10;
  return s;
}

std::shared_ptr<const ServiceInfo> unrecognised() {
  auto s = std::make_shared<ServiceInfo>();
  s->answer = Answer::kUnrecognised;
  s->probed = true;
  s->conf = 10;
  s->banner = std::string("\x01\x02<b>\"x\"</b>,\xff\r\n", 16);
  return s;
}

// small_scan() with -sV: 198.18.0.2:22 ssh, :80 http in TLS, 198.18.0.3:80 silent; one more
// open port (198.18.0.2:8000) whose answer no rule knows.
struct SvScan {
  std::vector<Delivered> results = small_scan();
  std::map<std::pair<uint32_t, uint16_t>, PortFacts> facts;
  SvScan() {
    results.insert(results.begin(), {{kHostA, 8000, probe::Reason::kSynAck, 64}, &annotation(8000)});
    facts[{kHostA.v4(), 22}].service = identified("ssh", "OpenSSH", "9.2p1");
    facts[{kHostA.v4(), 80}].service = identified("http", "nginx", "1.22.1", true);
    facts[{kHostB.v4(), 80}].service = silent();
    facts[{kHostA.v4(), 8000}].service = unrecognised();
  }
  PortFacts of(const ScanResult& r) const {
    const auto it = facts.find({r.addr.v4(), r.port});
    return it == facts.end() ? PortFacts{} : it->second;
  }
};

template <class Writer>
std::string run_sv(const SvScan& scan) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  {
    Writer w(f);
    ScanInfo info = small_info();
    info.service_scan = true;
    info.ports.push_back(8000);
    w.begin(info);
    for (const auto& d : scan.results) w.result(d.r, *d.a, scan.of(d.r));
    ScanSummary s = small_summary();
    s.service_scan = true;
    s.services_identified = 2;
    s.services_silent = 1;
    s.services_unrecognised = 1;
    w.finish(s);
  }
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TEST(ServiceWriters, JsonlCarriesAServiceObjectOnEveryLine) {
  const std::string out = run_sv<JsonlWriter>(SvScan());
  std::istringstream lines(out);
  std::map<std::pair<std::string, int>, nlohmann::json> by;
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    by[{j["ip"], j["port"]}] = j;
  }
  ASSERT_EQ(by.size(), 13u);
  const auto& ssh = by.at({"198.18.0.2", 22})["service"];
  EXPECT_EQ(ssh["name"], "ssh");
  EXPECT_EQ(ssh["product"], "OpenSSH");
  EXPECT_EQ(ssh["version"], "9.2p1");
  EXPECT_EQ(ssh["method"], "probed");
  EXPECT_EQ(ssh["conf"], 10);
  EXPECT_EQ(ssh["answer"], "identified");
  EXPECT_TRUE(ssh["tunnel"].is_null());
  EXPECT_EQ(ssh["banner"], "SSH-2.0-OpenSSH_9.2p1\\r\\n");  // escaped: the JSON string holds a backslash
  const auto& https = by.at({"198.18.0.2", 80})["service"];
  EXPECT_EQ(https["tunnel"], "ssl");
  EXPECT_EQ(https["tls"]["version"], "TLSv1.3");
  EXPECT_EQ(https["tls"]["self_signed"], true);
  EXPECT_EQ(https["tls"]["san"][1], "IP:198.18.0.2");
  EXPECT_EQ(https["details"]["status"], "200");
  const auto& quiet = by.at({"198.18.0.3", 80})["service"];
  EXPECT_TRUE(quiet["name"].is_null());  // never guessed
  EXPECT_TRUE(quiet["product"].is_null());
  EXPECT_EQ(quiet["answer"], "silent");
  const auto& odd = by.at({"198.18.0.2", 8000})["service"];
  EXPECT_EQ(odd["answer"], "unrecognised");
  EXPECT_EQ(odd["banner"], "\\x01\\x02<b>\"x\"</b>,\\xff\\r\\n");
  const auto& closed = by.at({"198.18.0.2", 113})["service"];  // not open: the table's name
  EXPECT_EQ(closed["name"], "ident");
  EXPECT_EQ(closed["method"], "table");
  EXPECT_EQ(closed["conf"], 3);
}

TEST(ServiceWriters, JsonlWithoutServiceScanIsUnchanged) {
  const std::string out = run_writer<JsonlWriter>(small_info(), small_scan(), small_summary());
  EXPECT_TRUE(contains(out, "\"service\":\"ssh\",\"purpose\":\"Secure Shell\""));
}

TEST(ServiceWriters, CsvAddsTheServiceColumns) {
  const std::string out = run_sv<CsvWriter>(SvScan());
  std::istringstream lines(out);
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header, "ip,port,proto,state,reason,ttl,service,purpose,risk,product,version,extrainfo,tunnel,method,conf,"
                    "answer,host_verdict");
  EXPECT_TRUE(contains(out, "198.18.0.2,80,tcp,open,syn-ack,64,http,Hypertext Transfer Protocol,low,nginx,1.22.1,,ssl,"
                            "probed,10,identified,\n"));
  EXPECT_TRUE(contains(out, "198.18.0.3,80,tcp,open,syn-ack,63,,Hypertext Transfer Protocol,low,,,,,probed,10,silent,\n"));
  EXPECT_TRUE(contains(out, "198.18.0.2,113,tcp,closed,rst,64,ident,Identification Protocol,low,,,,,table,3,,\n"));
  for (std::string line; std::getline(lines, line);) {
    // Every row has the header's 17 fields (none of our fields holds a quote here, so a plain
    // count of the separators outside quotes is the field count).
    size_t fields = 1;
    bool quoted = false;
    for (const char c : line) {
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) ++fields;
    }
    EXPECT_EQ(fields, 17u) << line;
  }
}

TEST(ServiceWriters, XmlWritesNmapsServiceElement) {
  use_utc();
  const std::string out = run_sv<XmlWriter>(SvScan());
  EXPECT_TRUE(contains(out, "<service name=\"ssh\" product=\"OpenSSH\" version=\"9.2p1\" method=\"probed\" conf=\"10\"/>"))
      << out;
  EXPECT_TRUE(contains(out, "<service name=\"http\" product=\"nginx\" version=\"1.22.1\" tunnel=\"ssl\" "
                            "method=\"probed\" conf=\"10\"/>"));
  EXPECT_TRUE(contains(out, "portid=\"80\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"63\"/><service "
                            "name=\"unknown\" method=\"probed\" conf=\"10\"/>"));  // silent: no guess
  EXPECT_TRUE(contains(out, "portid=\"113\"><state state=\"closed\" reason=\"reset\" reason_ttl=\"64\"/><service "
                            "name=\"ident\" method=\"table\" conf=\"3\"/>"));
  if (!std::filesystem::exists(PORTAUTH_NMAP_DTD) || std::system("command -v xmllint >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "needs xmllint and " PORTAUTH_NMAP_DTD;
  const auto path = std::filesystem::temp_directory_path() / ("portauth-sv-xml-" + std::to_string(getpid()) + ".xml");
  std::ofstream(path) << out;
  EXPECT_EQ(std::system(("xmllint --noout --dtdvalid " PORTAUTH_NMAP_DTD " " + path.string()).c_str()), 0) << out;
  std::filesystem::remove(path);
}

TEST(ServiceWriters, GrepableHasServiceAndVersionFields) {
  const std::string out = run_sv<GrepableWriter>(SvScan());
  EXPECT_TRUE(contains(out, "22/open/tcp//ssh//OpenSSH 9.2p1/")) << out;
  EXPECT_TRUE(contains(out, "80/open/tcp//ssl|http//nginx 1.22.1/")) << out;
  EXPECT_TRUE(contains(out, "80/open/tcp//unknown///")) << out;
}

TEST(ServiceWriters, TextShowsTheVersionColumn) {
  const std::string out = run_sv<TextWriter>(SvScan());
  EXPECT_TRUE(contains(out, "PORT      STATE    REASON                 TTL  SERVICE          VERSION\n")) << out;
  EXPECT_TRUE(contains(out, "80/tcp    open     syn-ack                64   ssl/http         nginx 1.22.1\n")) << out;
  EXPECT_TRUE(contains(out, "80/tcp    open     syn-ack                63   unknown          silent: accepts "
                            "connections, never sends a byte\n"))
      << out;
  EXPECT_TRUE(contains(out, "8000/tcp  open     syn-ack                64   unknown          unrecognised: "
                            "\\x01\\x02<b>\"x\"</b>,\\xff\\r\\n\n"))
      << out;
  EXPECT_TRUE(contains(out, "services: 2 identified, 1 unrecognised, 1 silent, 0 tcpwrapped")) << out;
}

TEST(ServiceWriters, HtmlEscapesWhatServicesSaid) {
  const std::string out = run_sv<HtmlWriter>(SvScan());
  EXPECT_TRUE(contains(out, "ssl/http<br><small>nginx 1.22.1</small><br><small>TLS TLSv1.3, CN=lab.example,O=a "
                            "&quot;quoted&quot; &lt;org&gt;, self-signed, expires 2027-01-06T00:50:28Z</small>"))
      << out;
  EXPECT_TRUE(contains(out, "unrecognised: \\x01\\x02&lt;b&gt;&quot;x&quot;&lt;/b&gt;,\\xff\\r\\n"));
  EXPECT_FALSE(contains(out, "<b>\"x\"</b>"));
}

}  // namespace
}  // namespace portauth::output
