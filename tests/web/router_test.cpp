#include "web/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/target_spec.h"
#include "db/page_render.h"
#include "fake_runner.h"
#include "router_fixture.h"

namespace portauth::web {
namespace {

using testing::addr;
using testing::FakeRunner;
using testing::real_db;
using testing::RouterTest;


TEST_F(RouterTest, HomeShowsTheClientsAddressAndTheTests) {
  const Reply r = router().handle(request("GET", "/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("id=\"client-address\">198.18.0.2</b>"), std::string::npos);
  for (const char* t : {"value=\"common\"", "value=\"service\"", "value=\"custom\"", "value=\"trustealth\"", "Proceed"})
    EXPECT_NE(r.body.find(t), std::string::npos) << t;
  EXPECT_EQ(r.body.find("<script>"), std::string::npos) << "no inline script";
  EXPECT_EQ(r.body.find(" style="), std::string::npos) << "no inline style";
}

TEST_F(RouterTest, PortPagesNavigate) {
  Reply r = router().handle(request("GET", "/port/25"));
  EXPECT_EQ(r.status, 200);
  for (const char* want : {"href=\"/port/24\">Goto Port 24</a>", "href=\"/port/26\">Goto Port 26</a>",
                           "Probe Port 25</button>", "name=\"port\" value=\"25\"", "Enter Port:", "smtp",
                           "<h2>Related Ports</h2>"})
    EXPECT_NE(r.body.find(want), std::string::npos) << want;
  r = router().handle(request("GET", "/port/0"));
  EXPECT_EQ(r.body.find("Goto Port -1"), std::string::npos);
  EXPECT_NE(r.body.find("Goto Port 1<"), std::string::npos);
  r = router().handle(request("GET", "/port/65535"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("Goto Port 65536"), std::string::npos);
  EXPECT_EQ(router().handle(request("GET", "/port/65536")).status, 404);
  EXPECT_EQ(router().handle(request("GET", "/port/ssh")).status, 404);
}

TEST_F(RouterTest, RelatedPortsAndTrojansAreLinks) {
  const Reply r = router().handle(request("GET", "/port/31337"));
  EXPECT_NE(r.body.find("<a href=\"/port/31338\">31338</a>"), std::string::npos);
  EXPECT_NE(r.body.find("<a href=\"/search?q=Back%20Orifice\">Back Orifice</a>"), std::string::npos);
}

TEST_F(RouterTest, EveryPortHasAPage) {
  const Router rt = router();
  for (uint32_t p = 0; p <= 65535; p += 97) {
    const Reply r = rt.handle(request("GET", "/port/" + std::to_string(p)));
    ASSERT_EQ(r.status, 200) << p;
    ASSERT_NE(r.body.find("data-port=\"" + std::to_string(p) + "\""), std::string::npos) << p;
  }
}

TEST_F(RouterTest, EnterPortRedirects) {
  Reply r = router().handle(request("GET", "/port?n=443"));
  EXPECT_EQ(r.status, 303);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Location", "/port/443"}));
  r = router().handle(request("GET", "/port?n=%3Cb%3E"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("&lt;b&gt;"), std::string::npos) << "escaped";
  EXPECT_EQ(r.body.find("<b>'"), std::string::npos);
}

TEST_F(RouterTest, ApiPortIsTheLookupJson) {
  const Reply r = router().handle(request("GET", "/api/port/22"));
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(nlohmann::json::parse(r.body), db::page_json(real_db().page(22)));
}

TEST_F(RouterTest, SearchIsEscaped) {
  Reply r = router().handle(request("GET", "/search?q=back+orifice"));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("href=\"/port/31337\""), std::string::npos);
  r = router().handle(request("GET", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"));
  EXPECT_EQ(r.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST_F(RouterTest, ApiScanProbesTheClientAndAnswersWhenDone) {
  const Reply r = router().handle(post_json("/api/scan", R"({"ports": "common"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["target"], "198.18.0.2");
  EXPECT_EQ(j["counts"]["tested"], 26);
  EXPECT_EQ(j["counts"]["open"], 2);
  EXPECT_EQ(j["counts"]["closed"], 1);
  EXPECT_EQ(j["ports"].size(), 26u);
  EXPECT_EQ(j["ports"][2]["port"], 22);
  EXPECT_EQ(j["ports"][2]["state"], "open");
  EXPECT_EQ(j["ports"][2]["reason"], "syn-ack");
  // Nothing identified: the database's name, in the JSONL writer's table form.
  EXPECT_EQ(j["ports"][2]["service"], (nlohmann::json{{"name", "ssh"}, {"method", "table"}, {"conf", 3}}));
  EXPECT_FALSE(j.contains("services"));
  EXPECT_TRUE(j["ports"][0]["ttl"].is_null());
  EXPECT_FALSE(j["trustealth"]["passed"]);
  EXPECT_EQ(runner_.targets(), std::vector<config::Address>{addr("198.18.0.2")});
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_EQ(log_[0].rfind("scan client=198.18.0.2 test=common ports=26 open=2 closed=1 stealth=23 ", 0), 0u) << log_[0];
  // The report is there to download.
  const Reply report = router().handle(request("GET", "/report.txt"));
  EXPECT_EQ(report.status, 200);
  EXPECT_NE(report.body.find("Port Authority Report"), std::string::npos);
  EXPECT_NE(report.body.find("198.18.0.2"), std::string::npos);
  EXPECT_NE(report.body.find("TruStealth"), std::string::npos);
  // ... by that client only.
  Request other = request("GET", "/report.txt", "198.18.0.3");
  EXPECT_EQ(router().handle(other).status, 404);
}

TEST_F(RouterTest, ApiScanTakesPortSpecs) {
  const Reply r = router().handle(post_json("/api/scan", R"({"ports": "22,80,8000-8001"})"));
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["test"], "custom");
  EXPECT_EQ(j["counts"]["tested"], 4);
  EXPECT_EQ(router().handle(post_json("/api/scan", R"({"ports": "1-100"})")).status, 400);
  EXPECT_EQ(router().handle(post_json("/api/scan", R"({"ports": 22})")).status, 400);
  EXPECT_EQ(router().handle(post_json("/api/scan", R"(["common"])")).status, 400);
  EXPECT_EQ(router().handle(post_json("/api/scan", "{")).status, 400);
  Request wrong_type = post_json("/api/scan", R"({"ports": "common"})");
  wrong_type.headers.back().second = "text/plain";
  EXPECT_EQ(router().handle(wrong_type).status, 415);
  EXPECT_EQ(router().handle(request("GET", "/api/scan")).status, 405);
}

TEST_F(RouterTest, TargetsSmuggledAnywhereAreRefusedAndNeverScanned) {
  const Router rt = router();
  std::vector<Request> attempts = {
      post_json("/api/scan", R"({"ports": "common", "target": "198.18.1.9"})"),
      post_json("/api/scan", R"({"ports": "common", "Host": "198.18.1.9"})"),
      post_json("/api/scan", R"({"ports": "198.18.1.9"})"),
      post_json("/api/scan?target=198.18.1.9", R"({"ports": "common"})"),
      post_json("/api/scan/198.18.1.9", R"({"ports": "common"})"),
      post_json("/api/scan/stream/198.18.1.9", R"({"ports": "common"})"),
      post_json("/api/scan/victim.example", R"({"ports": "common"})"),
      post_form("/scan", "test=common&target=198.18.1.9"),
      post_form("/scan", "test=custom&ports=22&ip=198.18.1.9"),
      post_form("/probe", "port=22&host=198.18.1.9"),
      post_form("/probe/198.18.1.9", "port=22"),
      post_form("/scan?dst=198.18.1.9", "test=common"),
  };
  Request header = post_json("/api/scan", R"({"ports": "common"})");
  header.headers.emplace_back("X-Scan-Target", "198.18.1.9");
  attempts.push_back(header);
  header = post_json("/api/scan", R"({"ports": "common"})");
  header.headers.emplace_back("REMOTE_ADDR", "198.18.1.9");
  attempts.push_back(header);
  for (const Request& r : attempts) {
    const Reply reply = rt.handle(r);
    EXPECT_EQ(reply.status, 400) << r.target << " " << r.body << ": " << reply.body;
  }
  EXPECT_TRUE(runner_.targets().empty());
  EXPECT_GE(log_.size(), attempts.size() - 1) << "each attempt is logged";
  for (const std::string& line : log_) EXPECT_EQ(line.rfind("refused 400 client=198.18.0.2 ", 0), 0u) << line;
  // X-Forwarded-For from an untrusted peer: ignored, the scan is of the peer.
  Request xff = post_json("/api/scan", R"({"ports": "common"})");
  xff.headers.emplace_back("X-Forwarded-For", "198.18.1.9");
  EXPECT_EQ(rt.handle(xff).status, 200);
  EXPECT_EQ(runner_.targets(), std::vector<config::Address>{addr("198.18.0.2")});
}

TEST_F(RouterTest, StreamSendsEventsAsPortsAnswer) {
  const Reply r = router().handle(post_json("/api/scan/stream", R"({"ports": "22,23,80"})"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/event-stream", 0), 0u);
  ASSERT_TRUE(r.stream);
  const std::string body = body_of(r);
  const size_t begin = body.find("event: begin\ndata: ");
  const size_t first_port = body.find("event: port\ndata: {\"port\":22,");
  const size_t stealth = body.find("event: port\ndata: {\"port\":23,");
  const size_t done = body.find("event: done\ndata: ");
  EXPECT_LT(begin, first_port);
  EXPECT_LT(first_port, stealth);
  EXPECT_LT(stealth, done);
  EXPECT_NE(done, std::string::npos);
  const auto j = nlohmann::json::parse(body.substr(done + 18, body.find("\n\n", done) - done - 18));
  EXPECT_EQ(j["counts"]["tested"], 3);
}

TEST_F(RouterTest, TheFormsWorkWithoutScript) {
  Reply r = router().handle(post_form("/scan", "test=service&ports="));
  ASSERT_EQ(r.status, 200);
  std::string page = body_of(r);
  EXPECT_NE(page.find("All Service Ports"), std::string::npos);
  EXPECT_NE(page.find("class=\"cell open\" href=\"/port/22\""), std::string::npos);
  EXPECT_NE(page.find("class=\"cell closed\" href=\"/port/113\""), std::string::npos);
  EXPECT_NE(page.find("class=\"cell stealth\" href=\"/port/1055\""), std::string::npos);
  EXPECT_NE(page.find("TruStealth"), std::string::npos);
  now_ += 60;
  r = router().handle(post_form("/scan", "test=custom&ports=22%2C+9999"));
  page = body_of(r);
  EXPECT_NE(page.find("Custom Port Probe"), std::string::npos);
  EXPECT_NE(page.find("href=\"/port/9999\""), std::string::npos);
  now_ += 60;
  r = router().handle(post_form("/probe", "port=22"));
  page = body_of(r);
  EXPECT_NE(page.find("id=\"probe-state\">open</span>"), std::string::npos);
  EXPECT_NE(page.find("Goto Port 23"), std::string::npos);
  EXPECT_EQ(router().handle(post_form("/scan", "test=everything")).status, 400);
}

TEST_F(RouterTest, ScansAreGated) {
  const Router rt = router();
  // A scan that has not been streamed yet holds its client's slot.
  const Reply first = rt.handle(post_json("/api/scan/stream", R"({"ports": "common"})"));
  ASSERT_EQ(first.status, 200);
  const Reply second = rt.handle(post_json("/api/scan/stream", R"({"ports": "common"})"));
  EXPECT_EQ(second.status, 429);
  ASSERT_FALSE(second.headers.empty());
  EXPECT_EQ(second.headers.back().first, "Retry-After");
  body_of(first);  // runs and ends the scan
  // The rate: 5 per minute for one client.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(rt.handle(post_json("/api/scan", R"({"ports": "22"})")).status, 200) << i;
  const Reply sixth = rt.handle(post_json("/api/scan", R"({"ports": "22"})"));
  EXPECT_EQ(sixth.status, 429);
  EXPECT_EQ(sixth.headers.back(), (std::pair<std::string, std::string>{"Retry-After", "12"}));
}

TEST_F(RouterTest, AScanThatCannotRunSaysWhy) {
  runner_.error = "need root or CAP_NET_RAW";
  const Reply r = router().handle(post_json("/api/scan", R"({"ports": "common"})"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "need root or CAP_NET_RAW");
}

TEST_F(RouterTest, UnknownPagesAndMethods) {
  EXPECT_EQ(router().handle(request("GET", "/nothing")).status, 404);
  EXPECT_EQ(router().handle(request("GET", "/static/../portauth.css")).status, 400);
  EXPECT_EQ(router().handle(request("POST", "/port/80")).status, 405);
  EXPECT_EQ(router().handle(request("DELETE", "/")).status, 405);
  EXPECT_EQ(router().handle(request("GET", "/?x=1")).status, 400);
  const Reply css = router().handle(request("GET", "/static/portauth.css"));
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
}

}  // namespace
}  // namespace portauth::web
