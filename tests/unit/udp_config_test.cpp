// nmap's protocol rules for -p, -sS and -sU (config/port_spec.h, config/scan_plan.h), and the
// probe space's port axis of both protocols (probe/probe_space.h).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>

#include "config/config_file.h"
#include "config/port_spec.h"
#include "config/resume_file.h"
#include "config/scan_plan.h"
#include "config/spec_error.h"
#include "probe/probe_space.h"

using namespace portauth::config;
using portauth::probe::ProbeSpace;

namespace {

std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

ScanPlan plan_for(const std::string& ports, bool syn, bool udp) {
  ScanOptions o;
  o.targets = {"198.18.0.2"};
  o.allow = {"198.18.0.0/15"};
  o.ports = ports;
  o.syn_scan = syn;
  o.udp_scan = udp;
  o.seed = 1;
  return build_scan_plan(o);
}

using V = std::vector<uint16_t>;

}  // namespace

TEST(UdpPortSpec, PrefixesSplitTheList) {
  const PortSpecParts p = parse_port_spec("T:22,80,U:53,161");
  EXPECT_EQ(p.plain, V{});
  EXPECT_EQ(p.tcp, (V{22, 80}));
  EXPECT_EQ(p.udp, (V{53, 161}));
  // Items before the first prefix are plain; a prefix holds until the next one; ranges and "-"
  // work after a prefix; lower case is accepted as nmap reads it.
  const PortSpecParts q = parse_port_spec("1,2,u:53-55,t:443,U:-");
  EXPECT_EQ(q.plain, (V{1, 2}));
  EXPECT_EQ(q.tcp, (V{443}));
  EXPECT_EQ(q.udp.size(), 65536u);
  EXPECT_EQ(parse_port_spec("22,80").plain, (V{22, 80}));
}

TEST(UdpPortSpec, BadPrefixesNameTheInput) {
  EXPECT_EQ(error_of([] { parse_port_spec("S:9"); }),
            "bad port list 'S:9': 'S:' asks for SCTP ports; portauth scans TCP (T:) and UDP (U:)");
  EXPECT_EQ(error_of([] { parse_port_spec("P:6"); }),
            "bad port list 'P:6': 'P:' asks for IP protocols (nmap's -sO); portauth scans TCP (T:) and UDP (U:) ports");
  EXPECT_EQ(error_of([] { parse_port_spec("X:1"); }), "bad port list 'X:1': 'X:' is not a protocol prefix (T: or U:)");
  EXPECT_EQ(error_of([] { parse_port_spec("U:"); }), "bad port list 'U:': a protocol prefix with no port after it");
  EXPECT_EQ(error_of([] { parse_port_spec("U:70000"); }), "bad port list 'U:70000': port 70000 is out of range 0-65535");
  // Plain parse_ports (presets, --source-port) knows no prefixes.
  EXPECT_EQ(error_of([] { parse_ports("U:53"); }), "bad port list 'U:53': 'U:53' is not a port number");
}

TEST(UdpPortSpec, FormatRoundTrips) {
  EXPECT_EQ(format_port_spec({22, 80}, {}), "22,80");  // a TCP plan's spec is what it always was
  EXPECT_EQ(format_port_spec({22, 80}, {53, 161, 162}), "T:22,80,U:53,161-162");
  EXPECT_EQ(format_port_spec({}, {53}), "U:53");
  const PortSpecParts p = parse_port_spec(format_port_spec({1, 2, 3}, {4, 5}));
  EXPECT_EQ(p.tcp, (V{1, 2, 3}));
  EXPECT_EQ(p.udp, (V{4, 5}));
}

TEST(UdpPlan, NmapsProtocolRules) {
  // No scan type: TCP (nmap's default -sS); -sU alone: UDP only; both: plain ports to each.
  EXPECT_EQ(plan_for("22,53", false, false).ports, (V{22, 53}));
  EXPECT_EQ(plan_for("22,53", false, false).udp_ports, V{});
  EXPECT_EQ(plan_for("22,53", false, true).ports, V{});
  EXPECT_EQ(plan_for("22,53", false, true).udp_ports, (V{22, 53}));
  const ScanPlan both = plan_for("22,53", true, true);
  EXPECT_EQ(both.ports, (V{22, 53}));
  EXPECT_EQ(both.udp_ports, (V{22, 53}));
  EXPECT_EQ(both.probe_count(), 4u);
  // Prefixed items go to their protocol, and ask for it.
  const ScanPlan mixed = plan_for("T:22,80,U:53,161", false, false);
  EXPECT_EQ(mixed.ports, (V{22, 80}));
  EXPECT_EQ(mixed.udp_ports, (V{53, 161}));
  const ScanPlan plus = plan_for("443,U:53", true, true);
  EXPECT_EQ(plus.ports, (V{443}));
  EXPECT_EQ(plus.udp_ports, (V{53, 443}));
  EXPECT_TRUE(plan_for("U:53", false, false).has_udp());
}

TEST(UdpPlan, MismatchesAreErrors) {
  EXPECT_EQ(error_of([] { plan_for("T:22", false, true); }),
            "-sU asks for a UDP scan, but -p 'T:22' names no UDP port (add U:PORTS, or plain ports)");
  EXPECT_EQ(error_of([] { plan_for("U:53", true, false); }),
            "-sS asks for a TCP scan, but -p 'U:53' names no TCP port (add T:PORTS, or plain ports)");
  ScanOptions o;
  o.targets = {"198.18.0.2"};
  o.ports = "53";
  o.wait_unreachable = true;
  EXPECT_EQ(error_of([&] { build_scan_plan(o); }),
            "--wait-unreachable waits for the ICMP errors of closed UDP ports, but this scan has no UDP port: add -sU");
  o.udp_scan = true;
  EXPECT_TRUE(build_scan_plan(o).wait_unreachable);
}

TEST(UdpPlan, TopAndDefaultSetsGoToEachProtocolAsked) {
  ScanOptions o;
  o.targets = {"198.18.0.2"};
  o.udp_scan = true;
  o.top_ports = {80, 443};
  o.udp_top_ports = {53, 123};
  const ScanPlan udp_only = build_scan_plan(o);
  EXPECT_EQ(udp_only.ports, V{});
  EXPECT_EQ(udp_only.udp_ports, (V{53, 123}));
  o.syn_scan = true;
  const ScanPlan both = build_scan_plan(o);
  EXPECT_EQ(both.ports, (V{80, 443}));
  EXPECT_EQ(both.udp_ports, (V{53, 123}));
}

TEST(UdpProbeSpace, TcpThenUdpOnOneAxis) {
  const RangeSet targets({{*parse_address("198.18.0.1"), *parse_address("198.18.0.4")}});
  // A TCP-only space numbers its probes exactly as before UDP existed.
  const ProbeSpace tcp_only(targets, V{22, 80}, 9);
  const ProbeSpace tcp_and_none(targets, V{22, 80}, V{}, 9);
  for (uint64_t s = 0; s < tcp_only.slots(); ++s) EXPECT_EQ(tcp_only.at(s), tcp_and_none.at(s));
  // Both protocols: every (address, proto, port) once, and slot_of inverts at.
  const ProbeSpace both(targets, V{22, 53}, V{53, 161}, 9);
  ASSERT_EQ(both.slots(), 16u);
  std::set<std::tuple<Address, int, uint16_t>> seen;
  for (uint64_t s = 0; s < both.slots(); ++s) {
    const auto t = both.at(s);
    EXPECT_TRUE(seen.insert({t.addr, int(t.proto), t.port}).second);
    EXPECT_EQ(both.slot_of(t.addr, t.port, t.proto), s);
  }
  EXPECT_EQ(seen.size(), 16u);
  EXPECT_FALSE(both.slot_of(*parse_address("198.18.0.1"), 161, Proto::kTcp));
  EXPECT_FALSE(both.slot_of(*parse_address("198.18.0.1"), 22, Proto::kUdp));
  EXPECT_TRUE(both.slot_of(*parse_address("198.18.0.1"), 53, Proto::kUdp));
  EXPECT_TRUE(both.slot_of(*parse_address("198.18.0.1"), 53, Proto::kTcp));
  // Shards split the mixed axis disjointly too.
  std::set<std::tuple<Address, int, uint16_t>> sharded;
  for (uint32_t i = 0; i < 3; ++i) {
    const ProbeSpace shard(targets, V{22, 53}, V{53, 161}, 9, i, 3);
    for (uint64_t s = 0; s < shard.slots(); ++s) {
      const auto t = shard.at(s);
      EXPECT_TRUE(sharded.insert({t.addr, int(t.proto), t.port}).second);
    }
  }
  EXPECT_EQ(sharded, seen);
}

TEST(UdpPlan, ConfigFilesAndResumeFilesCarryUdp) {
  // A config file: udp_scan, wait_unreachable and prefixed ports, as on the command line (a
  // list is one -p string joined in order: a prefix holds until the next, so plain items first).
  const auto scans = portauth::config::parse_config_text(
      "targets: [198.18.0.2]\nallow: [198.18.0.0/15]\nudp_scan: true\nsyn_scan: true\nwait_unreachable: true\n"
      "ports: [\"443\", \"T:22\", \"U:53,161\"]\nseed: 5\n",
      "c.yaml", "");
  ASSERT_EQ(scans.size(), 1u);
  const ScanPlan plan = build_scan_plan(scans[0].options);
  EXPECT_EQ(plan.ports, (V{22, 443}));
  EXPECT_EQ(plan.udp_ports, (V{53, 161, 443}));
  EXPECT_TRUE(plan.wait_unreachable);
  // A resume file rebuilds the identical probe space: the ports written with their prefixes,
  // --wait-unreachable kept; a TCP scan's file has no trace of UDP.
  char path[] = "/tmp/portauth-udp-resume-XXXXXX";
  close(mkstemp(path));
  write_resume_file(path, plan, 3, {{0, 1}});
  const ResumeState st = load_resume_file(path);
  const ScanPlan again = build_scan_plan(st.options);
  EXPECT_EQ(again.ports, plan.ports);
  EXPECT_EQ(again.udp_ports, plan.udp_ports);
  EXPECT_TRUE(again.wait_unreachable);
  const ProbeSpace a(plan.targets, plan.ports, plan.udp_ports, plan.seed), b(again.targets, again.ports, again.udp_ports, again.seed);
  for (uint64_t s = 0; s < a.slots(); ++s) EXPECT_EQ(a.at(s), b.at(s));
  ScanPlan tcp = plan;
  tcp.udp_ports.clear();
  tcp.wait_unreachable = false;
  write_resume_file(path, tcp, 3, {{0, 1}});
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("ports: 22,443\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("wait_unreachable"), std::string::npos) << text;
  EXPECT_EQ(text.find("U:"), std::string::npos) << text;
  std::remove(path);
}
