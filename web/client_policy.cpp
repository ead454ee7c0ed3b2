#include "web/client_policy.h"

#include <algorithm>
#include <array>

#include "config/port_spec.h"
#include "config/presets.h"
#include "config/spec_error.h"
#include "config/target_spec.h"
#include "web/forwarded.h"

namespace portauth::web {
namespace {

constexpr size_t kMaxPortsText = 512;  // a custom list of 64 ports written out in full fits

// Lower case without '-', '_', '.' and spaces: "X-Scan_Target" -> "xscantarget".
std::string fold(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.' || c == ' ') continue;
    out += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  }
  return out;
}

bool in(std::string_view word, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// Header names that name a target, folded. Forwarding headers are not here: they are ignored
// unless a trusted proxy sent them. The last four are the names cpp-httplib files the peer
// under: a client sending them is trying to pass for another address.
bool header_names_a_target(std::string_view name) {
  return in(fold(name), {"target", "xtarget", "scantarget", "xscantarget", "targethost", "xtargethost",
                         "remoteaddr", "remoteport", "localaddr", "localport", "xremoteaddr"});
}

// "host:port", "[v6]:port", "[v6]", "host": the host part and the port ("" when none).
std::pair<std::string_view, std::string_view> split_authority(std::string_view s) {
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return {s, {}};
    const std::string_view rest = s.substr(close + 1);
    return {s.substr(1, close - 1), rest.size() > 1 && rest.front() == ':' ? rest.substr(1) : std::string_view{}};
  }
  const size_t colon = s.find(':');
  if (colon != std::string_view::npos && s.find(':', colon + 1) == std::string_view::npos)
    return {s.substr(0, colon), s.substr(colon + 1)};
  return {s, {}};
}

// A path segment that is an address, a block or a range of them ("10.0.0.1", "10.0.0.1:80",
// "[2001:db8::1]", "10.0.0.1-9"), as the target grammar reads it.
bool segment_names_an_address(std::string_view seg) {
  // Every address, block and range has a '.' or a ':' and nothing but hex digits and
  // . : / - [ ] % around it; most segments fail that at once, without the grammar (and its
  // exceptions) on every request.
  if (seg.empty() || seg.find_first_of(".:") == std::string_view::npos ||
      seg.find_first_not_of("0123456789abcdefABCDEF.:/-[]%") != std::string_view::npos)
    return false;
  std::string_view host = split_authority(seg).first;
  for (std::string_view candidate : {seg, host}) {
    if (config::parse_address(candidate)) return true;
    try {
      (void)config::parse_target(candidate);
      return true;
    } catch (const config::SpecError&) {
    }
  }
  return false;
}

std::string folded_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  return out;
}

}  // namespace

bool names_a_target(std::string_view name) {
  return in(fold(name), {"target",     "targets",    "targetip",   "targethost", "targetaddr", "targetaddress",
                         "scantarget", "xtarget",    "xscantarget", "host",      "hosts",      "hostname",
                         "ip",         "ips",        "ipaddr",     "ipaddress",  "ipv4",       "ipv6",
                         "addr",       "address",    "addresses",  "dst",        "dest",       "destination",
                         "to",         "peer",       "client",     "clientip",   "remote",     "remoteaddr",
                         "remoteip",   "remotehost", "victim",     "server",     "url",        "uri",
                         "cidr",       "subnet",     "network",    "net"});
}

config::RangeSet PolicyConfig::default_allow_clients() {
  return config::parse_targets({"127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"});
}

std::string_view test_name(Test test) {
  switch (test) {
    case Test::kCommon: return "common";
    case Test::kService: return "service";
    case Test::kCustom: return "custom";
    case Test::kTrustealth: return "trustealth";
    case Test::kProbe: return "probe";
  }
  return "common";
}

std::string_view test_title(Test test) {
  switch (test) {
    case Test::kCommon: return "Common Ports";
    case Test::kService: return "All Service Ports";
    case Test::kCustom: return "Custom Port Probe";
    case Test::kTrustealth: return "TruStealth Analysis";
    case Test::kProbe: return "Probe Port";
  }
  return "Common Ports";
}

std::optional<Test> parse_test(std::string_view name) {
  for (Test t : {Test::kCommon, Test::kService, Test::kCustom, Test::kTrustealth, Test::kProbe})
    if (test_name(t) == name) return t;
  return std::nullopt;
}

std::variant<Client, Refusal> ClientPolicy::admit(const Request& r) const {
  if (r.method != "GET" && r.method != "HEAD" && r.method != "POST")
    return Refusal{405, "method " + r.method + " is not served here (GET, HEAD and POST are)", false};
  if (auto refused = check_path(r.path)) return *refused;
  if (auto refused = check_headers(r)) return *refused;
  for (const auto& [name, value] : r.query)
    if (names_a_target(name))
      return Refusal{400, "the query names a target ('" + name +
                              "'): a scan here only ever probes the address the request comes from"};
  auto address = client_address(r);
  if (auto* refused = std::get_if<Refusal>(&address)) return *refused;
  Client client;
  client.peer = r.peer;
  client.address = std::get<config::Address>(address);
  client.via_proxy = client.address != r.peer;
  if (!config_.allow_clients.contains(client.address))
    return Refusal{403, "the address " + config::format_address(client.address) +
                            " may not use this server (it serves the networks given with --allow-clients)"};
  if (auto refused = check_host(r)) return *refused;
  if (r.method == "POST")
    if (auto refused = check_origin(r)) return *refused;
  return client;
}

std::optional<Refusal> ClientPolicy::check_path(std::string_view path) const {
  if (path.empty() || path.front() != '/') return Refusal{400, "the path must start with '/'"};
  const std::string decoded = percent_decode(path, false);
  for (unsigned char c : decoded)
    if (c < 0x20 || c == 0x7f || c == '\\') return Refusal{400, "the path holds a control character or a backslash"};
  // Segments of the decoded path: an encoded '/' (%2F) splits too.
  size_t pos = 1;
  while (pos <= decoded.size()) {
    size_t end = decoded.find('/', pos);
    if (end == std::string::npos) end = decoded.size();
    const std::string_view seg = std::string_view(decoded).substr(pos, end - pos);
    const bool last = end == decoded.size();
    if (seg.empty() && !last) return Refusal{400, "the path has an empty segment ('//')"};
    if (seg == "." || seg == "..") return Refusal{400, "the path has a '" + std::string(seg) + "' segment"};
    if (segment_names_an_address(seg))
      return Refusal{400, "the path names an address ('" + std::string(seg) +
                              "'): a scan here only ever probes the address the request comes from"};
    pos = end + 1;
  }
  return std::nullopt;
}

std::optional<Refusal> ClientPolicy::check_headers(const Request& r) const {
  for (const auto& [name, value] : r.headers)
    if (header_names_a_target(name))
      return Refusal{400, "the header '" + name +
                              "' names a target: a scan here only ever probes the address the request comes from"};
  return std::nullopt;
}

std::variant<config::Address, Refusal> ClientPolicy::client_address(const Request& r) const {
  // Forwarding headers from anyone but a trusted proxy are never read.
  if (!config_.trusted_proxies.contains(r.peer)) return r.peer;
  std::vector<std::string> xff, fwd;
  for (const auto& [name, value] : r.headers) {
    if (same_name(name, "X-Forwarded-For")) xff.push_back(value);
    if (same_name(name, "Forwarded")) fwd.push_back(value);
  }
  if (xff.empty() && fwd.empty()) return r.peer;
  const std::string proxy = config::format_address(r.peer);
  std::optional<config::Address> from_xff, from_fwd;
  for (auto [lines, header, out] : {std::tuple{&xff, "X-Forwarded-For", &from_xff},
                                    std::tuple{&fwd, "Forwarded", &from_fwd}}) {
    if (lines->empty()) continue;
    const auto hops = header == std::string_view("Forwarded") ? parse_forwarded(*lines) : parse_x_forwarded_for(*lines);
    if (!hops) return Refusal{400, std::string("malformed ") + header + " header from the proxy at " + proxy};
    *out = client_from_chain(*hops, config_.trusted_proxies);
    if (!*out)
      return Refusal{400, std::string("the ") + header + " chain from the proxy at " + proxy +
                              " does not say who the client is"};
  }
  if (from_xff && from_fwd && *from_xff != *from_fwd)
    return Refusal{400, "X-Forwarded-For (" + config::format_address(*from_xff) + ") and Forwarded (" +
                            config::format_address(*from_fwd) + ") name different clients"};
  return from_xff ? *from_xff : *from_fwd;
}

std::optional<Refusal> ClientPolicy::check_host(const Request& r) const {
  const size_t count = r.header_count("Host");
  if (count > 1) return Refusal{400, "more than one Host header"};
  if (count == 0) return std::nullopt;  // HTTP/1.0: no name to check
  const std::string value = r.header("Host");
  const std::string host = folded_lower(split_authority(value).first);
  if (config::parse_address(host) || host == "localhost") return std::nullopt;
  for (const std::string& name : config_.server_names)
    if (folded_lower(name) == host) return std::nullopt;
  return Refusal{421, "this server does not answer to the name '" + value +
                          "': use its address, or start it with --server-name NAME"};
}

std::optional<Refusal> ClientPolicy::check_origin(const Request& r) const {
  if (r.header_count("Origin") == 0) return std::nullopt;  // not from a browser's cross-site form
  const std::string origin = r.header("Origin");
  std::string_view rest = origin;
  int default_port = 0;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
    default_port = 80;
  } else if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
    default_port = 443;
  }
  const auto [origin_host, origin_port_text] = split_authority(rest);
  const std::string host_header = r.header("Host");
  const auto [host, host_port_text] = split_authority(host_header);
  const std::string origin_port = origin_port_text.empty() ? std::to_string(default_port) : std::string(origin_port_text);
  const bool same_host = default_port != 0 && folded_lower(origin_host) == folded_lower(host);
  const bool same_port = host_port_text.empty() ? (origin_port == "80" || origin_port == "443")
                                                : origin_port == host_port_text;
  if (same_host && same_port) return std::nullopt;
  return Refusal{403, "a request from another site ('" + origin + "') may not start a scan here"};
}

std::optional<Refusal> ClientPolicy::check_fields(const Fields& fields, const std::vector<std::string_view>& allowed,
                                                  std::string_view where) const {
  std::vector<std::string_view> seen;
  for (const auto& [name, value] : fields) {
    if (names_a_target(name) && std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      return Refusal{400, "the " + std::string(where) + " names a target ('" + name +
                              "'): a scan here only ever probes the address the request comes from"};
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      return Refusal{400, "unknown field '" + name + "' in the " + std::string(where)};
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      return Refusal{400, "'" + name + "' is given twice in the " + std::string(where)};
    seen.push_back(name);
  }
  return std::nullopt;
}

std::variant<ScanOrder, Refusal> ClientPolicy::scan_order(const Client& client, Test test,
                                                          std::string_view ports) const {
  ScanOrder order{ScanTarget(client.address), test, {}};
  switch (test) {
    case Test::kCommon:
    case Test::kTrustealth: order.ports = config::preset_ports("common"); break;
    case Test::kService: order.ports = config::preset_ports("service"); break;
    case Test::kProbe: {
      const bool digits = !ports.empty() && ports.size() <= 5 &&
                          std::all_of(ports.begin(), ports.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits || std::stoul(std::string(ports)) > 65535)
        return Refusal{400, "give one port number, 0-65535", false};
      order.ports = {uint16_t(std::stoul(std::string(ports)))};
      break;
    }
    case Test::kCustom: {
      if (ports.size() > kMaxPortsText) return Refusal{400, "the port list is too long", false};
      if (ports.find_first_not_of(" ") == std::string_view::npos)
        return Refusal{400, "give the ports to probe, e.g. 22,80,443 or 8000-8010", false};
      std::string spec;
      for (char c : ports)
        if (c != ' ') spec += c;
      if (spec.find_first_of(".:") != std::string::npos)  // "198.51.100.7", "[::1]:80"
        return Refusal{400, "the port list names an address: a scan here only ever probes the address the "
                            "request comes from"};
      try {
        order.ports = config::parse_ports(spec);
      } catch (const config::SpecError& e) {
        return Refusal{400, std::string("bad port list: ") + e.what(), false};
      }
      if (order.ports.size() > kMaxCustomPorts)
        return Refusal{400, "a custom list holds at most " + std::to_string(kMaxCustomPorts) + " ports (" +
                                std::to_string(order.ports.size()) + " given); the service test covers 0-1055",
                       false};
      break;
    }
  }
  return order;
}

std::variant<ScanOrder, Refusal> ClientPolicy::scan_order_for_ports(const Client& client,
                                                                    std::string_view ports) const {
  if (ports == "common") return scan_order(client, Test::kCommon, {});
  if (ports == "service") return scan_order(client, Test::kService, {});
  return scan_order(client, Test::kCustom, ports);
}

}  // namespace portauth::web
