// Service identification of a served scan's open ports (web/visitor_services.h) against loopback
// servers of the test's own (tests/service/loopback_servers.h): what it finds, that it connects to
// the scan's target and no other address, and that the wait after the scan is one session
// lifetime however many ports are pending. No root, no namespace: loopback only.
#include "web/visitor_services.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "../service/loopback_servers.h"
#include "config/target_spec.h"

namespace portauth::web {
namespace {

using service::testing::Behaviour;
using service::testing::LoopbackServers;

// The scan order of a client at `address` (a ScanTarget only the policy makes).
ScanOrder order_for(const char* address) {
  PolicyConfig c;
  c.allow_clients = config::parse_targets({"127.0.0.0/8"});
  const ClientPolicy policy(c);
  const config::Address a = *config::parse_address(address);
  return std::get<ScanOrder>(policy.scan_order_for_ports(Client{a, a, false}, "22"));
}

std::map<uint16_t, service::ServiceInfo> finish_all(VisitorServices& v) {
  std::map<uint16_t, service::ServiceInfo> out;
  v.finish([&](const VisitorServices::Found& f) { out[f.port] = *f.info; });
  return out;
}

TEST(VisitorServices, IdentifiesWhatAnswersOnTheVisitorsPorts) {
  LoopbackServers srv;
  const uint16_t ssh = srv.add(Behaviour::kGreet, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n");
  const uint16_t closing = srv.add(Behaviour::kClose);
  const uint16_t http = srv.add(Behaviour::kAnswer, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
  srv.start();
  VisitorServiceOptions o;
  o.timeout_seconds = 1;
  o.port_names = [&](uint16_t port) { return port == http ? std::vector<std::string>{"http"} : std::vector<std::string>{}; };
  VisitorServices v(order_for("127.0.0.1").target, o);
  for (uint16_t p : {ssh, closing, http}) v.submit(p);
  const auto found = finish_all(v);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found.at(ssh).name, "ssh");
  EXPECT_EQ(found.at(ssh).product, "OpenSSH");
  EXPECT_EQ(found.at(ssh).version, "9.2p1");
  EXPECT_EQ(found.at(closing).answer, service::Answer::kTcpwrapped);
  EXPECT_EQ(found.at(http).product, "nginx");
  output::ScanSummary s;
  v.amend(s);
  EXPECT_TRUE(s.service_scan);
  EXPECT_EQ(s.services_identified, 2u);
  EXPECT_EQ(s.services_tcpwrapped, 1u);
  EXPECT_GE(s.service_connections, 3u);
}

TEST(VisitorServices, ConnectsToTheScansTargetOnly) {
  // A server on 127.0.0.1; the visitor is 127.0.0.2, where nothing listens on that port: the
  // connection goes to the visitor (refused), never to the other address's server.
  LoopbackServers srv;
  const uint16_t port = srv.add(Behaviour::kGreet, "SSH-2.0-OpenSSH_9.2p1\r\n");
  srv.start();
  VisitorServiceOptions o;
  o.timeout_seconds = 1;
  VisitorServices v(order_for("127.0.0.2").target, o);
  v.submit(port);
  const auto found = finish_all(v);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found.at(port).answer, service::Answer::kRefused);
  EXPECT_EQ(srv.accepted(), 0u);
}

TEST(VisitorServices, TheWaitAfterTheScanIsOneLifetimeHoweverManyArePending) {
  // Eight silent ports, one connection at once, 0.2 s per connection: one after the other they
  // would take several seconds; the wait ends after one lifetime (1 s) and the rest are unfinished.
  LoopbackServers srv;
  std::vector<uint16_t> ports;
  for (int i = 0; i < 8; ++i) ports.push_back(srv.add(Behaviour::kSilent));
  srv.start();
  VisitorServiceOptions o;
  o.timeout_seconds = 0.2;
  o.concurrency = 1;
  VisitorServices v(order_for("127.0.0.1").target, o);
  EXPECT_DOUBLE_EQ(v.bound_seconds(), 1.0);
  for (uint16_t p : ports) v.submit(p);
  const auto t0 = std::chrono::steady_clock::now();
  const auto found = finish_all(v);
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(found.size(), ports.size());  // every port is reported, concluded or not
  EXPECT_LT(waited, 1.0 + 4.0);           // the bound, with room for a loaded machine
  size_t silent = 0, unfinished = 0;
  for (const auto& [port, info] : found) {
    silent += info.answer == service::Answer::kSilent;
    unfinished += info.answer == service::Answer::kUnfinished;
  }
  EXPECT_GE(silent, 1u);
  EXPECT_GE(unfinished, 1u);
  EXPECT_EQ(silent + unfinished, ports.size());
}

TEST(VisitorServices, NothingSubmittedStartsNothing) {
  VisitorServices v(order_for("127.0.0.1").target, {});
  size_t n = 0;
  v.take_done([&](const VisitorServices::Found&) { ++n; });
  v.finish([&](const VisitorServices::Found&) { ++n; });
  EXPECT_EQ(n, 0u);
  output::ScanSummary s;
  v.amend(s);
  EXPECT_EQ(s.service_connections, 0u);
}

}  // namespace
}  // namespace portauth::web
