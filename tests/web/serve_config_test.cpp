#include "web/serve_config.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "cli/serve_options.h"
#include "config/spec_error.h"
#include "config/target_spec.h"

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

// The defaults --help, the man page and the completions show (cli/serve_options.cpp) are the ones
// the server takes.
TEST(ServeConfig, TheDocumentedDefaultsAreTheDefaults) {
  const ServeArgs a;
  const auto doc = [](std::string_view name) { return std::string(cli::serve_option(name).default_text); };
  const auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  EXPECT_EQ(doc("--listen"), a.listen);
  EXPECT_EQ(doc("--max-scans"), std::to_string(a.max_scans));
  EXPECT_EQ(doc("--client-rate"), a.client_rate);
  EXPECT_EQ(doc("--max-connections"), std::to_string(a.max_connections));
  EXPECT_EQ(doc("--client-connections"), std::to_string(a.client_connections));
  EXPECT_EQ(doc("--threads"), std::to_string(a.threads));
  EXPECT_EQ(doc("--rate"), a.rate);
  EXPECT_EQ(doc("--retries"), std::to_string(a.retries));
  EXPECT_EQ(doc("--wait"), num(a.wait));
  EXPECT_EQ(doc("--service-timeout"), num(a.service_timeout));
  EXPECT_FALSE(a.no_service_scan);
  EXPECT_EQ(doc("--trusted-proxy"), "none");
  EXPECT_TRUE(make_serve_config(a).policy.trusted_proxies.ranges().empty());
  std::vector<std::string> blocks;
  const std::string allow = doc("--allow-clients");
  for (size_t at = 0; at < allow.size();) {
    const size_t comma = allow.find(", ", at);
    blocks.push_back(allow.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    at = comma == std::string::npos ? allow.size() : comma + 2;
  }
  EXPECT_EQ(config::parse_targets(blocks).ranges(), PolicyConfig::default_allow_clients().ranges());
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
