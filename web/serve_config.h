// `portauth serve`'s options, as typed, and the validated configuration they make. The command
// line (app/serve_command.cpp) fills ServeArgs; make_serve_config() checks everything before a
// socket is opened and throws config::SpecError naming the option and what is wrong.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "config/scan_options.h"
#include "web/client_policy.h"
#include "web/http_limits.h"
#include "web/scan_gate.h"

namespace portauth::web {

inline constexpr const char* kDefaultListen = "127.0.0.1:8080";

struct ServeArgs {
  std::string listen = kDefaultListen;
  std::vector<std::string> allow_clients;   // empty: PolicyConfig::default_allow_clients()
  std::vector<std::string> trusted_proxies;
  std::vector<std::string> server_names;
  unsigned max_scans = 4;
  std::string client_rate = "10/min";
  size_t max_connections = 512;
  size_t client_connections = 32;
  unsigned threads = 0;  // event loops (0: one per two cores, at least one)
  std::string user;  // "" = $SUDO_USER, else nobody
  std::string db;
  // The scans' pacing (the scan options of the same names).
  std::string rate = "max";
  int retries = 2;
  double wait = 1.0;
  // Service identification of the visitor's open ports (web/visitor_services.h).
  bool no_service_scan = false;
  double service_timeout = 3.0;  // seconds, per connection
};

struct ServeConfig {
  std::string listen_address;  // "127.0.0.1", "::"
  uint16_t listen_port = 8080;
  PolicyConfig policy;
  GateConfig gate;
  HttpLimits limits;
  unsigned threads = 0;
  config::ScanOptions pacing;  // rate, retries, wait (targets and ports are set per scan)
  bool service_scan = true;    // identify what answers on the visitor's open ports
  double service_timeout = 3.0;
  std::string user;
  std::string db;
};

// "ADDR:PORT" or "[V6]:PORT" -> (address text, port). Throws config::SpecError.
std::pair<std::string, uint16_t> parse_listen(const std::string& text);

ServeConfig make_serve_config(const ServeArgs& args);

// One line for the log when the server starts: where it listens, who may use it.
std::string describe_serve_config(const ServeConfig& c);

}  // namespace portauth::web
