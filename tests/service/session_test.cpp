// The per-port strategy on scripted events: what it asks the engine to do, when, and what it
// concludes. Time is a number here; no socket is opened.
#include <gtest/gtest.h>

#include "service/session.h"

namespace portauth::service {
namespace {

using namespace std::literals;
constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kS = 1000 * kMs;

struct Script {
  explicit Script(std::vector<std::string> names, uint16_t port = 80)
      : s(SessionTarget{{"198.18.0.2", port, 0x1234}, std::move(names)}, Timing::from_timeout(5.0), 0) {}
  std::vector<Command> take() {
    auto c = std::move(s.commands());
    s.commands().clear();
    return c;
  }
  std::vector<Op> ops() {
    std::vector<Op> o;
    for (const auto& c : take()) o.push_back(c.op);
    return o;
  }
  void timer() {
    now = s.deadline();
    s.on_timer(now);
  }
  Session s;
  uint64_t now = 0;
};

TEST(Session, SshGreetingIsIdentifiedAndTheConnectionClosed) {
  Script r({"ssh"}, 22);
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kOpen});
  r.s.on_connected(1 * kMs);
  EXPECT_EQ(r.s.deadline(), 1 * kMs + 5 * kS);  // a server-first protocol expected: the long wait
  r.s.on_data(3 * kMs, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n");
  EXPECT_EQ(r.s.deadline(), 203 * kMs);  // complete after 200 ms of quiet
  r.timer();
  ASSERT_TRUE(r.s.done());
  const auto& i = r.s.result();
  EXPECT_EQ(i.answer, Answer::kIdentified);
  EXPECT_EQ(i.name, "ssh");
  EXPECT_EQ(i.product, "OpenSSH");
  EXPECT_EQ(i.version, "9.2p1");
  EXPECT_TRUE(i.probed);
  EXPECT_FALSE(i.ssl_tunnel);
  EXPECT_EQ(i.banner, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n");
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kClose});
}

TEST(Session, NginxOnAnSmtpPortAnswersTheClientHelloWithHttp) {
  // 2525: the database expects SMTP (server-first), so the greeting wait is long; nginx says
  // nothing, then answers our ClientHello with an HTTP 400 that names it.
  Script r({"ms-v-worlds", "smtp-alt-2525"}, 2525);
  r.ops();
  r.s.on_connected(0);
  EXPECT_EQ(r.s.deadline(), 5 * kS);
  r.timer();
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kStartTls});  // on the same, still fresh connection
  r.s.on_tls_failed(r.now + kMs,
                    "HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n\r\n"
                    "<html>\r\n<head><title>400 Bad Request</title></head>\r\n",
                    true);
  ASSERT_TRUE(r.s.done());
  EXPECT_EQ(r.s.result().name, "http");
  EXPECT_EQ(r.s.result().product, "nginx");
  EXPECT_EQ(r.s.result().version, "1.22.1");
  EXPECT_FALSE(r.s.result().ssl_tunnel);
  EXPECT_FALSE(r.s.result().tls.has_value());
}

TEST(Session, SilentPortIsNeverNamed) {
  Script r({"distinct", "kasa", "abyss"}, 9999);
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kOpen});
  r.s.on_connected(0);
  EXPECT_EQ(r.s.deadline(), 2 * kS);  // nothing expected: the plain greeting wait
  r.timer();
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kStartTls});
  EXPECT_EQ(r.s.deadline(), 2 * kS + 2500 * kMs);
  r.timer();  // no answer to the ClientHello
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kOpen});
  r.s.on_connected(r.now);
  const auto sent = r.take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].op, Op::kSend);
  EXPECT_TRUE(sent[0].bytes.starts_with("GET / HTTP/1.1\r\nHost: 198.18.0.2:9999\r\n"));
  r.timer();  // no answer to HTTP: Redis's INFO on a new connection
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kOpen});
  r.s.on_connected(r.now);
  const auto info = r.take();
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].bytes, "INFO server\r\n");
  r.timer();
  ASSERT_TRUE(r.s.done());
  const auto& i = r.s.result();
  EXPECT_EQ(i.answer, Answer::kSilent);
  EXPECT_EQ(i.name, "");
  EXPECT_EQ(i.product, "");
  EXPECT_TRUE(i.probed);
  EXPECT_EQ(i.banner, "");
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kClose});
  EXPECT_LE(i.seconds, 9.51);  // 2 + 2.5 + 2.5 + 2.5
}

TEST(Session, ClosedAtOnceIsTcpwrapped) {
  Script r({"distinct"}, 9998);
  r.ops();
  r.s.on_connected(0);
  r.s.on_closed(2 * kMs);
  ASSERT_TRUE(r.s.done());
  EXPECT_EQ(r.s.result().answer, Answer::kTcpwrapped);
  EXPECT_EQ(r.s.result().name, "tcpwrapped");
  EXPECT_EQ(r.s.result().product, "");
  EXPECT_TRUE(r.ops().empty());  // already closed
}

TEST(Session, RefusedFallsBackToThePortTable) {
  Script r({"smtp", "mail"}, 25);
  r.ops();
  r.s.on_connect_failed(kMs, true);
  ASSERT_TRUE(r.s.done());
  EXPECT_EQ(r.s.result().answer, Answer::kRefused);
  EXPECT_EQ(r.s.result().name, "smtp");
  EXPECT_FALSE(r.s.result().probed);
  EXPECT_EQ(r.s.result().conf, 3);
}

TEST(Session, ImapsGreetsInsideTls) {
  Script r({"imaps", "imap-ssl"}, 993);
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kOpen});
  r.s.on_connected(0);
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kStartTls});  // TLS expected: no plaintext greeting wait
  TlsFacts f;
  f.version = "TLSv1.3";
  f.subject = "CN=lab.portauth.test,O=portauth daemon lab";
  f.issuer = f.subject;
  f.self_signed = true;
  r.s.on_tls_done(5 * kMs, f);
  EXPECT_EQ(r.s.deadline(), 5 * kMs + 5 * kS);  // IMAP greets first: the long wait
  r.s.on_data(6 * kMs, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] Dovecot (Debian) ready.\r\n");
  r.timer();
  ASSERT_TRUE(r.s.done());
  const auto& i = r.s.result();
  EXPECT_EQ(i.name, "imap");
  EXPECT_EQ(i.product, "Dovecot imapd");
  EXPECT_TRUE(i.ssl_tunnel);
  ASSERT_TRUE(i.tls.has_value());
  EXPECT_TRUE(i.tls->self_signed);
  const auto c = r.take();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].bytes, "a1 LOGOUT\r\n");
  EXPECT_EQ(c[1].op, Op::kClose);
}

TEST(Session, HttpsSendsItsRequestInsideTls) {
  Script r({"https"}, 443);
  r.ops();
  r.s.on_connected(0);
  r.ops();
  r.s.on_tls_done(kMs, TlsFacts{});
  EXPECT_EQ(r.s.deadline(), kMs + 300 * kMs);  // HTTP is client-first: a short wait
  r.timer();
  const auto c = r.take();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].bytes.starts_with("GET / HTTP/1.1\r\nHost: 198.18.0.2\r\n"));
  r.s.on_data(r.now + kMs, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n<title>x</title>");
  r.s.on_closed(r.now + 2 * kMs);
  ASSERT_TRUE(r.s.done());
  EXPECT_EQ(r.s.result().name, "http");
  EXPECT_TRUE(r.s.result().ssl_tunnel);
  EXPECT_EQ(detail(r.s.result(), "title"), "x");
}

TEST(Session, TlsWithNothingKnownInsideIsSsl) {
  Script r({"https"}, 8443);
  r.ops();
  r.s.on_connected(0);
  r.s.on_tls_done(kMs, TlsFacts{});
  r.timer();  // inner greeting: nothing
  r.take();
  r.timer();  // no answer to HTTP inside
  ASSERT_TRUE(r.s.done());
  EXPECT_EQ(r.s.result().answer, Answer::kIdentified);
  EXPECT_EQ(r.s.result().name, "ssl");
  EXPECT_FALSE(r.s.result().ssl_tunnel);
  EXPECT_TRUE(r.s.result().tls.has_value());
}

TEST(Session, SmtpAsksEhloAndSaysWhetherStarttlsIsOffered) {
  Script r({"smtp"}, 25);
  r.ops();
  r.s.on_connected(0);
  r.s.on_data(kMs, "220 lab.portauth.test ESMTP OpenSMTPD\r\n");
  r.timer();
  const auto c = r.take();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].bytes, "EHLO portauth.invalid\r\n");
  r.s.on_data(r.now + kMs,
              "250-lab.portauth.test Hello portauth [198.18.0.1], pleased to meet you\r\n250-8BITMIME\r\n"
              "250-ENHANCEDSTATUSCODES\r\n250-SIZE 36700160\r\n250-DSN\r\n250-STARTTLS\r\n250 HELP\r\n");
  r.timer();
  ASSERT_TRUE(r.s.done());
  const auto& i = r.s.result();
  EXPECT_EQ(i.product, "OpenSMTPD");
  EXPECT_EQ(i.hostname, "lab.portauth.test");
  EXPECT_EQ(detail(i, "starttls"), "offered");
  EXPECT_EQ(detail(i, "esmtp"), "yes");
  EXPECT_EQ(i.banner, "220 lab.portauth.test ESMTP OpenSMTPD\r\n");
  const auto bye = r.take();
  ASSERT_EQ(bye.size(), 2u);
  EXPECT_EQ(bye[0].bytes, "QUIT\r\n");
}

TEST(Session, AnUnnamedFtpServerIsToldApartFromSmtpByEhlo) {
  Script r({"ftp"}, 21);
  r.ops();
  r.s.on_connected(0);
  r.s.on_data(kMs, "220 Welcome\r\n");
  r.timer();
  r.take();
  r.s.on_data(r.now + kMs, "530 Please login with USER and PASS.\r\n");
  r.timer();
  ASSERT_TRUE(r.s.done());
  EXPECT_EQ(r.s.result().name, "ftp");
  EXPECT_EQ(r.s.result().rule, "ftp.ehlo-refused");
}

TEST(Session, RedisIsAskedAfterAShortWait) {
  Script r({"redis"}, 6379);
  r.ops();
  r.s.on_connected(0);
  EXPECT_EQ(r.s.deadline(), 300 * kMs);
  r.timer();
  const auto c = r.take();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].bytes, "INFO server\r\n");
  r.s.on_data(r.now + kMs, "-NOAUTH Authentication required.\r\n");
  r.timer();
  ASSERT_TRUE(r.s.done());
  EXPECT_EQ(r.s.result().product, "Redis");
  EXPECT_EQ(r.s.result().extrainfo, "authentication required");
}

TEST(Session, UnknownGreetingIsKeptNotNamed) {
  Script r({"distinct"}, 9999);
  r.ops();
  r.s.on_connected(0);
  r.s.on_data(kMs, "\x01\x02hello from nowhere\x7f"sv);
  r.timer();
  ASSERT_TRUE(r.s.done());
  EXPECT_EQ(r.s.result().answer, Answer::kUnrecognised);
  EXPECT_EQ(r.s.result().name, "");
  EXPECT_EQ(r.s.result().banner, "\x01\x02hello from nowhere\x7f"sv);
}

TEST(Session, ATlsAlertToPlainHttpLeadsToAHandshake) {
  Script r({"http"}, 8080);
  r.ops();
  r.s.on_connected(0);
  r.timer();  // short greeting wait over: HTTP
  r.take();
  r.s.on_data(r.now + kMs, "\x15\x03\x01\x00\x02\x02\x46"sv);
  r.s.on_closed(r.now + 2 * kMs);
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kOpen});
  r.s.on_connected(r.now + 3 * kMs);
  EXPECT_EQ(r.ops(), std::vector<Op>{Op::kStartTls});
}

TEST(Session, ATricklingServerCannotHoldASessionForever) {
  Script r({"distinct"}, 9999);
  r.ops();
  r.s.on_connected(0);
  uint64_t t = 0;
  while (!r.s.done() && t < 60 * kS) {
    t += 100 * kMs;
    r.s.on_data(t, "x");
    if (r.s.deadline() <= t) r.s.on_timer(t);
  }
  EXPECT_TRUE(r.s.done());
  EXPECT_LE(t, 25 * kS);  // the session's lifetime
}

TEST(Session, AbortConcludesWithWhatItHas) {
  Script r({"ssh"}, 22);
  r.ops();
  r.s.on_connected(0);
  r.s.abort(kMs);
  ASSERT_TRUE(r.s.done());
  EXPECT_EQ(r.s.result().answer, Answer::kUnfinished);
  EXPECT_EQ(r.s.result().name, "ssh");  // the table's, method table
  EXPECT_FALSE(r.s.result().probed);
}

}  // namespace
}  // namespace portauth::service

namespace portauth::service {
namespace {

TEST(Session, AMultiLineGreetingIsHeardToItsEndBeforeSpeaking) {
  // Postfix's postscreen: "220-" at once, the rest 6 s later; a client that talks in between
  // is marked as a spammer. The EHLO waits for the last line.
  Script r({"smtp"}, 25);
  r.ops();
  r.s.on_connected(0);
  r.s.on_data(kMs, "220-mx.example.org ESMTP Postfix\r\n");
  r.timer();  // quiet, but the greeting is not over
  EXPECT_TRUE(r.take().empty());
  EXPECT_FALSE(r.s.done());
  r.s.on_data(6 * kS, "220 mx.example.org ESMTP Postfix\r\n");
  r.timer();
  const auto c = r.take();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].bytes, "EHLO portauth.invalid\r\n");
}

}  // namespace
}  // namespace portauth::service
