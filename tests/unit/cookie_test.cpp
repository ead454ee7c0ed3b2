#include <gtest/gtest.h>

#include "probe/cookie.h"

using namespace portauth::probe;

// Test vectors from the SipHash paper (Aumasson & Bernstein), appendix A: key 00..0f,
// messages 00, 00 01, ..., and the published 64-bit outputs.
TEST(SipHash, ReferenceVectors) {
  CookieKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  uint8_t msg[16];
  for (int i = 0; i < 16; ++i) msg[i] = uint8_t(i);
  EXPECT_EQ(siphash24(key, msg, 0), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(siphash24(key, msg, 1), 0x74f839c593dc67fdULL);
  EXPECT_EQ(siphash24(key, msg, 8), 0x93f5f5799a932462ULL);
  EXPECT_EQ(siphash24(key, msg, 15), 0xa129ca6149be45e5ULL);
}

TEST(SynCookie, EqualsSipHashOfTheMessage) {
  const CookieKey key{0x1234, 0x5678};
  uint64_t m[2];
  cookie_message(0xc6120002, 80, 0xc6120001, 61000, m);
  const uint64_t h = siphash24(key, m, 16);  // little-endian host: the words are the bytes
  EXPECT_EQ(syn_cookie(key, 0xc6120002, 80, 0xc6120001, 61000), uint32_t(h ^ (h >> 32)));
}

TEST(SynCookie, DependsOnEveryFieldAndTheKey) {
  const CookieKey k1{1, 2}, k2{1, 3};
  const uint32_t base = syn_cookie(k1, 0xc6120002, 80, 0xc6120001, 61000);
  EXPECT_NE(base, syn_cookie(k2, 0xc6120002, 80, 0xc6120001, 61000));
  EXPECT_NE(base, syn_cookie(k1, 0xc6120003, 80, 0xc6120001, 61000));
  EXPECT_NE(base, syn_cookie(k1, 0xc6120002, 81, 0xc6120001, 61000));
  EXPECT_NE(base, syn_cookie(k1, 0xc6120002, 80, 0xc6120009, 61000));
  EXPECT_NE(base, syn_cookie(k1, 0xc6120002, 80, 0xc6120001, 61001));
  EXPECT_EQ(base, syn_cookie(k1, 0xc6120002, 80, 0xc6120001, 61000));
}

TEST(SynCookie, RandomKeysDiffer) {
  const CookieKey a = CookieKey::random(), b = CookieKey::random();
  EXPECT_FALSE(a.k0 == b.k0 && a.k1 == b.k1);
}
