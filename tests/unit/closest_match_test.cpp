#include "common/closest_match.h"

#include <gtest/gtest.h>

#include <array>

namespace portauth::common {
namespace {

TEST(EditDistance, CountsInsertsDeletesAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("purpse", "purpose"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("relatde", "related"), 2u);
}

TEST(ClosestMatch, SuggestsOnlyPlausibleTypos) {
  constexpr std::array<std::string_view, 4> keys = {"name", "purpose", "description", "rank"};
  EXPECT_EQ(closest_match("purpse", keys), "purpose");
  EXPECT_EQ(closest_match("Name", keys), "name");
  EXPECT_EQ(closest_match("descripton", keys), "description");
  EXPECT_EQ(closest_match("colour", keys), "");
  EXPECT_EQ(closest_match("", keys), "");
}

}  // namespace
}  // namespace portauth::common
