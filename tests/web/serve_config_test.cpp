#include "web/serve_config.h"

#include <gtest/gtest.h>

#include "config/spec_error.h"

namespace portauth::web {
namespace {

TEST(ServeConfig, Listen) {
  EXPECT_EQ(parse_listen("127.0.0.1:8080"), (std::pair<std::string, uint16_t>{"127.0.0.1", 8080}));
  EXPECT_EQ(parse_listen("[::]:80"), (std::pair<std::string, uint16_t>{"::", 80}));
  EXPECT_EQ(parse_listen("[2001:2::1]:8080").first, "2001:2::1");
  for (const char* bad : {"", "8080", "localhost:8080", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:http", "::1:80",
                          "[::1]80", "1.2.3.4:61000", "1.2.3.4:65535"})
    EXPECT_THROW(parse_listen(bad), config::SpecError) << bad;
}

TEST(ServeConfig, DefaultsAreSafe) {
  const ServeConfig c = make_serve_config({});
  EXPECT_EQ(c.listen_address, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
  EXPECT_TRUE(c.policy.trusted_proxies.empty());
  EXPECT_FALSE(c.policy.allow_clients.contains(*config::parse_address("8.8.8.8")));
  EXPECT_EQ(c.gate.max_scans, 4u);
  EXPECT_EQ(c.gate.burst, 10u);
  EXPECT_EQ(describe_serve_config(c),
            "listening on http://127.0.0.1:8080/; clients: ::1, 10.0.0.0/8, 127.0.0.0/8, 172.16.0.0/12, "
            "192.168.0.0/16, fc00::/7; trusted proxies: none; 4 scans at once, 10 per 60 s per client; services "
            "identified (3 s per connection)");
  EXPECT_TRUE(c.service_scan);
  ServeArgs off;
  off.no_service_scan = true;
  EXPECT_FALSE(make_serve_config(off).service_scan);
  EXPECT_TRUE(describe_serve_config(make_serve_config(off)).ends_with("; no service identification"));
}

TEST(ServeConfig, BadOptionsNameThemselves) {
  const auto message = [](ServeArgs a) {
    try {
      make_serve_config(a);
    } catch (const config::SpecError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  ServeArgs a;
  a.allow_clients = {"10.0.0.0/33"};
  EXPECT_EQ(message(a).rfind("--allow-clients: ", 0), 0u) << message(a);
  a = {};
  a.trusted_proxies = {"proxy.example"};
  EXPECT_EQ(message(a).rfind("--trusted-proxy: ", 0), 0u) << message(a);
  a = {};
  a.client_rate = "lots";
  EXPECT_EQ(message(a).rfind("--client-rate: ", 0), 0u);
  a = {};
  a.max_scans = 0;
  EXPECT_EQ(message(a).rfind("--max-scans: ", 0), 0u);
  a = {};
  a.server_names = {"a b"};
  EXPECT_EQ(message(a).rfind("--server-name: ", 0), 0u);
  for (double t : {0.0, 0.05, 31.0, -1.0}) {
    a = {};
    a.service_timeout = t;
    EXPECT_EQ(message(a).rfind("--service-timeout: ", 0), 0u) << t;
  }
}

}  // namespace
}  // namespace portauth::web
