// Lookups over a small valid database (fixtures/good.yaml).
#include "db/port_db.h"

#include <gtest/gtest.h>

#include <string>

#include "db/system_services.h"

namespace portauth::db {
namespace {

class PortDbTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new PortDb(PortDb::load_file(std::string(PORTAUTH_DB_FIXTURES) + "/good.yaml"));
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }
  static PortDb* db_;
};
PortDb* PortDbTest::db_ = nullptr;

TEST_F(PortDbTest, LoadsEveryFieldOfAnEntry) {
  EXPECT_EQ(db_->size(), 11u);
  EXPECT_EQ(db_->data_version(), "2026.11.29-test");
  const PortEntry* smtp = db_->find(25);
  ASSERT_NE(smtp, nullptr);
  EXPECT_EQ(smtp->first, 25);
  EXPECT_EQ(smtp->last, 25);
  EXPECT_EQ(smtp->proto, Proto::kTcp);
  EXPECT_EQ(smtp->name, "smtp");
  EXPECT_EQ(smtp->aliases, (std::vector<std::string>{"mail", "SMTP-Relay"}));
  EXPECT_EQ(smtp->purpose, "Simple Mail Transfer Protocol");
  EXPECT_EQ(smtp->description.substr(0, 24), "Mail servers accept mess");
  EXPECT_NE(smtp->description.find("\nSecond paragraph"), std::string::npos);
  EXPECT_NE(smtp->description.back(), '\n') << "folded-block newline should be trimmed";
  EXPECT_EQ(smtp->background.substr(0, 15), "SMTP dates from");
  EXPECT_EQ(smtp->related, (std::vector<uint16_t>{465, 587, 110, 143}));
  EXPECT_EQ(smtp->trojans, (std::vector<std::string>{"Ajan", "Antigen", "Email Password Sender"}));
  EXPECT_EQ(smtp->risk, Risk::kMedium);
  EXPECT_EQ(smtp->refs,
            (std::vector<std::string>{"RFC 5321", "https://www.rfc-editor.org/rfc/rfc5321"}));
  EXPECT_EQ(smtp->rank, 7);
  EXPECT_EQ(smtp->line, 5);
}

TEST_F(PortDbTest, OptionalFieldsDefaultToEmpty) {
  const PortEntry* http = db_->find(80);
  ASSERT_NE(http, nullptr);
  EXPECT_TRUE(http->description.empty());
  EXPECT_TRUE(http->related.empty());
  EXPECT_TRUE(http->trojans.empty());
  const PortEntry* elite = db_->find(31337);
  ASSERT_NE(elite, nullptr);
  EXPECT_EQ(elite->rank, 0);
}

TEST_F(PortDbTest, UnlistedPortIsNull) {
  EXPECT_EQ(db_->find(0), nullptr);
  EXPECT_EQ(db_->find(24), nullptr);
  EXPECT_EQ(db_->find(65535), nullptr);
}

TEST_F(PortDbTest, IndexCoversEveryPortOfARange) {
  const PortEntry* x11 = db_->find(6000);
  ASSERT_NE(x11, nullptr);
  for (uint32_t port = 6000; port <= 6063; ++port) {
    EXPECT_EQ(db_->find(static_cast<uint16_t>(port)), x11) << port;
  }
  EXPECT_EQ(db_->find(5999), nullptr);
  EXPECT_EQ(db_->find(6064), nullptr);
  EXPECT_TRUE(x11->is_range());
}

TEST_F(PortDbTest, ProtocolsHaveSeparateIndexes) {
  const PortEntry* tcp = db_->find(53);
  const PortEntry* udp = db_->find(53, Proto::kUdp);
  ASSERT_NE(tcp, nullptr);
  ASSERT_NE(udp, nullptr);
  EXPECT_NE(tcp, udp);
  EXPECT_EQ(udp->proto, Proto::kUdp);
  EXPECT_EQ(db_->find(25, Proto::kUdp), nullptr);
}

TEST_F(PortDbTest, FindByNameIgnoresCaseAndCoversAliases) {
  ASSERT_EQ(db_->find_by_name("smtp").size(), 1u);
  EXPECT_EQ(db_->find_by_name("SMTP")[0]->first, 25);
  EXPECT_EQ(db_->find_by_name("mail")[0]->first, 25);
  EXPECT_EQ(db_->find_by_name("smtp-relay")[0]->first, 25);
  EXPECT_EQ(db_->find_by_name("WWW")[0]->first, 80);
  EXPECT_TRUE(db_->find_by_name("nonesuch").empty());
  EXPECT_TRUE(db_->find_by_name("").empty());
}

TEST_F(PortDbTest, FindByNameReturnsEveryEntryInFileOrderOnce) {
  // "http" is port 80's name and, differing only in case, an alias of 8080.
  const auto http = db_->find_by_name("Http");
  ASSERT_EQ(http.size(), 2u);
  EXPECT_EQ(http[0]->first, 80);
  EXPECT_EQ(http[1]->first, 8080);
  // "domain" names the udp and the tcp entry.
  const auto domain = db_->find_by_name("domain");
  ASSERT_EQ(domain.size(), 2u);
  EXPECT_EQ(domain[0]->proto, Proto::kUdp);
  EXPECT_EQ(domain[1]->proto, Proto::kTcp);
}

TEST_F(PortDbTest, TopPortsFollowRankAndUseARangesFirstPort) {
  EXPECT_EQ(db_->top_ports(10), (std::vector<uint16_t>{80, 25, 53, 6000}));
  EXPECT_EQ(db_->top_ports(2), (std::vector<uint16_t>{80, 25}));
  EXPECT_TRUE(db_->top_ports(0).empty());
}

TEST_F(PortDbTest, ListedPageUsesTheEntry) {
  const PortPage page = db_->page(6010);
  EXPECT_TRUE(page.listed);
  EXPECT_EQ(page.port, 6010);
  EXPECT_EQ(page.entry.name, "x11");
  EXPECT_EQ(page.entry.first, 6000);
  EXPECT_EQ(page.iana_range, "user (registered) 1024-49151");
}

TEST_F(PortDbTest, UnlistedPortGetsAFallbackPage) {
  const PortPage page = db_->page(40001);
  EXPECT_FALSE(page.listed);
  EXPECT_EQ(page.port, 40001);
  EXPECT_EQ(page.entry.first, 40001);
  EXPECT_EQ(page.entry.last, 40001);
  const std::string system_name = system_service_name(40001, "tcp");
  EXPECT_EQ(page.entry.name, system_name.empty() ? "unassigned" : system_name);
  EXPECT_EQ(page.iana_range, "user (registered) 1024-49151");
  EXPECT_TRUE(page.entry.purpose.empty());
  EXPECT_EQ(page.entry.risk, Risk::kUnknown);
  EXPECT_FALSE(page.entry.description.empty());
}

TEST_F(PortDbTest, EveryPortHasAPage) {
  for (uint32_t port = 0; port <= 65535; port += 257) {
    const PortPage page = db_->page(static_cast<uint16_t>(port));
    EXPECT_FALSE(page.entry.name.empty()) << port;
    EXPECT_FALSE(page.iana_range.empty()) << port;
  }
}

TEST(SystemServices, KnowsWellKnownPortsWhenTheServicesFileExists) {
  // A minimal container may have no /etc/services; then nothing is known, and that is fine.
  const std::string ssh = system_service_name(22, "tcp");
  if (!ssh.empty()) {
    EXPECT_EQ(ssh, "ssh");
  }
  EXPECT_EQ(system_service_name(22, "no-such-proto"), "");
}

TEST(PortDbLoad, EmptyPortsListIsAnEmptyDatabase) {
  const PortDb db = PortDb::load_string("schema_version: 1\nports: []\n", "<inline>");
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.find(80), nullptr);
  EXPECT_EQ(db.data_version(), "");
  EXPECT_FALSE(db.page(80).listed);
}

TEST(PortDbLoad, WholeRangeEntryCoversPort0And65535) {
  const PortDb db = PortDb::load_string(
      "schema_version: 1\nports:\n  - {port: 0-65535, name: all, purpose: Everything}\n",
      "<inline>");
  EXPECT_NE(db.find(0), nullptr);
  EXPECT_NE(db.find(65535), nullptr);
}

}  // namespace
}  // namespace portauth::db
