// The connection engine against real loopback servers (127.0.0.1, ::1): greetings, answers to
// probes, TLS with a real handshake, silence, immediate close, refusal, and many connections
// at once. No root, no namespace: loopback only.
#include <gtest/gtest.h>

#include <map>

#include "loopback_servers.h"
#include "service/conn_engine.h"
#include "service/fd_limit.h"

namespace portauth::service {
namespace {

using testing::Behaviour;
using testing::LoopbackServers;

const config::Address kLo = config::Address::v4(0x7f000001);

std::map<uint64_t, ServiceInfo> run_all(ConnEngine& e, const std::vector<ConnEngine::Job>& jobs, int timeout_ms = 30000) {
  for (const auto& j : jobs) e.submit(j);
  EXPECT_TRUE(e.wait_idle(timeout_ms));
  std::map<uint64_t, ServiceInfo> out;
  for (auto& d : e.take_done()) out[d.id] = std::move(d.info);
  return out;
}

ConnEngine::Options fast(size_t connections = 256) {
  ConnEngine::Options o;
  o.max_connections = connections;
  o.timing = Timing::from_timeout(1.0);  // greeting 0.5 s, replies 0.5 s
  return o;
}

TEST(ConnEngine, IdentifiesWhatLoopbackServersAre) {
  LoopbackServers srv;
  const uint16_t ssh = srv.add(Behaviour::kGreet, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n");
  const uint16_t http = srv.add(Behaviour::kAnswer, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n<title>hi</title>");
  const uint16_t silent = srv.add(Behaviour::kSilent);
  const uint16_t closing = srv.add(Behaviour::kClose);
  const uint16_t https = srv.add(Behaviour::kTlsAnswer, "HTTP/1.1 404 Not Found\r\nServer: Caddy\r\n\r\n");
  const uint16_t imaps = srv.add(Behaviour::kTlsGreet, "* OK [CAPABILITY IMAP4rev1] Dovecot (Debian) ready.\r\n");
  const uint16_t refused = LoopbackServers::closed_port();
  const uint16_t ssh6 = srv.add(Behaviour::kGreet, "SSH-2.0-dropbear_2022.83\r\n", true);
  srv.start();

  ConnEngine e(fast());
  const auto r = run_all(e, {{1, kLo, ssh, {"ssh"}},
                             {2, kLo, http, {"http"}},
                             {3, kLo, silent, {"distinct", "abyss"}},
                             {4, kLo, closing, {"distinct"}},
                             {5, kLo, https, {"https"}},
                             {6, kLo, imaps, {"imaps"}},
                             {7, kLo, refused, {"smtp"}},
                             {8, *config::parse_address("::1"), ssh6, {}}});
  ASSERT_EQ(r.size(), 8u);
  EXPECT_EQ(r.at(1).product, "OpenSSH");
  EXPECT_EQ(r.at(2).product, "nginx");
  EXPECT_EQ(detail(r.at(2), "title"), "hi");
  EXPECT_EQ(r.at(3).answer, Answer::kSilent);
  EXPECT_EQ(r.at(3).name, "");
  EXPECT_EQ(r.at(4).answer, Answer::kTcpwrapped);
  EXPECT_EQ(r.at(5).name, "http");
  EXPECT_TRUE(r.at(5).ssl_tunnel);
  EXPECT_EQ(r.at(5).product, "Caddy");
  ASSERT_TRUE(r.at(5).tls.has_value());
  EXPECT_EQ(r.at(5).tls->subject, "CN=loopback.test");
  EXPECT_TRUE(r.at(5).tls->self_signed);
  EXPECT_FALSE(r.at(5).tls->version.empty());
  EXPECT_EQ(r.at(6).name, "imap");
  EXPECT_EQ(r.at(6).product, "Dovecot imapd");
  EXPECT_TRUE(r.at(6).ssl_tunnel);
  EXPECT_EQ(r.at(7).answer, Answer::kRefused);
  EXPECT_EQ(r.at(7).name, "smtp");
  EXPECT_FALSE(r.at(7).probed);
  EXPECT_EQ(r.at(8).product, "Dropbear sshd");
  const auto st = e.stats();
  EXPECT_EQ(st.jobs, 8u);
  EXPECT_GE(st.tls_handshakes, 3u);  // https, imaps, the silent port's ClientHello
}

TEST(ConnEngine, ManySilentPortsAtOnceFinishInOneWave) {
  // 400 connections to silent listeners with room for all of them: the whole batch takes one
  // session's time (0.5 + 0.5 + 0.5 s), not 400 of them.
  LoopbackServers srv;
  std::vector<uint16_t> ports;
  for (int i = 0; i < 40; ++i) ports.push_back(srv.add(Behaviour::kSilent));
  srv.start();
  ConnEngine e(fast(fd_budget(512).connections));
  std::vector<ConnEngine::Job> jobs;
  for (uint64_t i = 0; i < 400; ++i) jobs.push_back({i, kLo, ports[i % ports.size()], {"distinct"}});
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = run_all(e, jobs);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.size(), 400u);
  for (const auto& [id, info] : r) EXPECT_EQ(info.answer, Answer::kSilent) << id;
  EXPECT_LT(s, 6.0);  // generous: a few sessions' time, far from 400 of them
  EXPECT_GE(e.stats().peak_in_flight, 300u);
}

TEST(ConnEngine, ConcurrencyIsBounded) {
  LoopbackServers srv;
  const uint16_t silent = srv.add(Behaviour::kSilent);
  srv.start();
  ConnEngine e(fast(10));
  std::vector<ConnEngine::Job> jobs;
  for (uint64_t i = 0; i < 30; ++i) jobs.push_back({i, kLo, silent, {"distinct"}});
  const auto r = run_all(e, jobs);
  EXPECT_EQ(r.size(), 30u);
  EXPECT_LE(e.stats().peak_in_flight, 10u);
}

TEST(ConnEngine, AbortEndsEverySessionAtOnce) {
  LoopbackServers srv;
  const uint16_t silent = srv.add(Behaviour::kSilent);
  srv.start();
  ConnEngine::Options o;
  o.max_connections = 4;
  o.timing = Timing::from_timeout(10.0);
  ConnEngine e(o);
  for (uint64_t i = 0; i < 8; ++i) e.submit({i, kLo, silent, {"ssh"}});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  e.abort_all();
  EXPECT_TRUE(e.wait_idle(2000));
  const auto done = e.take_done();
  ASSERT_EQ(done.size(), 8u);
  for (const auto& d : done) {
    EXPECT_EQ(d.info.answer, Answer::kUnfinished);
    EXPECT_EQ(d.info.name, "ssh");  // the table's name
  }
}

TEST(FdBudget, RaisesTheSoftLimitAndBoundsTheConnections) {
  const auto b = fd_budget(size_t(1) << 40);
  EXPECT_EQ(b.soft, b.hard);  // raised to the hard limit
  EXPECT_LT(b.connections, size_t(1) << 40);
  EXPECT_FALSE(b.note.empty());
  EXPECT_EQ(fd_budget(10).connections, 10u);
  EXPECT_TRUE(fd_budget(10).note.empty());
}

}  // namespace
}  // namespace portauth::service
