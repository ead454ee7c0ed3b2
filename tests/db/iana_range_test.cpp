#include "db/iana_range.h"

#include <gtest/gtest.h>

namespace portauth::db {
namespace {

TEST(IanaRange, BoundariesFollowRfc6335) {
  EXPECT_EQ(iana_range(0), "system (well-known) 0-1023");
  EXPECT_EQ(iana_range(1023), "system (well-known) 0-1023");
  EXPECT_EQ(iana_range(1024), "user (registered) 1024-49151");
  EXPECT_EQ(iana_range(40001), "user (registered) 1024-49151");
  EXPECT_EQ(iana_range(49151), "user (registered) 1024-49151");
  EXPECT_EQ(iana_range(49152), "dynamic/private 49152-65535");
  EXPECT_EQ(iana_range(65535), "dynamic/private 49152-65535");
}

}  // namespace
}  // namespace portauth::db
