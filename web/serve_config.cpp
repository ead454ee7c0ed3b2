#include "web/serve_config.h"

#include <cstdio>

#include "config/range_set.h"
#include "config/spec_error.h"
#include "config/target_spec.h"

namespace portauth::web {
namespace {

config::RangeSet blocks(const std::vector<std::string>& specs, const char* option) {
  try {
    return config::parse_targets(specs);
  } catch (const config::SpecError& e) {
    throw config::SpecError(std::string(option) + ": " + e.what());
  }
}

// "10.0.0.0/8" for a range that is one CIDR block, "A-B" for any other.
std::string describe(const config::AddressRange& r) {
  const config::Uint128 size = r.size();
  const bool power_of_two = size != 0 && (size & (size - 1)) == 0;
  if (r.first == r.last) return config::format_address(r.first);
  if (power_of_two && (r.first.value & (size - 1)) == 0) {
    int bits = 0;
    while ((config::Uint128{1} << bits) < size) ++bits;
    const int prefix = (r.first.is_v4() ? 32 : 128) - bits;
    if (prefix >= 0) return config::format_address(r.first) + "/" + std::to_string(prefix);
  }
  return config::format_address(r.first) + "-" + config::format_address(r.last);
}

std::string describe(const config::RangeSet& set) {
  std::string out;
  for (const auto& r : set.ranges()) out += (out.empty() ? "" : ", ") + describe(r);
  return out.empty() ? "none" : out;
}

// "3", "0.5": a number of seconds as typed.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::pair<std::string, uint16_t> parse_listen(const std::string& text) {
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find("]:");
    if (close == std::string::npos) throw config::SpecError("--listen: write an IPv6 address as [ADDR]:PORT");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon)
      throw config::SpecError("--listen: give ADDR:PORT, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::]:8080");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (!config::parse_address(host)) throw config::SpecError("--listen: '" + host + "' is not an IP address");
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535)
    throw config::SpecError("--listen: '" + port + "' is not a port (0-65535)");
  const auto p = uint16_t(std::stoul(port));
  // Scans send from source ports above 61000 and must see the replies to them: the server's own
  // port there would hide them from the capture, which leaves out the visitors' HTTP traffic.
  if (p >= 61000)
    throw config::SpecError("--listen: port " + port +
                            " is in 61000-65535, where portauth's scans take their source ports; pick a lower one");
  return {host, p};
}

ServeConfig make_serve_config(const ServeArgs& a) {
  ServeConfig c;
  std::tie(c.listen_address, c.listen_port) = parse_listen(a.listen);
  if (!a.allow_clients.empty()) c.policy.allow_clients = blocks(a.allow_clients, "--allow-clients");
  c.policy.trusted_proxies = blocks(a.trusted_proxies, "--trusted-proxy");
  for (const std::string& name : a.server_names) {
    if (name.empty() || name.size() > 253 || name.find_first_of(" /:[]@") != std::string::npos)
      throw config::SpecError("--server-name: '" + name + "' is not a host name");
    c.policy.server_names.push_back(name);
  }
  if (a.max_scans == 0 || a.max_scans > 64) throw config::SpecError("--max-scans: give 1-64");
  c.gate.max_scans = a.max_scans;
  const auto rate = parse_client_rate(a.client_rate, c.gate);
  if (!rate) throw config::SpecError("--client-rate: give N/s, N/min or N/h with N at least 1, e.g. 10/min");
  c.gate = *rate;
  if (a.max_connections == 0 || a.max_connections > 8192)
    throw config::SpecError("--max-connections: give 1-8192");
  if (a.client_connections == 0 || a.client_connections > a.max_connections)
    throw config::SpecError("--client-connections: give 1 to --max-connections");
  c.limits.max_connections = a.max_connections;
  c.limits.max_client_connections = a.client_connections;
  if (a.threads > 64) throw config::SpecError("--threads: give 1-64 (or 0: one per two cores)");
  c.threads = a.threads;
  c.pacing.rate = a.rate;
  c.pacing.retries = a.retries;
  c.pacing.wait_seconds = a.wait;
  c.pacing.db = a.db;
  if (!(a.service_timeout >= 0.1 && a.service_timeout <= 30))
    throw config::SpecError("--service-timeout: give 0.1-30 seconds");
  c.service_scan = !a.no_service_scan;
  c.service_timeout = a.service_timeout;
  c.user = a.user;
  c.db = a.db;
  return c;
}

std::string describe_serve_config(const ServeConfig& c) {
  const bool v6 = c.listen_address.find(':') != std::string::npos;
  return "listening on http://" + (v6 ? "[" + c.listen_address + "]" : c.listen_address) + ":" +
         std::to_string(c.listen_port) + "/; clients: " + describe(c.policy.allow_clients) +
         "; trusted proxies: " + describe(c.policy.trusted_proxies) + "; " + std::to_string(c.gate.max_scans) +
         " scans at once, " + std::to_string(c.gate.burst) + " per " + std::to_string(int(c.gate.period)) +
         " s per client; " +
         (c.service_scan ? "services identified (" + number(c.service_timeout) + " s per connection)"
                         : "no service identification");
}

}  // namespace portauth::web
