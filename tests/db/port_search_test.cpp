// Search: what matches, in which order, and how the IANA tier joins in.
#include "db/port_search.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace portauth::db {
namespace {

const std::string kFixtures = PORTAUTH_DB_FIXTURES;

const PortDb& search_db() {
  static const PortDb db = PortDb::load_file(kFixtures + "/search.yaml");
  return db;
}

const IanaRegistry& iana() {
  static const IanaTier tier = load_iana_tier(kFixtures + "/search_iana.txt");
  return *tier.registry;
}

std::vector<uint16_t> ports(const std::vector<SearchHit>& hits) {
  std::vector<uint16_t> out;
  for (const SearchHit& hit : hits) out.push_back(hit.port);
  return out;
}

TEST(Search, RanksNameThenAliasThenPhrasesThenScatteredWords) {
  const auto hits = search_ports(search_db(), "redis", nullptr, 0);
  // name equal, alias equal, name contains, description, background.
  EXPECT_EQ(ports(hits), (std::vector<uint16_t>{6379, 4000, 3000, 2000, 1000}));
  EXPECT_EQ(hits[0].matched, "name");
  EXPECT_EQ(hits[1].matched, "alias");
  EXPECT_EQ(hits[3].matched, "description");
  EXPECT_EQ(hits[4].matched, "background");
  EXPECT_GT(hits[0].score, hits[1].score);
}

TEST(Search, EveryWordMustAppearButNotInOrder) {
  EXPECT_EQ(ports(search_ports(search_db(), "store key", nullptr, 0)),
            (std::vector<uint16_t>{6379, 2000, 5000}));
  EXPECT_TRUE(search_ports(search_db(), "redis banana", nullptr, 0).empty());
}

TEST(Search, CaseHyphensAndSpacesDoNotMatter) {
  EXPECT_EQ(search_ports(search_db(), "REDIS SENTINEL", nullptr, 0)[0].port, 3000);
  EXPECT_EQ(search_ports(search_db(), "key-value", nullptr, 0)[0].port, 6379);
}

TEST(Search, FindsTrojansByNameAndCatalogSpelling) {
  const auto hits = search_ports(search_db(), "netbus", nullptr, 0);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].port, 12345);  // trojan equal
  EXPECT_EQ(hits[0].matched, "trojan");
  EXPECT_EQ(hits[1].port, 20034);  // name contains
  const auto alias = search_ports(search_db(), "net-bus classic", nullptr, 0);
  ASSERT_EQ(alias.size(), 1u);
  EXPECT_EQ(alias[0].port, 12345);
}

TEST(Search, IanaNamesJoinBelowOurPagesAndSkipPortsWeList) {
  const auto hits = search_ports(search_db(), "redis", &iana(), 0);
  ASSERT_EQ(hits.size(), 6u);
  EXPECT_EQ(hits.back().port, 9000);
  EXPECT_EQ(hits.back().source, PageSource::kIana);
  EXPECT_EQ(hits.back().matched, "iana name");
  for (const SearchHit& hit : hits)
    if (hit.port == 6379) {
      EXPECT_EQ(hit.source, PageSource::kPortauth);
    }
  EXPECT_EQ(search_ports(search_db(), "mirror", &iana(), 0).size(), 2u);
}

TEST(Search, LimitAndEmptyQueries) {
  EXPECT_EQ(search_ports(search_db(), "redis", nullptr, 2).size(), 2u);
  EXPECT_TRUE(search_ports(search_db(), "", nullptr, 0).empty());
  EXPECT_TRUE(search_ports(search_db(), "  - ", nullptr, 0).empty());
}

TEST(Search, UdpEntriesAreFoundWithTheirProtocol) {
  const auto hits = search_ports(search_db(), "udp only", nullptr, 0);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].proto, Proto::kUdp);
}

}  // namespace
}  // namespace portauth::db
