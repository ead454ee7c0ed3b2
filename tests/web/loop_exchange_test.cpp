// The requests an event loop answers itself (web/loop_exchange.h): the head read into a Request
// (web/request_head.h), the reply's bytes (web/reply_bytes.h), and the two together through
// RequestAnswerer over the real database, as the event loops and the fuzzer run them.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/target_spec.h"
#include "fake_runner.h"
#include "web/http_server.h"
#include "web/reply_bytes.h"
#include "web/request_head.h"

namespace portauth::web {
namespace {

using testing::FakeRunner;
using testing::real_db;

TEST(RequestHead, ReadsTheLineAndTheHeadersInOrder) {
  Request r;
  const RequestHead h = parse_request_head(
      "GET /search?q=back+orifice&x=%41 HTTP/1.1\r\nHost:  198.18.0.1:8080 \r\nX-Forwarded-For: 198.18.0.77\r\n"
      "x-forwarded-for:\t198.18.0.78\r\nEmpty:\r\n\r\n",
      r);
  ASSERT_TRUE(h.ok) << h.why;
  EXPECT_FALSE(h.http10);
  EXPECT_FALSE(h.close);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/search?q=back+orifice&x=%41");
  EXPECT_EQ(r.path, "/search");
  ASSERT_EQ(r.query.size(), 2u);
  EXPECT_EQ(r.param("q"), "back orifice");
  EXPECT_EQ(r.param("x"), "A");
  ASSERT_EQ(r.headers.size(), 4u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Host", "198.18.0.1:8080"}));
  EXPECT_EQ(r.header_count("X-Forwarded-For"), 2u);
  EXPECT_EQ(r.headers[2].second, "198.18.0.78");  // the order sent: the rightmost hop is last
  EXPECT_EQ(r.header("Empty"), "");
}

TEST(RequestHead, ConnectionOptions) {
  Request r;
  EXPECT_TRUE(parse_request_head("GET / HTTP/1.1\r\nConnection: Upgrade, CLOSE\r\n\r\n", r).close);
  EXPECT_FALSE(parse_request_head("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", r).close);
  const RequestHead old = parse_request_head("GET / HTTP/1.0\r\n\r\n", r);
  EXPECT_TRUE(old.http10);
  EXPECT_TRUE(old.close);  // HTTP/1.0 closes unless it asks to keep the connection
  EXPECT_FALSE(parse_request_head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", r).close);
  EXPECT_TRUE(parse_request_head("GET / HTTP/1.1\r\nConnection: x\r\nConnection: close\r\n\r\n", r).close);
}

TEST(RequestHead, RefusesWhatRfc9112LetsAServerRefuse) {
  for (const char* head : {
           "GET / HTTP/1.1\r\nHost: a\r\n continued\r\n\r\n",   // obs-fold
           "GET / HTTP/1.1\r\nHost : a\r\n\r\n",                // space before the colon
           "GET / HTTP/1.1\r\nno colon here\r\n\r\n",
           "GET / HTTP/1.1\r\n: empty name\r\n\r\n",
           "GET / HTTP/1.1\r\nX-A: b\rc\r\n\r\n",               // a CR that ends no line
           "G(T / HTTP/1.1\r\n\r\n",                           // a method that is not a token
           "GET / HTTP/2.0\r\n\r\n",
       }) {
    Request r;
    const RequestHead h = parse_request_head(head, r);
    EXPECT_FALSE(h.ok) << head;
    EXPECT_STRNE(h.why, "") << head;
  }
  Request r;
  constexpr char kNul[] = "GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n";
  EXPECT_FALSE(parse_request_head(std::string(kNul, sizeof kNul - 1), r).ok);
  std::string many = "GET /?";
  for (int i = 0; i < 65; ++i) many += "f" + std::to_string(i) + "=1&";
  EXPECT_FALSE(parse_request_head(many + " HTTP/1.1\r\n\r\n", r).ok);
}

TEST(ReplyBytes, TheHeadEveryReplyCarries) {
  Reply reply;
  reply.body = "<p>hi</p>";
  std::string out;
  append_reply(out, reply, {});
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  for (const char* h : {"\r\nContent-Security-Policy: default-src 'none'", "frame-ancestors 'none'",
                        "\r\nX-Content-Type-Options: nosniff\r\n", "\r\nX-Frame-Options: DENY\r\n",
                        "\r\nCache-Control: no-store\r\n", "\r\nContent-Type: text/html; charset=utf-8\r\n",
                        "\r\nContent-Length: 9\r\n\r\n<p>hi</p>"})
    EXPECT_NE(out.find(h), std::string::npos) << h;
  EXPECT_EQ(out.find("Connection:"), std::string::npos);  // HTTP/1.1 keeps it by default

  out.clear();
  reply.headers = {{"Cache-Control", "max-age=300"}, {"X-Bad", "a\r\nSet-Cookie: x=1"}, {"Bad Name", "v"}};
  append_reply(out, reply, {.head_request = true, .close = true});
  EXPECT_NE(out.find("\r\nCache-Control: max-age=300\r\n"), std::string::npos);
  EXPECT_EQ(out.find("no-store"), std::string::npos);  // the reply's own, not the default as well
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos);  // a header is never split
  EXPECT_EQ(out.find("Bad Name"), std::string::npos);
  EXPECT_NE(out.find("\r\nContent-Length: 9\r\n"), std::string::npos);  // HEAD: a GET's length...
  EXPECT_TRUE(out.ends_with("\r\nConnection: close\r\n\r\n"));          // ...and no body

  out.clear();
  Reply empty;
  empty.status = 204;
  append_reply(out, empty, {.http10 = true});
  EXPECT_EQ(out.rfind("HTTP/1.1 204 ", 0), 0u);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_TRUE(out.ends_with("\r\nConnection: keep-alive\r\n\r\n"));
}

class LoopExchangeTest : public ::testing::Test {
 protected:
  LoopExchangeTest() {
    PolicyConfig pc;
    pc.allow_clients = config::parse_targets({"198.18.0.0/15"});
    policy_ = std::make_unique<ClientPolicy>(pc);
    router_ = std::make_unique<Router>(RouterParts{real_db(), *policy_, gate_, runner_, reports_, nullptr,
                                                   system_clock(), "test"});
    answerer_ = std::make_unique<RequestAnswerer>(*router_, limits_);
  }
  std::string ask(const std::string& bytes) { return answerer_->answer(bytes, peer_); }
  static std::string body(const std::string& reply) { return reply.substr(reply.find("\r\n\r\n") + 4); }

  config::Address peer_ = *config::parse_address("198.18.0.2");
  FakeRunner runner_;
  ScanGate gate_{GateConfig{}};
  ReportStore reports_;
  HttpLimits limits_;
  std::unique_ptr<ClientPolicy> policy_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<RequestAnswerer> answerer_;
};

TEST_F(LoopExchangeTest, HeadAnswersWithTheLengthOfTheGet) {
  const std::string get = ask("GET /port/80 HTTP/1.1\r\nHost: 198.18.0.1\r\n\r\n");
  const std::string head = ask("HEAD /port/80 HTTP/1.1\r\nHost: 198.18.0.1\r\n\r\n");
  ASSERT_EQ(get.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << get.substr(0, 300);
  ASSERT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  const std::string length = "\r\nContent-Length: " + std::to_string(body(get).size()) + "\r\n";
  EXPECT_NE(get.find(length), std::string::npos);
  EXPECT_NE(head.find(length), std::string::npos);
  EXPECT_TRUE(body(head).empty());
  EXPECT_NE(body(get).find("Port 80/tcp"), std::string::npos);
}

TEST_F(LoopExchangeTest, TheClientIsThePeerAndMalformedHeadsAre400) {
  EXPECT_NE(ask("GET / HTTP/1.1\r\nHost: 198.18.0.1\r\n\r\n").find("198.18.0.2"), std::string::npos);
  // A peer's forwarding header is never read without --trusted-proxy.
  const std::string spoofed = ask("GET / HTTP/1.1\r\nHost: 198.18.0.1\r\nX-Forwarded-For: 198.18.0.77\r\n\r\n");
  EXPECT_EQ(spoofed.find("198.18.0.77"), std::string::npos);
  const std::string folded = ask("GET / HTTP/1.1\r\nHost: 198.18.0.1\r\nX-A: 1\r\n\tfolded\r\n\r\n");
  EXPECT_EQ(folded.rfind("HTTP/1.1 400 ", 0), 0u) << folded;
  EXPECT_NE(folded.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(folded.find("Content-Security-Policy: default-src 'none'"), std::string::npos);
  // A target smuggled in a header, as any route refuses it.
  EXPECT_EQ(ask("GET /port/80 HTTP/1.1\r\nHost: 198.18.0.1\r\nX-Target: 198.18.0.9\r\n\r\n").rfind("HTTP/1.1 400 ", 0),
            0u);
  EXPECT_TRUE(runner_.targets().empty());
}

TEST_F(LoopExchangeTest, ARefusalQuotingBytesThatAreNotUtf8IsStillAnAnswer) {
  // The API's refusals are JSON and quote what was sent (here the Host): bytes that are not UTF-8
  // become U+FFFD, and the server neither throws nor answers 500 (found by fuzz_web_request).
  const std::string reply = ask("GET /api/port/80 HTTP/1.1\r\nHost: ev\xff\x80il\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 421 ", 0), 0u) << reply;
  EXPECT_NE(body(reply).find("ev\xef\xbf\xbd"), std::string::npos) << body(reply);
}

}  // namespace
}  // namespace portauth::web
