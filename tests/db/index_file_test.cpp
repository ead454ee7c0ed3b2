// The compiled index: the shipped index holds exactly what ports.yaml says, for every port,
// and a damaged index is refused with a message rather than read.
#include "db/index_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "db/db_error.h"
#include "db/db_path.h"
#include "db/page_render.h"
#include "db/port_db.h"

namespace portauth::db {
namespace {

const std::string kFixtures = PORTAUTH_DB_FIXTURES;

std::string slurp(const std::string& path) { return read_db_file(path, 64u << 20); }

// Everything an entry says, as one comparable value (line is where it sat in the YAML).
nlohmann::json entry_json(const PortEntry& entry) {
  nlohmann::json json = page_json(make_listed_page(entry.first, entry));
  json["line"] = entry.line;
  return json;
}

void expect_same_database(const PortDb& yaml, const PortDb& index) {
  EXPECT_EQ(yaml.data_version(), index.data_version());
  ASSERT_EQ(yaml.size(), index.size());
  for (Proto proto : {Proto::kTcp, Proto::kUdp}) {
    for (uint32_t port = 0; port <= 65535; ++port) {
      const PortEntry* a = yaml.find(static_cast<uint16_t>(port), proto);
      const PortEntry* b = index.find(static_cast<uint16_t>(port), proto);
      ASSERT_EQ(a == nullptr, b == nullptr) << port << "/" << proto_name(proto);
      if (a) {
        ASSERT_EQ(entry_json(*a), entry_json(*b)) << port << "/" << proto_name(proto);
      }
    }
  }
  ASSERT_EQ(yaml.trojans().size(), index.trojans().size());
  for (size_t i = 0; i < yaml.trojans().size(); ++i) {
    EXPECT_EQ(yaml.trojans()[i].name, index.trojans()[i].name);
    EXPECT_EQ(yaml.trojans()[i].aliases, index.trojans()[i].aliases);
  }
  EXPECT_EQ(yaml.top_ports(1000), index.top_ports(1000));
  EXPECT_EQ(yaml.find_by_name("ssh").size(), index.find_by_name("ssh").size());
}

// The index the build made (portauth_dbgen, from db/data/ports.yaml) against the YAML read
// now: the file portauth actually ships.
TEST(IndexFile, ShippedIndexEqualsTheYamlForEveryPort) {
  const PortDb yaml = PortDb::load_string(slurp(source_db_path()), source_db_path());
  const PortDb index = PortDb::load_file(build_index_path());
  expect_same_database(yaml, index);
}

TEST(IndexFile, WriteThenReadGivesTheSameDatabase) {
  const std::string path = kFixtures + "/good.yaml";
  const LoadedDb loaded = load_db_yaml(slurp(path), path);
  const std::string bytes = write_index(loaded);
  EXPECT_TRUE(looks_like_index(bytes));
  const std::string out = testing::TempDir() + "/portauth_good_" + std::to_string(::getpid()) + ".idx";
  std::ofstream(out, std::ios::binary) << bytes;
  expect_same_database(PortDb::load_file(path), PortDb::load_file(out));
  std::filesystem::remove(out);
}

std::string corrupt_message(const std::string& bytes) {
  try {
    read_index(bytes, "x.idx");
  } catch (const DbError& e) {
    EXPECT_EQ(e.file(), "x.idx");
    return e.message();
  }
  ADD_FAILURE() << "a damaged index was read";
  return {};
}

TEST(IndexFile, DamageIsRefusedWithAMessage) {
  const std::string path = kFixtures + "/good.yaml";
  const std::string bytes = write_index(load_db_yaml(slurp(path), path));
  EXPECT_NE(corrupt_message(bytes.substr(0, bytes.size() / 2)).find("checksum"), std::string::npos);
  EXPECT_NE(corrupt_message(bytes.substr(0, 10)).find("corrupt port index"), std::string::npos);
  EXPECT_NE(corrupt_message("NOTANIDX").find("magic"), std::string::npos);
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x40;
  EXPECT_NE(corrupt_message(flipped).find("checksum"), std::string::npos);
  // Every truncation point fails cleanly (no crash, no partial database).
  for (size_t size = 0; size < bytes.size(); size += 7) {
    EXPECT_THROW(read_index(bytes.substr(0, size), "x.idx"), DbError) << size;
  }
}

TEST(IndexFile, YamlFilesAreNotMistakenForAnIndex) {
  EXPECT_FALSE(looks_like_index(slurp(kFixtures + "/good.yaml")));
  EXPECT_FALSE(looks_like_index(""));
}

}  // namespace
}  // namespace portauth::db
