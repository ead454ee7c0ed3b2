#include "web/forwarded.h"

#include <gtest/gtest.h>

#include "config/target_spec.h"

namespace portauth::web {
namespace {

config::Address A(const char* s) { return *config::parse_address(s); }

std::vector<std::string> addresses(const std::optional<std::vector<ForwardedHop>>& hops) {
  std::vector<std::string> out;
  for (const auto& h : *hops) out.push_back(h.address ? config::format_address(*h.address) : "?");
  return out;
}

TEST(Forwarded, XForwardedForListsAndLines) {
  const auto hops = parse_x_forwarded_for({"203.0.113.7, 198.51.100.2", "10.0.0.5"});
  ASSERT_TRUE(hops);
  EXPECT_EQ(addresses(hops), (std::vector<std::string>{"203.0.113.7", "198.51.100.2", "10.0.0.5"}));
  EXPECT_EQ(addresses(parse_x_forwarded_for({"2001:db8::7,[2001:db8::8]:443, 192.0.2.1:8080"})),
            (std::vector<std::string>{"2001:db8::7", "2001:db8::8", "192.0.2.1"}));
}

TEST(Forwarded, XForwardedForMalformedIsRefused) {
  for (const char* bad : {"", "203.0.113.7,", "example.com", "unknown", "1.2.3.4.5", "1.2.3.4:http", "[::1",
                          "203.0.113.7 198.51.100.2", "256.1.1.1"})
    EXPECT_FALSE(parse_x_forwarded_for({bad})) << bad;
  std::string many;
  for (int i = 0; i < 40; ++i) many += "10.0.0." + std::to_string(i) + ",";
  many += "10.0.0.99";
  EXPECT_FALSE(parse_x_forwarded_for({many}));
}

TEST(Forwarded, Rfc7239) {
  const auto hops = parse_forwarded({"for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"",
                                     "For=unknown, for=_hidden, proto=https"});
  ASSERT_TRUE(hops);
  EXPECT_EQ(addresses(hops), (std::vector<std::string>{"192.0.2.60", "2001:db8:cafe::17", "?", "?"}));
  EXPECT_EQ(addresses(parse_forwarded({"for=\"198.51.100.9:80\""})), (std::vector<std::string>{"198.51.100.9"}));
}

TEST(Forwarded, Rfc7239MalformedIsRefused) {
  for (const char* bad : {"for=2001:db8::1", "for=\"192.0.2.1", "for=example.com", "for=192.0.2.1;for=192.0.2.2",
                          "for", "for=", "for=\"[2001:db8::1]\"x"})
    EXPECT_FALSE(parse_forwarded({bad})) << bad;
}

TEST(Forwarded, ClientIsTheRightmostUntrustedHop) {
  const config::RangeSet trusted = config::parse_targets({"10.0.0.0/8"});
  // The client may write anything on the left; the proxies append on the right.
  auto hops = *parse_x_forwarded_for({"6.6.6.6, 198.18.0.2, 10.0.0.7"});
  EXPECT_EQ(client_from_chain(hops, trusted), A("198.18.0.2"));
  hops = *parse_x_forwarded_for({"10.0.0.9, 10.0.0.8"});  // every hop a proxy: the leftmost
  EXPECT_EQ(client_from_chain(hops, trusted), A("10.0.0.9"));
  hops = *parse_forwarded({"for=198.18.0.2, for=unknown"});  // the proxy did not know
  EXPECT_EQ(client_from_chain(hops, trusted), std::nullopt);
  EXPECT_EQ(client_from_chain({}, trusted), std::nullopt);
}

}  // namespace
}  // namespace portauth::web
