// The service stage in a whole scan: the engine as the binary runs it (setup, loop, finish) on
// the in-memory network in simulated time, with 127.0.0.1's open ports answered for real by
// loopback servers. Open results reach the writers identified, the others unchanged; an open
// port is handed to identification while the scan is still going on, not at its end.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/run_scan.h"
#include "engine/scan_setup.h"
#include "loopback_servers.h"
#include "service/service_stage.h"
#include "sim_scan.h"

namespace portauth::service {
namespace {

using testing::Behaviour;
using testing::LoopbackServers;

struct Seen {
  probe::Reason reason;
  std::shared_ptr<const ServiceInfo> service;
};

class Facts final : public output::ResultWriter {
 public:
  void begin(const output::ScanInfo& info) override { service_scan = info.service_scan; }
  void result(const probe::ScanResult& r, const output::Annotation&, const output::PortFacts& f) override {
    seen[r.port] = {r.reason, f.service};
    if (on_result) on_result(r);
  }
  void flush() override {}
  void finish(const output::ScanSummary& s) override { summary = s; }
  std::map<uint16_t, Seen> seen;
  std::function<void(const probe::ScanResult&)> on_result;
  output::ScanSummary summary;
  bool service_scan = false;
};

TEST(StageScan, OpenPortsAreIdentifiedWhileTheScanGoesOn) {
  LoopbackServers srv;
  const uint16_t ssh = srv.add(Behaviour::kGreet, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n");
  const uint16_t http = srv.add(Behaviour::kAnswer, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
  srv.start();
  const config::Address lo = config::Address::v4(0x7f000001);
  const uint16_t late_closed = 40000;

  test::NetworkProfile profile;
  test::HostProfile& host = profile.hosts[lo];
  host.ports[ssh] = {test::Answer::kOpen};
  host.ports[http] = {test::Answer::kOpen};
  host.late_ports = {late_closed};
  host.late_ns = 2'000'000'000;  // answers 2 s (simulated) after the others
  test::SimScan sim(profile);
  config::ScanPlan plan = test::sim_plan({"127.0.0.1"}, {22, ssh, http, 39999, late_closed}, 0, 3.0);
  std::sort(plan.ports.begin(), plan.ports.end());

  Facts facts;
  StageOptions so;
  so.timeout_seconds = 1.0;
  so.port_names = [&](uint16_t p) { return p == ssh ? std::vector<std::string>{"ssh"} : std::vector<std::string>{}; };
  ServiceStage stage({&facts}, so);
  uint64_t submitted_when_late_port_came = 0;
  facts.on_result = [&](const probe::ScanResult& r) {
    if (r.port == late_closed) submitted_when_late_port_came = stage.submitted();
  };

  engine::ScanSetup setup(plan, {"mem0", test::kScanner, test::kScanner6}, nullptr, &sim.key);
  engine::Wire wire = sim.net.wire();
  const output::Annotation none;
  auto summary = engine::run_scan(setup, wire, sim.clock, [&](uint16_t, config::Proto) -> const output::Annotation& { return none; },
                                  {&stage}, {});
  stage.amend(summary);

  EXPECT_TRUE(facts.service_scan);
  ASSERT_EQ(facts.seen.size(), 5u);
  // Both open ports were handed over before the late RST arrived: identification ran beside the scan.
  EXPECT_EQ(submitted_when_late_port_came, 2u);
  const Seen& s = facts.seen.at(ssh);
  ASSERT_TRUE(s.service);
  EXPECT_EQ(s.service->product, "OpenSSH");
  const Seen& h = facts.seen.at(http);
  ASSERT_TRUE(h.service);
  EXPECT_EQ(h.service->name, "http");
  EXPECT_EQ(h.service->product, "nginx");
  EXPECT_EQ(facts.seen.at(late_closed).reason, probe::Reason::kRst);
  EXPECT_FALSE(facts.seen.at(late_closed).service);  // closed: straight through, no service
  EXPECT_TRUE(facts.summary.service_scan);
  EXPECT_EQ(facts.summary.services_identified, 2u);
  EXPECT_EQ(summary.services_identified, 2u);
  EXPECT_GE(summary.service_connections, 2u);
}

// -sS -sU -sV: identification connects over TCP only; an open UDP port (its reply already
// explained by the UDP module) goes straight through, and no connection is made for it.
TEST(StageScan, UdpPortsGoStraightThrough) {
  LoopbackServers srv;
  const uint16_t ssh = srv.add(Behaviour::kGreet, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n");
  srv.start();
  const config::Address lo = config::Address::v4(0x7f000001);
  test::NetworkProfile profile;
  test::HostProfile& host = profile.hosts[lo];
  host.ports[ssh] = {test::Answer::kOpen};
  host.udp_ports[ssh] = {test::Answer::kOpen};  // the same number open over UDP
  host.udp_ports[53] = {test::Answer::kOpen};
  test::SimScan sim(profile);
  config::ScanPlan plan = test::sim_plan({"127.0.0.1"}, {ssh}, 0, 1.0);
  plan.udp_ports = {53, ssh};

  std::map<std::pair<config::Proto, uint16_t>, Seen> seen;
  class ByProto final : public output::ResultWriter {
   public:
    explicit ByProto(std::map<std::pair<config::Proto, uint16_t>, Seen>& m) : m_(m) {}
    void result(const probe::ScanResult& r, const output::Annotation&, const output::PortFacts& f) override {
      m_[{r.proto, r.port}] = {r.reason, f.service};
    }
    void flush() override {}
    void finish(const output::ScanSummary&) override {}

   private:
    std::map<std::pair<config::Proto, uint16_t>, Seen>& m_;
  } writer(seen);
  StageOptions so;
  so.timeout_seconds = 1.0;
  ServiceStage stage({&writer}, so);
  engine::ScanSetup setup(plan, {"mem0", test::kScanner, test::kScanner6}, nullptr, &sim.key);
  engine::Wire wire = sim.net.wire();
  const output::Annotation none;
  auto summary = engine::run_scan(setup, wire, sim.clock,
                                  [&](uint16_t, config::Proto) -> const output::Annotation& { return none; },
                                  {&stage}, {});
  stage.amend(summary);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(stage.submitted(), 1u);  // the TCP port only
  const Seen& tcp = seen.at({config::Proto::kTcp, ssh});
  ASSERT_TRUE(tcp.service);
  EXPECT_EQ(tcp.service->product, "OpenSSH");
  for (uint16_t p : {uint16_t(53), ssh}) {
    const Seen& u = seen.at({config::Proto::kUdp, p});
    EXPECT_EQ(u.reason, probe::Reason::kUdpResponse) << p;
    EXPECT_FALSE(u.service) << p;
  }
  EXPECT_EQ(summary.services_identified, 1u);
}

// -sV on a SYN proxy (every port answers SYN-ACK with window 0 and a SYN cookie; two real
// services behind it): the scan holds the host's results until its verdict, and -sV then
// identifies only the ports the connect check found reaching a service, never each SYN-ACK;
// the others go through unidentified, counted, the verdict saying so, and every result still
// carries the verdict. The canary results (--show canaries) reach the writers behind the stage.
TEST(StageScan, OnAHostThatLiesOnlyThePortsThatReachAServiceAreIdentified) {
  LoopbackServers srv;
  const uint16_t ssh = srv.add(Behaviour::kGreet, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n");
  const uint16_t http = srv.add(Behaviour::kAnswer, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
  srv.start();
  const config::Address lo = config::Address::v4(0x7f000001);
  test::NetworkProfile profile;
  test::HostProfile& host = profile.hosts[lo];
  host.lie = test::Lie::kSynProxy;
  host.ports[ssh] = {test::Answer::kOpen};
  host.ports[http] = {test::Answer::kOpen};
  host.rtt_ns = 500'000;
  test::SimScan sim(profile);
  std::vector<uint16_t> ports;
  for (uint16_t p = 1; p <= 300; ++p) ports.push_back(p);
  ports.push_back(ssh);
  ports.push_back(http);
  std::sort(ports.begin(), ports.end());
  config::ScanPlan plan = test::sim_plan({"127.0.0.1"}, ports, 2, 1.0, 1e6);
  plan.canary_pool = test::dynamic_range_pool();
  plan.show |= config::kShowCanaries;

  class Marks final : public output::ResultWriter {
   public:
    void result(const probe::ScanResult& r, const output::Annotation&, const output::PortFacts& f) override {
      seen[r.port] = {r.reason, f.service};
      marked += f.host_verdict != nullptr;
    }
    void host_verdict(const verdict::HostVerdict&) override { ++verdicts; }
    void canary_result(const probe::ScanResult&, const output::Annotation&, const output::PortFacts&) override {
      ++canaries;
    }
    void flush() override {}
    void finish(const output::ScanSummary&) override {}
    std::map<uint16_t, Seen> seen;
    uint64_t marked = 0, verdicts = 0, canaries = 0;
  } writer;
  StageOptions so;
  so.timeout_seconds = 1.0;
  ServiceStage stage({&writer}, so);
  engine::ScanSetup setup(plan, {"mem0", test::kScanner, test::kScanner6}, nullptr, &sim.key);
  engine::Wire wire = sim.net.wire();
  const output::Annotation none;
  engine::RunOptions options;
  options.connect = &sim.connect;
  auto summary = engine::run_scan(setup, wire, sim.clock,
                                  [&](uint16_t, config::Proto) -> const output::Annotation& { return none; },
                                  {&stage}, options);
  stage.amend(summary);

  ASSERT_EQ(summary.host_verdicts.size(), 1u);
  const verdict::HostVerdict& v = summary.host_verdicts.front();
  EXPECT_EQ(v.kind, verdict::VerdictKind::kSynProxy);
  EXPECT_EQ(v.service_ports, (std::vector<uint16_t>{std::min(ssh, http), std::max(ssh, http)}));
  EXPECT_TRUE(v.services_identified);
  EXPECT_EQ(verdict::unverified_note(v),
            "-sV identified only the ports that reach a service; the other open ports are the host answering, not "
            "services, and were not tried");
  EXPECT_EQ(stage.submitted(), 2u);  // 302 SYN-ACKs, 2 identifications
  ASSERT_EQ(writer.seen.size(), 302u);
  ASSERT_TRUE(writer.seen.at(ssh).service);
  EXPECT_EQ(writer.seen.at(ssh).service->product, "OpenSSH");
  ASSERT_TRUE(writer.seen.at(http).service);
  EXPECT_EQ(writer.seen.at(http).service->product, "nginx");
  for (uint16_t p = 1; p <= 300; ++p) EXPECT_FALSE(writer.seen.at(p).service) << p;
  EXPECT_EQ(summary.services_identified, 2u);
  EXPECT_EQ(summary.services_not_tried, 300u);
  EXPECT_NE(output::service_summary_line(summary).find("; 300 open ports of hosts that answer on every port not tried"),
            std::string::npos)
      << output::service_summary_line(summary);
  EXPECT_EQ(writer.marked, 302u);  // every line carries the verdict, identified ones included
  EXPECT_EQ(writer.verdicts, 1u);
  EXPECT_GE(writer.canaries, 1u);  // --show canaries: passed through the stage
}

// -sV on a host that answers every port (one TCP stack behind them all): no port reaches a
// service of its own, so -sV compares instead (verdict/same_service.h): the verdict's canary
// ports and at most kSampledPorts of the host's other open ports, spread over the port list; the
// rest go through untried. On loopback, real servers stand behind the ports -sV connects to.
struct AnswersAllScan {
  LoopbackServers srv;
  std::vector<uint16_t> canaries, ports;  // the canary pool; the scan's ports
  test::NetworkProfile profile;
  output::ScanSummary summary;
  std::map<uint16_t, Seen> seen;
  uint64_t submitted = 0, verdicts = 0;

  void run(bool canaries_in_scan) {
    srv.start();
    test::HostProfile& host = profile.hosts[config::Address::v4(0x7f000001)];
    host.lie = test::Lie::kAnswersAll;
    host.rtt_ns = 500'000;
    test::SimScan sim(profile);
    std::vector<uint16_t> scanned = ports;
    if (canaries_in_scan) scanned.insert(scanned.end(), canaries.begin(), canaries.end());
    std::sort(scanned.begin(), scanned.end());
    config::ScanPlan plan = test::sim_plan({"127.0.0.1"}, scanned, 2, 1.0, 1e6);
    plan.canary_pool = canaries;  // sorted: the pool is these and nothing more (no follow-up canary)
    std::sort(plan.canary_pool.begin(), plan.canary_pool.end());

    class Lines final : public output::ResultWriter {
     public:
      explicit Lines(AnswersAllScan& t) : t_(t) {}
      void result(const probe::ScanResult& r, const output::Annotation&, const output::PortFacts& f) override {
        t_.seen[r.port] = {r.reason, f.service};
        if (!f.host_verdict) ADD_FAILURE() << r.port << " came without its host's verdict";
      }
      void host_verdict(const verdict::HostVerdict&) override { ++t_.verdicts; }
      void flush() override {}
      void finish(const output::ScanSummary&) override {}

     private:
      AnswersAllScan& t_;
    } writer(*this);
    StageOptions so;
    so.timeout_seconds = 1.0;
    ServiceStage stage({&writer}, so);
    engine::ScanSetup setup(plan, {"mem0", test::kScanner, test::kScanner6}, nullptr, &sim.key);
    engine::Wire wire = sim.net.wire();
    const output::Annotation none;
    summary = engine::run_scan(setup, wire, sim.clock,
                               [&](uint16_t, config::Proto) -> const output::Annotation& { return none; }, {&stage}, {});
    stage.amend(summary);
    submitted = stage.submitted();
  }
  const verdict::EvidenceItem* item(const std::string& key) const {
    for (const auto& e : summary.host_verdicts.at(0).evidence)
      if (e.key == key) return &e;
    return nullptr;
  }
};

TEST(StageScan, OnAHostThatAnswersEveryPortTheCanariesAndASampleShowTheSameService) {
  AnswersAllScan t;
  const std::string greeting = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n";
  for (int i = 0; i < 3; ++i) t.canaries.push_back(t.srv.add(Behaviour::kGreet, greeting));
  for (int i = 0; i < 12; ++i) t.ports.push_back(t.srv.add(Behaviour::kGreet, greeting));
  t.run(true);  // the canaries are ports of the scan: their lines come identified too

  ASSERT_EQ(t.summary.host_verdicts.size(), 1u);
  const verdict::HostVerdict& v = t.summary.host_verdicts.front();
  ASSERT_EQ(v.kind, verdict::VerdictKind::kAnswersAll) << verdict::verdict_line(v);
  std::vector<uint16_t> canaries = t.canaries;
  std::sort(canaries.begin(), canaries.end());
  EXPECT_EQ(v.canary_ports, canaries);
  EXPECT_TRUE(v.services_identified);
  ASSERT_NE(t.item("same_service"), nullptr) << verdict::verdict_line(v);
  EXPECT_EQ(std::get<std::string>(t.item("same_service")->value), "ssh OpenSSH 9.2p1 (Debian 2+deb12u10; protocol 2.0)");
  EXPECT_NE(verdict::verdict_line(v).find("ssh OpenSSH 9.2p1 (Debian 2+deb12u10; protocol 2.0) behind canaries and ports"),
            std::string::npos)
      << verdict::verdict_line(v);
  EXPECT_EQ(std::get<int64_t>(t.item("services_compared")->value), 3 + 8);
  // Eight of the twelve other ports, one in each eighth of the port list (canaries left out).
  const auto& sampled = std::get<std::vector<uint16_t>>(t.item("service_ports_sampled")->value);
  ASSERT_EQ(sampled.size(), size_t(verdict::kSampledPorts));
  std::vector<uint16_t> others = t.ports;
  std::sort(others.begin(), others.end());
  std::set<size_t> slices;
  for (uint16_t p : sampled)
    slices.insert(size_t(std::lower_bound(others.begin(), others.end(), p) - others.begin()) * 8 / others.size());
  EXPECT_EQ(slices.size(), 8u);
  EXPECT_EQ(t.submitted, 3u + 8u);
  ASSERT_EQ(t.seen.size(), 15u);
  size_t identified = 0;
  for (const auto& [port, s] : t.seen) {
    const bool tried = std::binary_search(canaries.begin(), canaries.end(), port) ||
                       std::find(sampled.begin(), sampled.end(), port) != sampled.end();
    EXPECT_EQ(bool(s.service), tried) << port;
    if (s.service && s.service->product == "OpenSSH") ++identified;
  }
  EXPECT_EQ(identified, 11u);  // the sampled ports' lines carry their service like any -sV result
  EXPECT_EQ(t.summary.services_identified, 11u);
  EXPECT_EQ(t.summary.services_not_tried, 4u);
  EXPECT_EQ(t.verdicts, 1u);
}

TEST(StageScan, OnAPortSpooferEveryPortTriedSaysSomethingElse) {
  AnswersAllScan t;
  // A made-up banner per port; the canaries are not ports of the scan (tried, never reported).
  for (int i = 0; i < 3; ++i) t.canaries.push_back(t.srv.add(Behaviour::kGreet, "\x02zq canary " + std::to_string(i) + "\r\n"));
  for (int i = 0; i < 5; ++i) t.ports.push_back(t.srv.add(Behaviour::kGreet, "\x02zq port " + std::to_string(i) + "\r\n"));
  t.run(false);

  ASSERT_EQ(t.summary.host_verdicts.size(), 1u);
  const verdict::HostVerdict& v = t.summary.host_verdicts.front();
  ASSERT_EQ(v.kind, verdict::VerdictKind::kAnswersAll) << verdict::verdict_line(v);  // the verdict stays
  EXPECT_EQ(t.item("same_service"), nullptr);
  ASSERT_NE(t.item("services_differ"), nullptr) << verdict::verdict_line(v);
  EXPECT_EQ(std::get<int64_t>(t.item("services_differ")->value), 3 + 5);
  EXPECT_NE(verdict::verdict_line(v).find("different banners on every port tried (8): a port spoofer?"), std::string::npos)
      << verdict::verdict_line(v);
  EXPECT_EQ(std::get<std::vector<uint16_t>>(t.item("service_canaries_tried")->value).size(), 3u);
  EXPECT_EQ(t.submitted, 3u + 5u);
  ASSERT_EQ(t.seen.size(), 5u);  // the canaries are not ports of the scan
  for (uint16_t p : t.ports) {
    ASSERT_TRUE(t.seen.at(p).service) << p;
    EXPECT_NE(t.seen.at(p).service->banner.find("zq port"), std::string::npos) << p;
  }
  // The canaries' identifications count as connections, not as ports identified.
  EXPECT_EQ(t.summary.services_identified + t.summary.services_unrecognised + t.summary.services_silent, 5u);
  EXPECT_EQ(t.summary.services_not_tried, 0u);
}

TEST(StageScan, ANoOpenPortScanNeverStartsTheEngine) {
  test::NetworkProfile profile;
  profile.hosts[config::Address::v4(0x7f000001)] = test::HostProfile{};
  test::SimScan sim(profile);
  const config::ScanPlan plan = test::sim_plan({"127.0.0.1"}, {1, 2, 3}, 0, 0.1);
  Facts facts;
  ServiceStage stage({&facts}, StageOptions{});
  engine::ScanSetup setup(plan, {"mem0", test::kScanner, test::kScanner6}, nullptr, &sim.key);
  engine::Wire wire = sim.net.wire();
  const output::Annotation none;
  auto summary = engine::run_scan(setup, wire, sim.clock, [&](uint16_t, config::Proto) -> const output::Annotation& { return none; },
                                  {&stage}, {});
  stage.amend(summary);
  EXPECT_EQ(facts.seen.size(), 3u);
  EXPECT_EQ(stage.submitted(), 0u);
  EXPECT_EQ(summary.service_connections, 0u);
  EXPECT_LT(summary.service_extra_seconds, 0.01);
}

}  // namespace
}  // namespace portauth::service
