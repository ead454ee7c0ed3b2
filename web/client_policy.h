// The server's policy: who may ask, and what a scan may probe. One object, pure (no I/O, no
// clock, no state), and every request goes through it before any route runs (web/router.h).
//
// Whom we probe: ONLY the client, which is the request's TCP peer, or, when that peer is a
// trusted proxy (--trusted-proxy), the rightmost address of its X-Forwarded-For / Forwarded chain
// that is not a trusted proxy (web/forwarded.h). Nothing else in a request can name a target; a
// request that tries is refused with 400 and logged:
//   - a query, form or JSON field named like a target (target, host, ip, address, dst, to, ...;
//     case, '-' and '_' ignored), or any field a route does not take;
//   - a header named like one (Target, X-Target, X-Scan-Target) or one of the names the HTTP
//     library uses internally for the peer (REMOTE_ADDR, REMOTE_PORT, LOCAL_ADDR, LOCAL_PORT);
//   - a path with an address in it (/api/scan/198.51.100.7, /port/10.0.0.1:80), or a path that
//     is not a plain one (a "." or ".." segment, "//", a backslash, a control character).
// Forwarding headers from a peer that is not a trusted proxy are ignored (never read). From a
// trusted proxy, both headers present must name the same client (a proxy that writes only one
// would otherwise pass the other through from the client), a malformed chain is refused, and a
// chain ending in "unknown" is refused.
//
// Who may ask: a client inside --allow-clients (default: loopback, RFC 1918 private networks
// and IPv6 unique local addresses: a LAN service, not one for the Internet); others get 403.
// The Host header must be an IP address, "localhost" or a --server-name (a page elsewhere cannot
// reach this server under a name of its own: DNS rebinding); otherwise 421. A POST whose Origin
// is not this server's is refused (403): no other site can start a scan from a visitor's browser.
//
// What we probe: the ports of a test (scan_order()): ShieldsUP's 26 common ports, its service
// ports 0-1055, or a custom list of at most kMaxCustomPorts.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/address.h"
#include "config/range_set.h"
#include "web/request.h"

namespace portauth::web {

inline constexpr size_t kMaxCustomPorts = 64;  // as GRC's custom port probe allows

struct PolicyConfig {
  config::RangeSet allow_clients = default_allow_clients();
  config::RangeSet trusted_proxies;       // empty: forwarding headers are never read
  std::vector<std::string> server_names;  // Host names accepted besides addresses and localhost

  // 127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7.
  static config::RangeSet default_allow_clients();
};

// Why a request is not served: the status and a sentence for the client and the log.
struct Refusal {
  int status = 400;
  std::string why;
  bool log = true;  // worth a line in the server's log (an attempt, not a typo)
};

struct Client {
  config::Address address;  // the client: the only address a scan of its request may probe
  config::Address peer;     // the TCP peer (== address unless via_proxy)
  bool via_proxy = false;
};

enum class Test { kCommon, kService, kCustom, kTrustealth, kProbe };
std::string_view test_name(Test test);                      // "common", "service", ...
std::optional<Test> parse_test(std::string_view name);      // nullopt for an unknown name
std::string_view test_title(Test test);                     // "Common Ports", ...

// The address a scan probes. Only ClientPolicy makes one, from a Client it admitted: no route
// can hand a scan an address of its own.
class ScanTarget {
 public:
  const config::Address& address() const { return address_; }

 private:
  friend class ClientPolicy;
  explicit ScanTarget(config::Address a) : address_(a) {}
  config::Address address_;
};

struct ScanOrder {
  ScanTarget target;
  Test test;
  std::vector<uint16_t> ports;  // sorted, unique, never empty
};

class ClientPolicy {
 public:
  explicit ClientPolicy(PolicyConfig config) : config_(std::move(config)) {}

  // Who asks, and whether they may: the Client, or why not. Checks the method (GET, HEAD and
  // POST only: 405), the path, the headers, the query's field names, the client's address, the
  // Host and, for a POST, the Origin.
  std::variant<Client, Refusal> admit(const Request& request) const;

  // Refuses any field not in `allowed` (400; a target-like name gets the message that says
  // scans only ever probe the client). `where`: "query", "form", "JSON body".
  std::optional<Refusal> check_fields(const Fields& fields, const std::vector<std::string_view>& allowed,
                                      std::string_view where) const;

  // The scan of `test` for `client`. `ports`: the custom list (kCustom: a port spec of at most
  // kMaxCustomPorts ports) or the one port (kProbe: a number 0-65535); ignored for the other
  // tests. 400 with the reason for a bad list.
  std::variant<ScanOrder, Refusal> scan_order(const Client& client, Test test, std::string_view ports) const;

  // The API's {"ports": "common" | "service" | "<port spec>"}: a preset name or a custom list.
  std::variant<ScanOrder, Refusal> scan_order_for_ports(const Client& client, std::string_view ports) const;

  // Whether a TCP peer may talk to the server at all (checked when the connection is accepted):
  // a client it would admit, or a trusted proxy.
  bool may_connect(const config::Address& peer) const {
    return config_.allow_clients.contains(peer) || config_.trusted_proxies.contains(peer);
  }

  const PolicyConfig& config() const { return config_; }

 private:
  std::optional<Refusal> check_path(std::string_view path) const;
  std::optional<Refusal> check_headers(const Request& request) const;
  std::variant<config::Address, Refusal> client_address(const Request& request) const;
  std::optional<Refusal> check_host(const Request& request) const;
  std::optional<Refusal> check_origin(const Request& request) const;

  PolicyConfig config_;
};

// True for a field or header name that names a scan target ("target", "X-Scan-Target", "dst",
// "ip_address", ...): compared without case, '-' or '_'.
bool names_a_target(std::string_view name);

}  // namespace portauth::web
