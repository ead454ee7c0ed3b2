// The IANA tier: parsing Wireshark's copy of the registry, and where it sits between
// portauth's own entries and /etc/services.
#include "db/iana_registry.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "db/db_path.h"
#include "db/port_db.h"
#include "db/port_page.h"

namespace portauth::db {
namespace {

const std::string kFixtures = PORTAUTH_DB_FIXTURES;

// Loaded once; tests hold references into it.
const IanaTier& fixture_tier() {
  static const IanaTier tier = load_iana_tier(kFixtures + "/iana_services.txt");
  return tier;
}

PortDb good_db() { return PortDb::load_file(kFixtures + "/good.yaml"); }

TEST(IanaParse, MergedProtocolFieldsNameEveryProtocol) {
  const IanaTier& tier = fixture_tier();
  ASSERT_TRUE(tier.registry) << tier.problem;
  const IanaRegistry& iana = *tier.registry;
  for (Proto proto : {Proto::kTcp, Proto::kUdp}) {
    ASSERT_NE(iana.find(1, proto), nullptr);
    EXPECT_EQ(iana.find(1, proto)->name, "tcpmux");
    ASSERT_NE(iana.find(9, proto), nullptr);  // tcp/udp/sctp/dccp
    EXPECT_EQ(iana.find(9, proto)->description, "Discard");
  }
  EXPECT_EQ(iana.find(2905, Proto::kTcp), nullptr);  // sctp only
  EXPECT_EQ(iana.find(2905, Proto::kUdp), nullptr);
  EXPECT_EQ(iana.find(7000, Proto::kTcp), nullptr);
  ASSERT_NE(iana.find(7000, Proto::kUdp), nullptr);
}

TEST(IanaParse, SeparateLinesPerProtocolStaySeparate) {
  const IanaRegistry& iana = *fixture_tier().registry;
  EXPECT_EQ(iana.find(113, Proto::kTcp)->name, "ident");
  EXPECT_EQ(iana.find(113, Proto::kTcp)->description, "");
  EXPECT_EQ(iana.find(113, Proto::kUdp)->name, "auth");
  EXPECT_EQ(iana.find(113, Proto::kUdp)->description, "Authentication Service");
}

TEST(IanaParse, RangesCoverEveryPortAndFirstLineWins) {
  const IanaRegistry& iana = *fixture_tier().registry;
  for (uint32_t port = 6000; port <= 6063; ++port)
    EXPECT_EQ(iana.find(static_cast<uint16_t>(port), Proto::kTcp)->name, "x11") << port;
  EXPECT_EQ(iana.find(6064, Proto::kTcp), nullptr);
  EXPECT_EQ(iana.find(7100, Proto::kTcp)->name, "first");
}

TEST(IanaParse, CountsLinesItCannotReadAndKeepsTheRest) {
  const IanaRegistry& iana = *fixture_tier().registry;
  EXPECT_EQ(iana.skipped_lines(), 5u);  // badport, noproto, oddproto, reversed, lonely
  EXPECT_EQ(iana.find(7200, Proto::kTcp), nullptr);
  EXPECT_EQ(iana.find(7300, Proto::kTcp), nullptr);
  EXPECT_EQ(iana.find(7399, Proto::kTcp), nullptr);
  // 1, 9, 25, 500, 113, 6000-6063, 7100, 2003, 50001
  EXPECT_EQ(iana.named_ports(Proto::kTcp), 8u + 64u);
}

TEST(IanaParse, EmptyAndCommentOnlyTextsAreEmptyRegistries) {
  EXPECT_EQ(IanaRegistry::parse("", "x", "").named_ports(Proto::kTcp), 0u);
  const IanaRegistry only_comments = IanaRegistry::parse("# a\n\n   # b\n", "x", "");
  EXPECT_EQ(only_comments.named_ports(Proto::kUdp), 0u);
  EXPECT_EQ(only_comments.skipped_lines(), 0u);
  // No final newline, CRLF line ends.
  const IanaRegistry crlf = IanaRegistry::parse("a 10/tcp # A\r\nb 11/udp", "x", "");
  EXPECT_EQ(crlf.find(10, Proto::kTcp)->description, "A");
  EXPECT_EQ(crlf.find(11, Proto::kUdp)->name, "b");
}

TEST(IanaTierLoad, DescribesItsFileAndDate) {
  const IanaTier& tier = fixture_tier();
  EXPECT_TRUE(tier.problem.empty());
  EXPECT_EQ(tier.registry->date().size(), 10u);  // YYYY-MM-DD
  EXPECT_NE(tier.describe().find(kFixtures + "/iana_services.txt, dated "), std::string::npos);
}

TEST(IanaTierLoad, AMissingFileSaysWhatToInstall) {
  const IanaTier tier = load_iana_tier(kFixtures + "/no-such-services");
  EXPECT_FALSE(tier.registry);
  EXPECT_NE(tier.problem.find("libwireshark-data"), std::string::npos) << tier.problem;
}

TEST(IanaPrecedence, OwnEntriesComeFirst) {
  const PortDb db = good_db();
  const PortPage page = db.page(25, fixture_tier());
  EXPECT_EQ(page.source, PageSource::kPortauth);
  EXPECT_EQ(page.entry.purpose, "Simple Mail Transfer Protocol");  // ours, not IANA's wording
}

TEST(IanaPrecedence, RegistryNamesWhatTheDatabaseDoesNot) {
  const PortPage page = good_db().page(2003, fixture_tier());
  EXPECT_FALSE(page.listed);
  EXPECT_EQ(page.source, PageSource::kIana);
  EXPECT_EQ(page.entry.name, "brutus");
  EXPECT_EQ(page.entry.purpose, "Brutus Server");
  EXPECT_NE(page.source_detail.find("iana_services.txt"), std::string::npos);
  EXPECT_NE(page.entry.description.find("IANA registers TCP port 2003"), std::string::npos);
}

TEST(IanaPrecedence, RegistryComesBeforeTheSystemServicesName) {
  const PortPage page = make_fallback_page(2003, Proto::kTcp, fixture_tier(), "etc-name");
  EXPECT_EQ(page.entry.name, "brutus");
  EXPECT_EQ(page.source, PageSource::kIana);
  const PortPage system = make_fallback_page(40001, Proto::kTcp, fixture_tier(), "etc-name");
  EXPECT_EQ(system.entry.name, "etc-name");
  EXPECT_EQ(system.source, PageSource::kSystem);
}

TEST(IanaPrecedence, UdpOnlyRegistrationSaysASynScanCannotSeeIt) {
  const PortPage page = make_fallback_page(7000, Proto::kTcp, fixture_tier(), "");
  EXPECT_EQ(page.source, PageSource::kIana);
  EXPECT_EQ(page.entry.proto, Proto::kUdp);
  EXPECT_EQ(page.entry.name, "udponly");
  EXPECT_NE(page.entry.description.find("nothing is registered for TCP"), std::string::npos);
  EXPECT_NE(page.entry.description.find("SYN scan cannot see"), std::string::npos);
}

TEST(IanaPrecedence, TrulyUnassignedExplainsTheRange) {
  const PortPage registered = make_fallback_page(40001, Proto::kTcp, fixture_tier(), "");
  EXPECT_EQ(registered.source, PageSource::kUnassigned);
  EXPECT_EQ(registered.entry.name, "unassigned");
  EXPECT_EQ(registered.entry.description.find("49152"), std::string::npos);
  const PortPage dynamic = make_fallback_page(50002, Proto::kTcp, fixture_tier(), "");
  EXPECT_EQ(dynamic.source, PageSource::kUnassigned);
  EXPECT_NE(dynamic.entry.description.find("dynamic"), std::string::npos);
  EXPECT_NE(dynamic.entry.description.find("never assigns"), std::string::npos);
  // An old registration inside the dynamic range is still a registration.
  EXPECT_EQ(make_fallback_page(50001, Proto::kTcp, fixture_tier(), "").entry.name, "dynamic");
}

TEST(IanaPrecedence, WithoutTheRegistryNothingIsCalledUnassigned) {
  const IanaTier missing = load_iana_tier(kFixtures + "/no-such-services");
  const PortPage page = make_fallback_page(2003, Proto::kTcp, missing, "");
  EXPECT_EQ(page.entry.name, "unknown");
  EXPECT_NE(page.entry.description.find("cannot say whether IANA registers"), std::string::npos);
  EXPECT_NE(page.source_detail.find("libwireshark-data"), std::string::npos);
  EXPECT_EQ(make_fallback_page(2003, Proto::kTcp, missing, "sys").source, PageSource::kSystem);
}

// The real registry and the real database: no port IANA registers for TCP may be called
// unassigned. scripts/setup.sh installs libwireshark-data for this.
TEST(IanaRealRegistry, NoRegisteredTcpPortIsCalledUnassigned) {
  const IanaTier& tier = system_iana_tier();
  ASSERT_TRUE(tier.registry) << "IANA registry " << tier.problem << " (run scripts/setup.sh)";
  EXPECT_GT(tier.registry->named_ports(Proto::kTcp), 5000u);
  const PortDb db = PortDb::load_file(source_db_path());
  size_t checked = 0;
  for (uint32_t port = 0; port <= 65535; ++port) {
    const auto p = static_cast<uint16_t>(port);
    if (!tier.registry->find(p, Proto::kTcp)) continue;
    ++checked;
    const PortPage page = db.page(p, tier);
    EXPECT_NE(page.source, PageSource::kUnassigned) << port;
    EXPECT_NE(page.entry.name, "unassigned") << port;
  }
  EXPECT_EQ(checked, tier.registry->named_ports(Proto::kTcp));
}

}  // namespace
}  // namespace portauth::db
