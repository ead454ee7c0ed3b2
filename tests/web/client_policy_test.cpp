#include "web/client_policy.h"

#include <gtest/gtest.h>

#include "config/presets.h"
#include "config/target_spec.h"

namespace portauth::web {
namespace {

config::Address A(const char* s) { return *config::parse_address(s); }

PolicyConfig lab_config() {
  PolicyConfig c;
  c.allow_clients = config::parse_targets({"198.18.0.0/15", "127.0.0.0/8"});
  c.trusted_proxies = config::parse_targets({"198.18.0.100"});
  c.server_names = {"scan.example.net"};
  return c;
}

Request get(const char* path, const char* peer = "198.18.0.2") {
  Request r;
  r.peer = A(peer);
  r.method = "GET";
  r.target = path;
  const std::string_view t = path;
  r.path = std::string(t.substr(0, t.find('?')));
  if (t.find('?') != std::string_view::npos) parse_form(t.substr(t.find('?') + 1), r.query);
  r.headers = {{"Host", "198.18.0.1:8080"}};
  return r;
}

Client admitted(const ClientPolicy& p, const Request& r) {
  auto v = p.admit(r);
  if (auto* no = std::get_if<Refusal>(&v)) ADD_FAILURE() << r.method << " " << r.target << ": " << no->status << " " << no->why;
  return std::holds_alternative<Client>(v) ? std::get<Client>(v) : Client{};
}

Refusal refused(const ClientPolicy& p, const Request& r) {
  auto v = p.admit(r);
  if (std::holds_alternative<Client>(v)) ADD_FAILURE() << r.method << " " << r.target << " was admitted";
  return std::holds_alternative<Refusal>(v) ? std::get<Refusal>(v) : Refusal{0, ""};
}

TEST(ClientPolicy, TheClientIsThePeer) {
  const ClientPolicy p(lab_config());
  const Client c = admitted(p, get("/"));
  EXPECT_EQ(c.address, A("198.18.0.2"));
  EXPECT_FALSE(c.via_proxy);
}

TEST(ClientPolicy, ForwardingHeadersFromAnUntrustedPeerAreIgnored) {
  const ClientPolicy p(lab_config());
  Request r = get("/");
  r.headers.emplace_back("X-Forwarded-For", "198.18.1.50");
  r.headers.emplace_back("Forwarded", "for=198.18.1.51");
  r.headers.emplace_back("X-Real-IP", "198.18.1.52");
  EXPECT_EQ(admitted(p, r).address, A("198.18.0.2"));
  r.headers.back().second = "not even an address";  // ignored means never parsed
  r.headers.emplace_back("X-Forwarded-For", "garbage");
  EXPECT_EQ(admitted(p, r).address, A("198.18.0.2"));
}

TEST(ClientPolicy, ATrustedProxyNamesTheRightmostUntrustedAddress) {
  const ClientPolicy p(lab_config());
  Request r = get("/", "198.18.0.100");
  r.headers.emplace_back("X-Forwarded-For", "6.6.6.6, 198.18.0.7");
  Client c = admitted(p, r);
  EXPECT_EQ(c.address, A("198.18.0.7"));
  EXPECT_EQ(c.peer, A("198.18.0.100"));
  EXPECT_TRUE(c.via_proxy);
  // Both headers: they must agree.
  r.headers.emplace_back("Forwarded", "for=198.18.0.7");
  EXPECT_EQ(admitted(p, r).address, A("198.18.0.7"));
  r.headers.back().second = "for=198.18.1.66";  // written by the client, passed through by the proxy
  EXPECT_EQ(refused(p, r).status, 400);
  // A proxy's request without the headers is the proxy's own.
  EXPECT_EQ(admitted(p, get("/", "198.18.0.100")).address, A("198.18.0.100"));
  // Malformed or unknown: refused, never guessed.
  r = get("/", "198.18.0.100");
  r.headers.emplace_back("X-Forwarded-For", "198.18.0.7, bogus");
  EXPECT_EQ(refused(p, r).status, 400);
  r.headers.back() = {"Forwarded", "for=unknown"};
  EXPECT_EQ(refused(p, r).status, 400);
}

TEST(ClientPolicy, AForwardedClientMustBeAllowedToo) {
  const ClientPolicy p(lab_config());
  Request r = get("/", "198.18.0.100");
  r.headers.emplace_back("X-Forwarded-For", "203.0.113.9");
  EXPECT_EQ(refused(p, r).status, 403);
}

TEST(ClientPolicy, ClientsOutsideTheAllowListAreForbidden) {
  const ClientPolicy p(lab_config());
  EXPECT_EQ(refused(p, get("/", "203.0.113.5")).status, 403);
  EXPECT_TRUE(p.may_connect(A("198.18.0.2")));
  EXPECT_TRUE(p.may_connect(A("198.18.0.100")));  // a trusted proxy may connect
  EXPECT_FALSE(p.may_connect(A("203.0.113.5")));
}

TEST(ClientPolicy, TheDefaultAllowsLoopbackAndPrivateNetworksOnly) {
  const ClientPolicy p{PolicyConfig{}};
  for (const char* ok : {"127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.10", "fd00::5"})
    EXPECT_TRUE(p.may_connect(A(ok))) << ok;
  for (const char* no : {"8.8.8.8", "172.32.0.1", "100.64.0.1", "198.18.0.2", "2001:db8::1", "fe80::1", "169.254.1.1"})
    EXPECT_FALSE(p.may_connect(A(no))) << no;
}

TEST(ClientPolicy, ATargetInTheQueryIsRefused) {
  const ClientPolicy p(lab_config());
  for (const char* path : {"/?target=198.18.1.9", "/port/80?host=x", "/search?q=ssh&IP=1.2.3.4",
                           "/?Scan-Target=1.2.3.4", "/?dst=1.2.3.4", "/?x_target=1"}) {
    const Refusal no = refused(p, get(path));
    EXPECT_EQ(no.status, 400) << path;
    EXPECT_TRUE(no.log) << path;
  }
  EXPECT_TRUE(names_a_target("Remote_Addr"));
  EXPECT_FALSE(names_a_target("ports"));
  EXPECT_FALSE(names_a_target("q"));
}

TEST(ClientPolicy, ATargetInAHeaderIsRefused) {
  const ClientPolicy p(lab_config());
  for (const char* name : {"X-Target", "Target", "X-Scan-Target", "REMOTE_ADDR", "remote-addr", "LOCAL_ADDR"}) {
    Request r = get("/");
    r.headers.emplace_back(name, "198.18.1.9");
    EXPECT_EQ(refused(p, r).status, 400) << name;
  }
}

TEST(ClientPolicy, AnAddressInThePathIsRefused) {
  const ClientPolicy p(lab_config());
  for (const char* path : {"/api/scan/198.18.1.9", "/port/10.0.0.1:80", "/x/%31%39%38.18.1.9", "/a/[2001:db8::1]",
                           "/api/scan/2001:db8::1", "/api/scan/198.18.1.0/24", "/api/scan/198.18.1.1-9"})
    EXPECT_EQ(refused(p, get(path)).status, 400) << path;
}

TEST(ClientPolicy, PathTraversalAndOddPathsAreRefused) {
  const ClientPolicy p(lab_config());
  for (const char* path : {"/static/../../etc/passwd", "/static/%2e%2e/x", "/./", "//etc/passwd", "/a%00b",
                           "/a\\b", "/a%5c..%5cb", "relative", "/a/%2F/b"})
    EXPECT_EQ(refused(p, get(path)).status, 400) << path;
  for (const char* path : {"/", "/port/80", "/port/0", "/port/65535", "/static/portauth.css", "/port/"})
    admitted(p, get(path));
}

TEST(ClientPolicy, MethodsOtherThanGetHeadPostAre405) {
  const ClientPolicy p(lab_config());
  for (const char* m : {"PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH"}) {
    Request r = get("/");
    r.method = m;
    EXPECT_EQ(refused(p, r).status, 405) << m;
  }
}

TEST(ClientPolicy, HostMustBeAnAddressLocalhostOrAServerName) {
  const ClientPolicy p(lab_config());
  for (const char* host : {"198.18.0.1", "198.18.0.1:8080", "[2001:2::1]:8080", "localhost:8080", "LOCALHOST",
                           "scan.example.net", "Scan.Example.Net:8080"}) {
    Request r = get("/");
    r.headers = {{"Host", host}};
    admitted(p, r);
  }
  Request r = get("/");
  r.headers = {{"Host", "attacker.example"}};  // DNS rebinding
  EXPECT_EQ(refused(p, r).status, 421);
  r.headers = {{"Host", "198.18.0.1"}, {"Host", "attacker.example"}};
  EXPECT_EQ(refused(p, r).status, 400);
}

TEST(ClientPolicy, APostFromAnotherOriginIsRefused) {
  const ClientPolicy p(lab_config());
  Request r = get("/scan");
  r.method = "POST";
  admitted(p, r);  // no Origin: not a browser's cross-site request
  r.headers.emplace_back("Origin", "http://198.18.0.1:8080");
  admitted(p, r);
  r.headers.back().second = "http://evil.example";
  EXPECT_EQ(refused(p, r).status, 403);
  r.headers.back().second = "null";
  EXPECT_EQ(refused(p, r).status, 403);
  r.headers.back().second = "http://198.18.0.1:9090";
  EXPECT_EQ(refused(p, r).status, 403);
  r.headers = {{"Host", "scan.example.net"}, {"Origin", "https://scan.example.net"}};  // behind a TLS proxy
  admitted(p, r);
}

TEST(ClientPolicy, FieldsAreChecked) {
  const ClientPolicy p(lab_config());
  EXPECT_FALSE(p.check_fields({{"ports", "22"}}, {"ports"}, "JSON body"));
  auto no = p.check_fields({{"ports", "22"}, {"target", "198.18.1.9"}}, {"ports"}, "JSON body");
  ASSERT_TRUE(no);
  EXPECT_EQ(no->status, 400);
  EXPECT_NE(no->why.find("names a target"), std::string::npos);
  no = p.check_fields({{"colour", "red"}}, {"ports"}, "form");
  ASSERT_TRUE(no);
  EXPECT_NE(no->why.find("unknown field 'colour'"), std::string::npos);
  no = p.check_fields({{"ports", "22"}, {"ports", "23"}}, {"ports"}, "form");
  ASSERT_TRUE(no);
  EXPECT_NE(no->why.find("twice"), std::string::npos);
}

TEST(ClientPolicy, ScanOrdersProbeTheClientOnly) {
  const ClientPolicy p(lab_config());
  const Client c{A("198.18.0.7"), A("198.18.0.100"), true};
  auto order = p.scan_order(c, web::Test::kService, "198.18.1.9");  // the list is ignored for presets
  ASSERT_TRUE(std::holds_alternative<ScanOrder>(order));
  EXPECT_EQ(std::get<ScanOrder>(order).target.address(), A("198.18.0.7"));
  EXPECT_EQ(std::get<ScanOrder>(order).ports.size(), 1056u);
  EXPECT_EQ(std::get<ScanOrder>(p.scan_order(c, web::Test::kCommon, "")).ports, config::preset_ports("common"));
  EXPECT_EQ(std::get<ScanOrder>(p.scan_order(c, web::Test::kTrustealth, "")).ports.size(), 26u);
  EXPECT_EQ(std::get<ScanOrder>(p.scan_order(c, web::Test::kProbe, "65535")).ports, std::vector<uint16_t>{65535});
  EXPECT_EQ(std::get<ScanOrder>(p.scan_order_for_ports(c, "22, 80,8000-8002")).ports,
            (std::vector<uint16_t>{22, 80, 8000, 8001, 8002}));
  EXPECT_EQ(std::get<ScanOrder>(p.scan_order_for_ports(c, "service")).ports.size(), 1056u);
}

TEST(ClientPolicy, BadPortListsAreRefused) {
  const ClientPolicy p(lab_config());
  const Client c{A("198.18.0.7"), A("198.18.0.7"), false};
  for (const char* bad : {"", "   ", "1-65", "-", "0-1055", "65536", "22,,80", "198.18.1.9", "22;80", "ssh"})
    EXPECT_TRUE(std::holds_alternative<Refusal>(p.scan_order_for_ports(c, bad))) << bad;
  EXPECT_TRUE(std::holds_alternative<ScanOrder>(p.scan_order_for_ports(c, "1-64")));
  for (const char* bad : {"", "x", "65536", "22,80", "-1", "123456"})
    EXPECT_TRUE(std::holds_alternative<Refusal>(p.scan_order(c, web::Test::kProbe, bad))) << bad;
}

}  // namespace
}  // namespace portauth::web
