// The shipped database, db/data/ports.yaml: it loads, and it has the content portauth
// promises (every ShieldsUP common port fully written up, the famous trojan ports, enough
// ranked ports for --top-ports).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <set>
#include <string>

#include "db/db_path.h"
#include "db/port_db.h"
#include "probe/udp_payloads.h"

namespace portauth::db {
namespace {

class RealDbTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      db_ = new PortDb(PortDb::load_file(source_db_path()));
    } catch (const std::exception& e) {
      load_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(db_, nullptr) << "ports.yaml did not load: " << load_error_; }

  static bool mentions(const PortEntry* entry, const std::string& words) {
    if (entry == nullptr) return false;
    return std::any_of(entry->trojans.begin(), entry->trojans.end(),
                       [&](const std::string& t) { return t.find(words) != std::string::npos; });
  }

  static PortDb* db_;
  static std::string load_error_;
};
PortDb* RealDbTest::db_ = nullptr;
std::string RealDbTest::load_error_;

TEST_F(RealDbTest, Loads) { EXPECT_FALSE(db_->data_version().empty()); }

// The loader's content checks run on the real file: copying one entry's sentence into another,
// or putting the old placeholder back, makes the shipped database fail to load.
TEST_F(RealDbTest, PlaceholderOrSharedBoilerplateFailsTheRealFile) {
  const std::string path = source_db_path();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string yaml = text.str();
  const std::string anchor = "    name: tcpmux\n";
  ASSERT_NE(yaml.find(anchor), std::string::npos);

  std::string placeholder = yaml;
  placeholder.replace(placeholder.find("    purpose: TCP Port Service Multiplexer"),
                      std::string("    purpose: TCP Port Service Multiplexer").size(),
                      "    purpose: \"TCPMUX (registered service; little current use)\"");
  EXPECT_THROW(PortDb::load_string(placeholder, path), DbError);

  const PortEntry* echo = db_->find(7);
  ASSERT_NE(echo, nullptr);
  const std::string sentence = echo->description.substr(0, echo->description.find(". ") + 1);
  std::string shared = yaml;
  const std::string background = "    background: >\n";
  const size_t at = shared.find(background, shared.find(anchor));
  ASSERT_NE(at, std::string::npos);
  shared.insert(at + background.size(), "      " + sentence + "\n");
  try {
    PortDb::load_string(shared, path);
    ADD_FAILURE() << "a sentence shared with port 7 was accepted: " << sentence;
  } catch (const DbError& e) {
    EXPECT_NE(e.message().find("boilerplate"), std::string::npos) << e.what();
  }
}

TEST_F(RealDbTest, NoPurposeIsAPlaceholder) {
  for (const PortEntry& entry : db_->entries())
    EXPECT_EQ(entry.purpose.find("little current use"), std::string::npos) << entry.first;
}

TEST_F(RealDbTest, ShieldsUpCommonPortsAreFullyWrittenUp) {
  const uint16_t common[] = {0,    21,   22,   23,   25,   79,   80,   110,  113,
                             119,  135,  139,  143,  389,  443,  445,  1002, 1024,
                             1025, 1026, 1027, 1028, 1029, 1030, 1720, 5000};
  for (uint16_t port : common) {
    const PortEntry* entry = db_->find(port);
    ASSERT_NE(entry, nullptr) << "port " << port << " is not listed";
    EXPECT_FALSE(entry->name.empty()) << port;
    EXPECT_FALSE(entry->purpose.empty()) << port;
    EXPECT_FALSE(entry->description.empty()) << "port " << port << " has no description";
    EXPECT_FALSE(entry->background.empty()) << "port " << port << " has no background";
    EXPECT_NE(entry->risk, Risk::kUnknown) << "port " << port << " has no risk";
  }
}

TEST_F(RealDbTest, AtLeast150EntriesHaveDescriptionAndBackground) {
  const auto& entries = db_->entries();
  const auto count = std::count_if(entries.begin(), entries.end(), [](const PortEntry& e) {
    return !e.description.empty() && !e.background.empty();
  });
  EXPECT_GE(count, 150);
}

TEST_F(RealDbTest, AtLeast1000EntriesHaveNameAndPurpose) {
  // The loader guarantees both for every entry; what is left to check is the count.
  EXPECT_GE(db_->size(), 1000u);
}

TEST_F(RealDbTest, SmtpIsRelatedToPop3AndImap) {
  const PortEntry* smtp = db_->find(25);
  ASSERT_NE(smtp, nullptr);
  EXPECT_NE(std::find(smtp->related.begin(), smtp->related.end(), 110), smtp->related.end());
  EXPECT_NE(std::find(smtp->related.begin(), smtp->related.end(), 143), smtp->related.end());
}

TEST_F(RealDbTest, FamousTrojanPortsNameTheirTrojans) {
  EXPECT_TRUE(mentions(db_->find(31337), "Back Orifice"));
  EXPECT_TRUE(mentions(db_->find(12345), "NetBus"));
  EXPECT_TRUE(mentions(db_->find(27374), "SubSeven"));
}

// Issue 19.16: port 25's sightings hold every name of GRC's Port Authority list (in the spelling
// the database uses, or one of the catalog's other spellings for it), and 110 and 143 are
// related, as GRC relates them. "Shtrilitz" was ours; GRC's "Shtirlitz" is the name now.
TEST_F(RealDbTest, SmtpTrojansHoldGrcsList) {
  const PortEntry* smtp = db_->find(25);
  ASSERT_NE(smtp, nullptr);
  // The canonical spelling of `name`: itself, or the catalog name it is an alias of.
  auto canonical = [&](const std::string& name) {
    for (const TrojanName& t : db_->trojans())
      for (const std::string& alias : t.aliases)
        if (alias == name) return t.name;
    return name;
  };
  const char* grc[] = {"Ajan", "Antigen", "Barok", "BSE", "EPS", "EPS II", "Gip", "Gris", "Happy99",
                       "Hpteam mail", "Hybris", "I Love You", "Kuang2", "Magic Horse", "MBT",
                       "Moscow Email trojan", "Naebi", "NewApt worm", "ProMail trojan", "Shtirlitz", "Stealth",
                       "Stukach", "Tapiras", "Terminator", "WinPC", "WinSpy"};
  for (const char* name : grc) {
    const std::string want = canonical(name);
    EXPECT_NE(std::find(smtp->trojans.begin(), smtp->trojans.end(), want), smtp->trojans.end())
        << name << " (as " << want << ") is not among port 25's trojans";
  }
  EXPECT_EQ(canonical("Shtrilitz"), "Shtirlitz");
  EXPECT_EQ(std::find(smtp->trojans.begin(), smtp->trojans.end(), "Shtrilitz"), smtp->trojans.end());
  // One spelling across the ports: 110 names ProMail as 25 does.
  const PortEntry* pop3 = db_->find(110);
  ASSERT_NE(pop3, nullptr);
  EXPECT_EQ(pop3->trojans, std::vector<std::string>{"ProMail"});
}

// Issue 19.15: the X11 range 6000-6063 no longer swallows the two ports that are far more
// often something else today; every other number of the range is still X11.
TEST_F(RealDbTest, TensorBoardAndEsphomeHaveTheirOwnPagesInsideTheX11Range) {
  ASSERT_NE(db_->find(6006), nullptr);
  EXPECT_EQ(db_->find(6006)->name, "tensorboard");
  ASSERT_NE(db_->find(6053), nullptr);
  EXPECT_EQ(db_->find(6053)->name, "esphome");
  for (uint16_t port = 6000; port <= 6063; ++port) {
    if (port == 6006 || port == 6053) continue;
    const PortEntry* entry = db_->find(port);
    ASSERT_NE(entry, nullptr) << port;
    EXPECT_EQ(entry->name, "x11") << port;
  }
  const auto x11 = db_->find_by_name("x11");
  EXPECT_EQ(x11.size(), 3u);  // 6000-6005, 6007-6052, 6054-6063
}

TEST_F(RealDbTest, AtLeast300UniquelyRankedPorts) {
  // Each protocol has its own ranking, unique within it.
  std::set<int> ranks[2];
  size_t ranked[2] = {0, 0};
  for (const PortEntry& entry : db_->entries()) {
    if (entry.rank == 0) continue;
    const int p = entry.proto == Proto::kUdp ? 1 : 0;
    ++ranked[p];
    ranks[p].insert(entry.rank);
  }
  EXPECT_GE(ranked[0], 300u);
  EXPECT_EQ(ranks[0].size(), ranked[0]) << "TCP ranks must be unique";
  EXPECT_EQ(db_->top_ports(300).size(), 300u);
  // UDP: the default port set of -sU, every ranked UDP service.
  EXPECT_GE(ranked[1], 35u);
  EXPECT_EQ(ranks[1].size(), ranked[1]) << "UDP ranks must be unique";
  const auto udp = db_->top_ports(100, Proto::kUdp);
  EXPECT_EQ(udp.size(), ranked[1]);
  EXPECT_EQ(udp.front(), 53);  // DNS first
  for (uint16_t port : udp) EXPECT_NE(db_->find(port, Proto::kUdp), nullptr) << port;
}

TEST_F(RealDbTest, EveryUdpServiceProbedHasAPage) {
  // The UDP probe sends a payload to these ports (probe/udp_payloads.h): each has a udp page
  // that says what answers, the exposure, and what to do.
  for (const auto& payload : probe::udp_payloads())
    for (uint16_t port : payload.ports) {
      const PortEntry* e = db_->find(port, Proto::kUdp);
      ASSERT_NE(e, nullptr) << port << "/udp (" << payload.name << ")";
      EXPECT_GT(e->description.size(), 80u) << port;
      EXPECT_FALSE(e->security.empty() && e->background.empty()) << port;
      EXPECT_NE(e->risk, Risk::kUnknown) << port;
    }
}

}  // namespace
}  // namespace portauth::db
