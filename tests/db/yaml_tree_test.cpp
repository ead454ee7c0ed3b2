// The bounded YAML reader: hostile shapes are refused early, with a place, and never crash.
#include "db/yaml_tree.h"

#include <gtest/gtest.h>

#include <string>

#include "db/db_error.h"
#include "db/port_db.h"

namespace portauth::db {
namespace {

TEST(YamlTree, KeepsOneBasedPositions) {
  const YamlNode root = parse_yaml_tree("a: 1\nb:\n  - x\n  - [y, z]\n", "<t>");
  ASSERT_TRUE(root.is_map());
  ASSERT_EQ(root.map_size(), 2u);
  EXPECT_EQ(root.map_key(1).text, "b");
  EXPECT_EQ(root.map_key(1).line, 2);
  EXPECT_EQ(root.map_key(1).column, 1);
  const YamlNode& list = root.map_value(1);
  ASSERT_TRUE(list.is_sequence());
  ASSERT_EQ(list.items.size(), 2u);
  EXPECT_EQ(list.items[1].items[1].text, "z");
  EXPECT_EQ(list.items[1].items[1].line, 4);
  EXPECT_EQ(list.items[1].items[1].column, 9);
}

TEST(YamlTree, NullsAreNullNotText) {
  const YamlNode root = parse_yaml_tree("a:\nb: ~\nc: null\nd: 'null'\n", "<t>");
  EXPECT_TRUE(root.map_value(0).is_null());
  EXPECT_TRUE(root.map_value(1).is_null());
  EXPECT_TRUE(root.map_value(2).is_null());
  EXPECT_TRUE(root.map_value(3).is_scalar());
}

TEST(YamlTree, DeepFlowNestingIsRejectedAtTheLevelThatIsTooDeep) {
  const std::string deep = "a: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  try {
    parse_yaml_tree(deep, "<deep>");
    FAIL() << "expected a DbError";
  } catch (const DbError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.column(), 4 + 31);  // the 32nd '[' opens level 33 (the root map is level 1)
    EXPECT_EQ(e.message(), "YAML nested more than 32 levels deep; the port database needs 4");
  }
}

TEST(YamlTree, DeepBlockNestingIsRejected) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += std::string(static_cast<size_t>(i), ' ') + "-\n";
  EXPECT_THROW(parse_yaml_tree(deep, "<deep>"), DbError);
  EXPECT_THROW(PortDb::load_string(deep, "<deep>"), DbError);
}

TEST(YamlTree, TooManyNodesIsRejectedBeforeBuildingThemAll) {
  std::string wide = "a: [";
  for (int i = 0; i < 2000; ++i) wide += "1,";
  wide += "1]\n";
  YamlLimits limits;
  limits.max_nodes = 1000;
  try {
    parse_yaml_tree(wide, "<wide>", limits);
    FAIL() << "expected a DbError";
  } catch (const DbError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.message(), "too many YAML nodes (more than 1000); is this really a port database?");
  }
}

TEST(YamlTree, TooManyBytesIsRejectedWithoutParsing) {
  YamlLimits limits;
  limits.max_bytes = 10;
  try {
    parse_yaml_tree("schema_version: 1\n", "<big>", limits);
    FAIL() << "expected a DbError";
  } catch (const DbError& e) {
    EXPECT_EQ(std::string(e.what()),
              "<big>: too large for a port database (18 bytes; the limit is 10)");
  }
}

TEST(YamlTree, GarbageNeverCrashes) {
  // Not a fuzzer, but the shapes that have broken YAML readers before.
  const std::string inputs[] = {"\x01\x02\x03",
                                "{{{{",
                                "]]]]",
                                "- - - - -",
                                "? ? ? ?",
                                "&a &b x",
                                "*a",
                                "!!binary AAAA",
                                "key: \"unterminated",
                                "\t- tab",
                                "%YAML 9.9\n---\na",
                                "a: b: c",
                                "[a, b",
                                "{a: 1, a: 2}",
                                std::string("\0\0", 2),
                                std::string(1000, '{')};
  for (const std::string& input : inputs) {
    try {
      PortDb::load_string(input, "<garbage>");
      ADD_FAILURE() << "accepted: " << input;
    } catch (const DbError& e) {
      EXPECT_GE(e.line(), 1) << input;
      EXPECT_GE(e.column(), 1) << input;
    }
  }
}

}  // namespace
}  // namespace portauth::db
