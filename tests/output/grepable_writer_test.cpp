#include "output/grepable_writer.h"

#include <gtest/gtest.h>

#include "fixtures.h"
#include "output/nmap_view.h"

namespace portauth::output {
namespace {

using namespace testing;

TEST(GrepableWriter, WritesNmapsGrepableFormat) {
  use_utc();
  const std::string out = run_writer<GrepableWriter>(small_info(), small_scan(), small_summary());
  const std::string v(portauth_version());
  EXPECT_EQ(out,
            "# portauth " + v +
                " scan initiated Sun Nov 29 04:00:32 2026 as: portauth scan 198.18.0.2-3 -p 22,23,80,111,113,7000 "
                "--allow 198.18.0.0/15 -oX a&b.xml\n"
                "Host: 198.18.0.2 ()\tStatus: Up\n"
                "Host: 198.18.0.2 ()\tPorts: 22/open/tcp//ssh///, 23/filtered/tcp//telnet///, 80/open/tcp//http///, "
                "111/filtered/tcp//rpcbind///, 113/closed/tcp//ident///, 7000/filtered/tcp/////\n"
                "Host: 198.18.0.3 ()\tStatus: Up\n"
                "Host: 198.18.0.3 ()\tPorts: 22/filtered/tcp//ssh///, 23/closed/tcp//telnet///, 80/open/tcp//http///, "
                "111/closed/tcp//rpcbind///, 113/closed/tcp//ident///, 7000/closed/tcp/////\n"
                "# portauth done at Sun Nov 29 04:00:34 2026 -- 2 IP addresses (2 hosts up) scanned in 1.53 seconds\n");
}

TEST(GrepableWriter, OneIgnoredStateIsNamedSeveralAreNot) {
  use_utc();
  ScanInfo info = small_info();
  std::vector<Delivered> rs;
  for (uint16_t p = 1000; p < 1030; ++p) rs.push_back({{kHostA, p, probe::Reason::kRst, 64}, &annotation(p)});
  rs.push_back({{kHostA, 22, probe::Reason::kSynAck, 64}, &annotation(22)});
  std::string out = run_writer<GrepableWriter>(info, rs, small_summary());
  EXPECT_NE(out.find("\tPorts: 22/open/tcp//ssh///\tIgnored State: closed (30)\n"), std::string::npos) << out;

  for (uint16_t p = 2000; p < 2030; ++p) rs.push_back({{kHostA, p, probe::Reason::kNoResponse, 0}, &annotation(p)});
  out = run_writer<GrepableWriter>(info, rs, small_summary());
  EXPECT_NE(out.find("\tPorts: 22/open/tcp//ssh///\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("Ignored State"), std::string::npos) << out;
}

TEST(GrepableWriter, EveryPortSummedUpLeavesOnlyStatus) {
  use_utc();
  std::vector<Delivered> rs;
  for (uint16_t p = 1000; p < 1030; ++p) rs.push_back({{kHostA, p, probe::Reason::kNoResponse, 0}, &annotation(p)});
  const std::string out = run_writer<GrepableWriter>(small_info(), rs, small_summary());
  EXPECT_NE(out.find("Host: 198.18.0.2 ()\tStatus: Up\nHost: 198.18.0.2 ()\tStatus: Up\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace portauth::output
