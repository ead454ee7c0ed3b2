#include "common/closest_match.h"

#include <gtest/gtest.h>

#include <array>

namespace portauth::common {
namespace {

TEST(EditDistance, CountsInsertsDeletesSubstitutionsAndSwaps) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("purpse", "purpose"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("relatde", "related"), 1u);  // two neighbours swapped: one edit
  EXPECT_EQ(edit_distance("scna", "scan"), 1u);
  EXPECT_EQ(edit_distance("--prot", "--ports"), 2u);     // a swap and an insert
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
  EXPECT_EQ(edit_distance("abc", "ca"), 3u);             // OSA: no edit of a swapped pair
}

TEST(ClosestMatch, SuggestsOnlyPlausibleTypos) {
  constexpr std::array<std::string_view, 4> keys = {"name", "purpose", "description", "rank"};
  EXPECT_EQ(closest_match("purpse", keys), "purpose");
  EXPECT_EQ(closest_match("Name", keys), "name");
  EXPECT_EQ(closest_match("descripton", keys), "description");
  EXPECT_EQ(closest_match("colour", keys), "");
  EXPECT_EQ(closest_match("", keys), "");
}

// Issue 19.9: a swapped pair is one typo, so "--prot" finds "--ports" as "--prots" did.
TEST(ClosestMatch, SwappedLettersAreOneTypo) {
  constexpr std::array<std::string_view, 4> options = {"--help", "--ports", "--preset", "--rate"};
  EXPECT_EQ(closest_match("--prot", options), "--ports");
  EXPECT_EQ(closest_match("--prots", options), "--ports");
  constexpr std::array<std::string_view, 5> commands = {"scan", "lookup", "probe", "shieldsup", "merge"};
  EXPECT_EQ(closest_match("scna", commands), "scan");
  EXPECT_EQ(closest_match("lokoup", commands), "lookup");
  EXPECT_EQ(closest_match("sheildsup", commands), "shieldsup");
}

}  // namespace
}  // namespace portauth::common
