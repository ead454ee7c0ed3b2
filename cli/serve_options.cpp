#include "cli/serve_options.h"

#include <stdexcept>
#include <string>

namespace portauth::cli {
namespace {

constexpr ServeOption kRows[] = {
    {"--listen", "ADDR:PORT",
     "where to listen: ADDR:PORT or [ADDR]:PORT (0.0.0.0:8080 for every IPv4 interface); the port must be below "
     "61000, where scans take their source ports",
     "127.0.0.1:8080"},
    {"--allow-clients", "CIDR",
     "who may use the server (CIDR blocks, repeatable, comma lists); others get 403",
     "127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7"},
    {"--trusted-proxy", "CIDR", "reverse proxies whose X-Forwarded-For / Forwarded say who the client is", "none"},
    {"--server-name", "NAME", "a host name the server answers to besides its addresses and localhost (Host header)",
     "none"},
    {"--max-scans", "N", "scans at once, all clients together", "4"},
    {"--client-rate", "N/s|N/min|N/h", "scans a client may start (N back to back)", "10/min"},
    {"--max-connections", "N", "HTTP connections at once", "512"},
    {"--client-connections", "N", "HTTP connections at once from one address", "32"},
    {"--threads", "N", "event loop threads answering HTTP (0: one per two cores, at least one)", "0"},
    {"--user", "USER", "once listening, run as USER with only CAP_NET_RAW", "$SUDO_USER, else nobody"},
    {"--db", "FILE", "port database file", "$PORTAUTH_DB, then the installed one"},
    {"--rate", "PPS", "each scan's rate ceiling in packets per second, or max", "max"},
    {"--retries", "N", "each scan's extra passes over unanswered ports (0-20)", "2"},
    {"--wait", "SECONDS", "each scan's longest wait for late replies after a pass (0.05-10)", "1"},
    {"--no-service-scan", "",
     "connect to no open port of a visitor: report the SYN scan's answer and the port database's name only", ""},
    {"--service-timeout", "SECONDS",
     "service identification's wait per connection (0.1-30); after a scan it waits at most 5 times this in all",
     "3"},
};

}  // namespace

std::span<const ServeOption> serve_options() { return kRows; }

const ServeOption& serve_option(std::string_view name) {
  for (const auto& row : kRows)
    if (row.name == name) return row;
  throw std::logic_error("serve has no option row for " + std::string(name));
}

}  // namespace portauth::cli
