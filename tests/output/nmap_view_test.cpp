#include "output/nmap_view.h"
#include "config/port_spec.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace portauth::output {
namespace {

using probe::Reason;

std::vector<PortRecord> records(std::initializer_list<std::pair<std::vector<uint16_t>, Reason>> groups) {
  std::vector<PortRecord> out;
  for (const auto& [ports, reason] : groups)
    for (uint16_t p : ports) out.push_back({p, reason, 64, nullptr});
  std::sort(out.begin(), out.end(), [](const PortRecord& a, const PortRecord& b) { return a.port < b.port; });
  return out;
}

std::vector<uint16_t> span(uint16_t lo, uint16_t hi) {
  std::vector<uint16_t> v;
  for (unsigned p = lo; p <= hi; ++p) v.push_back(uint16_t(p));
  return v;
}

std::vector<uint16_t> join(std::initializer_list<std::vector<uint16_t>> parts) {
  std::vector<uint16_t> v;
  for (const auto& p : parts) v.insert(v.end(), p.begin(), p.end());
  return v;
}

TEST(NmapView, StatesAndReasonsUseNmapNames) {
  EXPECT_EQ(nmap_state_name(nmap_state(Reason::kSynAck)), "open");
  EXPECT_EQ(nmap_state_name(nmap_state(Reason::kRst)), "closed");
  EXPECT_EQ(nmap_state_name(nmap_state(Reason::kNoResponse)), "filtered");
  const std::pair<Reason, const char*> icmp[] = {
      {Reason::kIcmpNetUnreach, "net-unreach"},         {Reason::kIcmpHostUnreach, "host-unreach"},
      {Reason::kIcmpProtoUnreach, "proto-unreach"},     {Reason::kIcmpPortUnreach, "port-unreach"},
      {Reason::kIcmpNetProhibited, "net-prohibited"},   {Reason::kIcmpHostProhibited, "host-prohibited"},
      {Reason::kIcmpAdminProhibited, "admin-prohibited"}};
  for (const auto& [reason, name] : icmp) {
    EXPECT_EQ(nmap_state(reason), NmapState::kFiltered) << name;  // nmap -sS: ICMP unreachable = filtered
    EXPECT_EQ(nmap_reason_name(reason), name);
  }
  EXPECT_EQ(nmap_reason_name(Reason::kSynAck), "syn-ack");
  EXPECT_EQ(nmap_reason_name(Reason::kRst), "reset");
  EXPECT_EQ(nmap_reason_name(Reason::kNoResponse), "no-response");
}

TEST(NmapView, CompressPorts) {
  EXPECT_EQ(config::format_ports({}), "");
  EXPECT_EQ(config::format_ports({7}), "7");
  EXPECT_EQ(config::format_ports({0, 1, 2, 5, 7, 8, 65535}), "0-2,5,7-8,65535");
}

TEST(NmapView, UpTo25PortsOfAStateAreListed) {
  // The view points into the records: keep them alive while it is used.
  const auto few = records({{span(1, 25), Reason::kRst}, {{80}, Reason::kSynAck}});
  const auto listed = nmap_host_view(few);
  EXPECT_TRUE(listed.ignored.empty());
  EXPECT_EQ(listed.listed.size(), 26u);

  const auto many = records({{span(1, 26), Reason::kRst}, {{80}, Reason::kSynAck}});
  const auto summed = nmap_host_view(many);
  ASSERT_EQ(summed.ignored.size(), 1u);
  EXPECT_EQ(summed.ignored[0].state, NmapState::kClosed);
  EXPECT_EQ(summed.ignored[0].count, 26u);
  ASSERT_EQ(summed.listed.size(), 1u);
  EXPECT_EQ(summed.listed[0]->port, 80);
}

TEST(NmapView, OpenPortsAreAlwaysListed) {
  const auto v = nmap_host_view(records({{span(1, 100), Reason::kSynAck}}));
  EXPECT_TRUE(v.ignored.empty());
  EXPECT_EQ(v.listed.size(), 100u);
}

TEST(NmapView, IgnoredStatesByDescendingCountClosedFirstOnATie) {
  const auto tie = nmap_host_view(records({{span(100, 129), Reason::kNoResponse}, {span(1, 30), Reason::kRst}}));
  ASSERT_EQ(tie.ignored.size(), 2u);
  EXPECT_EQ(tie.ignored[0].state, NmapState::kClosed);
  EXPECT_EQ(tie.ignored[1].state, NmapState::kFiltered);

  const auto more = nmap_host_view(records({{span(100, 130), Reason::kNoResponse}, {span(1, 30), Reason::kRst}}));
  EXPECT_EQ(more.ignored[0].state, NmapState::kFiltered);
}

// The lab target's profile over the ports of the integration test, and the extraports that
// nmap 7.93 wrote for it (nmap -sS -Pn -n --reason -oX), reason order included.
TEST(NmapView, ExtraportsMatchWhatNmapWroteForTheLab) {
  const auto v = nmap_host_view(records({
      {join({{23, 135}, span(137, 139), {445, 3389, 4444}, span(5900, 5910), span(10000, 10100), {31337}}),
       Reason::kNoResponse},
      {join({{111}, span(5000, 5002)}), Reason::kIcmpPortUnreach},
      {span(7100, 7102), Reason::kIcmpHostUnreach},
      {span(7000, 7002), Reason::kIcmpNetUnreach},
      {join({{2049}, span(7400, 7401)}), Reason::kIcmpHostProhibited},
      {span(7300, 7301), Reason::kIcmpNetProhibited},
      {span(6000, 6001), Reason::kIcmpAdminProhibited},
      {{7200}, Reason::kIcmpProtoUnreach},
      {join({span(0, 20), {24}, span(26, 30), span(112, 134), {136}, span(140, 142), span(144, 145)}), Reason::kRst},
      {{21, 22, 25, 53, 80, 110, 143, 443, 587, 993, 995, 3306, 5432, 6379, 8080, 8443, 40001, 65535},
       Reason::kSynAck},
  }));
  ASSERT_EQ(v.ignored.size(), 2u);
  EXPECT_EQ(v.ignored[0].state, NmapState::kFiltered);
  EXPECT_EQ(v.ignored[0].count, 139u);
  std::vector<std::string> order;
  for (const auto& g : v.ignored[0].reasons)
    order.push_back(std::string(nmap_reason_name(g.reason)) + ":" + std::to_string(g.ports.size()) + ":" +
                    config::format_ports(g.ports));
  const std::vector<std::string> nmap_wrote = {
      "no-response:121:23,135,137-139,445,3389,4444,5900-5910,10000-10100,31337",
      "port-unreach:4:111,5000-5002",
      "host-unreach:3:7100-7102",
      "net-unreach:3:7000-7002",
      "host-prohibited:3:2049,7400-7401",
      "net-prohibited:2:7300-7301",
      "admin-prohibited:2:6000-6001",
      "proto-unreach:1:7200",
  };
  EXPECT_EQ(order, nmap_wrote);
  EXPECT_EQ(v.ignored[1].state, NmapState::kClosed);
  EXPECT_EQ(v.ignored[1].count, 56u);
  ASSERT_EQ(v.ignored[1].reasons.size(), 1u);
  EXPECT_EQ(config::format_ports(v.ignored[1].reasons[0].ports), "0-20,24,26-30,112-134,136,140-142,144-145");
  EXPECT_EQ(v.listed.size(), 18u);
}

TEST(NmapView, TimeAndHostPhrases) {
  testing::use_utc();
  EXPECT_EQ(nmap_time_string(1795924832), "Sun Nov 29 04:00:32 2026");
  EXPECT_EQ(nmap_time_string(1796000000), "Mon Nov 30 00:53:20 2026");
  EXPECT_EQ(nmap_hosts_phrase(1, 1), "1 IP address (1 host up)");
  EXPECT_EQ(nmap_hosts_phrase(256, 3), "256 IP addresses (3 hosts up)");
}

}  // namespace
}  // namespace portauth::output
