// What answers on a port, as the server shows it: "Probe Port N", the results pages, the API's
// port objects (the JSONL writer's service object), the stream's service events and the report.
// The services come from the real identifiers run on recorded bytes (an OpenSSH greeting) and on
// hostile ones (an HTTP server whose Server header and title carry markup, a banner with control
// bytes), handed to the router by the FakeRunner as the live runner hands them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "output/jsonl_writer.h"
#include "router_fixture.h"
#include "service/registry.h"

namespace portauth::web {
namespace {

using testing::RouterTest;

// What identification concludes from `bytes`, as the session would report it.
service::ServiceInfo identified(std::string_view bytes) {
  const auto m = service::match_any(bytes);
  EXPECT_TRUE(m.has_value()) << bytes;
  service::ServiceInfo s;
  if (!m) return s;
  s.answer = service::Answer::kIdentified;
  s.name = m->id.name;
  s.product = m->id.product;
  s.version = m->id.version;
  s.extrainfo = m->id.extrainfo;
  s.details = m->id.details;
  s.probed = true;
  s.conf = m->id.conf;
  s.banner = std::string(bytes);
  s.rule = std::string(m->id.rule);
  return s;
}

const std::string kOpenSsh = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
// Markup in every field a server controls, control bytes and a NUL in the banner.
constexpr char kHostileBytes[] =
    "HTTP/1.1 200 OK\r\nServer: <script>alert(1)</script>\r\nContent-Type: text/html\r\n\r\n"
    "<html><title>\"><img src=x onerror=alert(2)></title>\x1b[31m\x07\x00</html>";
const std::string kHostileHttp(kHostileBytes, sizeof kHostileBytes - 1);

// No byte a page or a text report should carry: control characters other than tab and newline.
bool has_control_bytes(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f) return true;
  return false;
}

// The JSON of every "event: NAME" in a stream, in order.
std::vector<nlohmann::json> events_named(const std::string& stream, std::string_view name) {
  std::vector<nlohmann::json> out;
  const std::string head = "event: " + std::string(name) + "\ndata: ";
  for (size_t at = stream.find(head); at != std::string::npos; at = stream.find(head, at + 1)) {
    const size_t from = at + head.size();
    out.push_back(nlohmann::json::parse(stream.substr(from, stream.find("\n\n", from) - from)));
  }
  return out;
}

TEST_F(RouterTest, ProbePortSaysWhatAnswersAndShowsThatServicesPage) {
  runner_.answers = {{2022, probe::Reason::kSynAck}};
  runner_.services[2022] = identified(kOpenSsh);
  const std::string page = body_of(router().handle(post_form("/probe", "port=2022")));
  EXPECT_NE(page.find("id=\"probe-state\">open</span>"), std::string::npos);
  EXPECT_NE(page.find("<b id=\"probe-service\">ssh</b> (identified from its answer)"), std::string::npos) << page;
  EXPECT_NE(page.find("id=\"probe-product\">OpenSSH 9.2p1"), std::string::npos) << page;
  EXPECT_NE(page.find("OpenSSH answers SSH on port 2022/tcp"), std::string::npos);
  EXPECT_NE(page.find("That is not what the port usually carries"), std::string::npos);
  // The page below is ssh's (port 22), with a link to the port's own; the navigation is port 2022's.
  EXPECT_NE(page.find("id=\"service-page-note\""), std::string::npos);
  EXPECT_NE(page.find("data-port=\"22\""), std::string::npos);
  EXPECT_EQ(page.find("data-port=\"2022\""), std::string::npos);
  EXPECT_NE(page.find("(The port's own page: <a href=\"/port/2022\">Port 2022</a>.)"), std::string::npos);
  EXPECT_NE(page.find("Goto Port 2023"), std::string::npos);
  EXPECT_NE(page.find("id=\"probe-banner\">SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\\r\\n</code>"), std::string::npos);
}

TEST_F(RouterTest, ProbePortOnTheServicesOwnPortKeepsThePortsPage) {
  runner_.services[22] = identified(kOpenSsh);
  const std::string page = body_of(router().handle(post_form("/probe", "port=22")));
  EXPECT_NE(page.find("OpenSSH answers SSH on port 22/tcp. That is what the port usually carries"), std::string::npos);
  EXPECT_EQ(page.find("id=\"service-page-note\""), std::string::npos);
  EXPECT_NE(page.find("data-port=\"22\""), std::string::npos);
  // A closed or stealth port, or an open one nothing identified: no service facts at all.
  now_ += 60;
  const std::string other = body_of(router().handle(post_form("/probe", "port=80")));
  EXPECT_NE(other.find("id=\"probe-state\">open</span>"), std::string::npos);
  EXPECT_EQ(other.find("probe-service"), std::string::npos);
  EXPECT_EQ(other.find("what-answers"), std::string::npos);
}

TEST_F(RouterTest, TheApiCarriesTheJsonlWritersServiceObject) {
  runner_.answers = {{22, probe::Reason::kSynAck}, {2022, probe::Reason::kSynAck}, {113, probe::Reason::kRst}};
  runner_.services[2022] = identified(kOpenSsh);
  const Reply r = router().handle(post_json("/api/scan", R"({"ports": "22,113,2022,5000"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = nlohmann::json::parse(r.body);
  std::map<int, nlohmann::json> by_port;
  for (const auto& p : j["ports"]) by_port[p["port"].get<int>()] = p;
  const auto& ssh = by_port.at(2022)["service"];
  output::Annotation a;
  a.service = "down";  // the database's name for 2022
  EXPECT_EQ(ssh, nlohmann::json(output::service_json(a, &runner_.services[2022])));
  EXPECT_EQ(ssh["name"], "ssh");
  EXPECT_EQ(ssh["product"], "OpenSSH");
  EXPECT_EQ(ssh["version"], "9.2p1");
  EXPECT_EQ(ssh["method"], "probed");
  EXPECT_EQ(ssh["answer"], "identified");
  EXPECT_EQ(ssh["banner"], "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\\r\\n");
  EXPECT_EQ(by_port.at(2022)["answered"], "OpenSSH 9.2p1 (Debian 2+deb12u3; protocol 2.0)");
  EXPECT_FALSE(by_port.at(22).contains("answered"));
  // Open but not identified, closed, stealth: the table form with the database's name.
  EXPECT_EQ(by_port.at(22)["service"], (nlohmann::json{{"name", "ssh"}, {"method", "table"}, {"conf", 3}}));
  EXPECT_EQ(by_port.at(113)["service"]["method"], "table");
  EXPECT_EQ(by_port.at(5000)["service"]["method"], "table");
  EXPECT_EQ(j["services"]["identified"], 1);
  // The streaming form: the port first, then what answers there, then done with the same object.
  now_ += 60;
  const std::string stream = body_of(router().handle(post_json("/api/scan/stream", R"({"ports": "22,2022"})")));
  const auto ports = events_named(stream, "port"), services = events_named(stream, "service"),
             done = events_named(stream, "done");
  ASSERT_EQ(ports.size(), 2u);
  ASSERT_EQ(services.size(), 1u);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_LT(stream.find("event: port\ndata: {\"port\":2022"), stream.find("event: service"));
  EXPECT_EQ(services[0]["port"], 2022);
  EXPECT_EQ(services[0]["service"], ssh);
  EXPECT_EQ(done[0]["ports"][1]["service"], ssh);
}

TEST_F(RouterTest, AHostileServiceIsEscapedOnEveryPageTheApiAndTheReport) {
  runner_.answers = {{8080, probe::Reason::kSynAck}};
  runner_.services[8080] = identified(kHostileHttp);
  ASSERT_EQ(runner_.services[8080].name, "http");
  ASSERT_NE(runner_.services[8080].product.find("<script>"), std::string::npos)
      << "the identifier took the Server header as the product: " << runner_.services[8080].product;
  const auto no_markup = [](const std::string& text, const char* what) {
    EXPECT_EQ(text.find("<script>alert"), std::string::npos) << what;
    EXPECT_EQ(text.find("<img src=x"), std::string::npos) << what;
    EXPECT_FALSE(has_control_bytes(text)) << what;
  };
  const std::string probe = body_of(router().handle(post_form("/probe", "port=8080")));
  no_markup(probe, "Probe Port 8080");
  EXPECT_NE(probe.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(probe.find("\\x1b[31m\\x07\\x00"), std::string::npos) << "the banner's control bytes, escaped";
  now_ += 60;
  const std::string results = body_of(router().handle(post_form("/scan", "test=custom&ports=8080")));
  no_markup(results, "the results page");
  EXPECT_NE(results.find("&lt;script&gt;"), std::string::npos);
  now_ += 60;
  const Reply api = router().handle(post_json("/api/scan", R"({"ports": "8080"})"));
  EXPECT_FALSE(has_control_bytes(api.body));
  const auto j = nlohmann::json::parse(api.body);
  EXPECT_EQ(j["ports"][0]["service"]["product"], runner_.services[8080].product);  // JSON escapes, the script uses textContent
  EXPECT_NE(j["ports"][0]["service"]["banner"].get<std::string>().find("\\x1b[31m\\x07\\x00"), std::string::npos);
  now_ += 60;
  const std::string stream = body_of(router().handle(post_json("/api/scan/stream", R"({"ports": "8080"})")));
  EXPECT_FALSE(has_control_bytes(stream));
  ASSERT_EQ(events_named(stream, "service").size(), 1u);  // one line of JSON: the event is not cut
  EXPECT_EQ(events_named(stream, "service")[0]["service"]["product"], runner_.services[8080].product);
  const Reply report = router().handle(request("GET", "/report.txt"));
  EXPECT_FALSE(has_control_bytes(report.body));
  EXPECT_NE(report.body.find("answers HTTP on port 8080/tcp"), std::string::npos) << report.body;
}

TEST_F(RouterTest, ResultsPagesAndTheReportSayWhatAnswered) {
  runner_.answers = {{22, probe::Reason::kSynAck}, {2022, probe::Reason::kSynAck}};
  runner_.services[2022] = identified(kOpenSsh);
  service::ServiceInfo silent;
  silent.answer = service::Answer::kSilent;
  silent.probed = true;
  runner_.services[22] = silent;
  const std::string page = body_of(router().handle(post_form("/scan", "test=custom&ports=22%2C2022")));
  EXPECT_NE(page.find("ssh<br><span class=\"answered\">OpenSSH 9.2p1 (Debian 2+deb12u3; protocol 2.0)</span>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("unknown<br><span class=\"answered\">silent: accepts connections, never sends a byte"),
            std::string::npos);
  EXPECT_NE(page.find("title=\"2022/tcp open (syn-ack): ssh OpenSSH 9.2p1"), std::string::npos);
  const Reply report = router().handle(request("GET", "/report.txt"));
  EXPECT_NE(report.body.find("OpenSSH answers SSH on port 2022/tcp"), std::string::npos) << report.body;
  EXPECT_NE(report.body.find("Product: OpenSSH 9.2p1"), std::string::npos);
  EXPECT_NE(report.body.find("services: 1 identified, 0 unrecognised, 1 silent"), std::string::npos);
}

}  // namespace
}  // namespace portauth::web
