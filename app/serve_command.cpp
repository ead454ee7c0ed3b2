#include "app/serve_command.h"

#include <signal.h>
#include <sys/capability.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "app/privileges.h"
#include "app/status.h"
#include "common/setup_error.h"
#include "config/spec_error.h"
#include "db/iana_registry.h"
#include "db/system_services.h"
#include "web/http_server.h"
#include "web/live_scan_runner.h"
#include "web/router.h"
#include "web/scan_json.h"
#include "web/serve_config.h"

namespace portauth::app {
namespace {

web::HttpServer* g_server = nullptr;
volatile sig_atomic_t g_signals = 0;

void on_signal(int) {
  g_signals = g_signals + 1;
  if (g_signals > 1) _exit(130);  // a second interrupt: now
  if (g_server) g_server->stop();   // one write to a pipe: async-signal-safe
}

bool has_net_raw() {
  if (geteuid() == 0) return true;
  cap_t caps = cap_get_proc();
  if (!caps) return false;
  cap_flag_value_t v = CAP_CLEAR;
  cap_get_flag(caps, CAP_NET_RAW, CAP_PERMITTED, &v);
  cap_free(caps);
  return v == CAP_SET;
}

void log_line(std::string_view line) {
  static std::mutex m;
  const std::string text = "portauth serve: " + web::utc_time(time(nullptr)) + " " + std::string(line) + "\n";
  std::lock_guard lock(m);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

int run(const web::ServeArgs& args) {
  web::ServeConfig config;
  try {
    config = web::make_serve_config(args);
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  auto db = load_port_db(config.db);
  if (!db) return 1;
  // Read the lower tiers of the Port Authority now, before the privilege drop.
  (void)db->page(0);
  (void)db::system_iana_tier();
  (void)db::system_service_name(0, "tcp");

  const web::ClientPolicy policy(config.policy);
  web::ServedServiceScan services;
  services.enabled = config.service_scan;
  services.timeout_seconds = config.service_timeout;
  services.db = db.get();
  web::LiveScanRunner runner(config.pacing, config.listen_port, services);
  try {
    // The pacing options are checked now, on a scan of loopback's common ports, not at the
    // first visitor's.
    const config::Address loopback = config::Address::v4(0x7f000001);
    (void)runner.plan(std::get<web::ScanOrder>(policy.scan_order_for_ports({loopback, loopback, false}, "common")));
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  if (!has_net_raw()) {
    std::fprintf(stderr,
                 "portauth: serve runs scans, which need CAP_NET_RAW: start it as root (it keeps only CAP_NET_RAW "
                 "and becomes --user), or give the binary the capability (sudo scripts/setcap.sh)\n");
    return 2;
  }

  web::ScanGate gate(config.gate);
  web::ReportStore reports;
  const web::Router router(web::RouterParts{*db, policy, gate, runner, reports, log_line, web::system_clock(),
                                            config.listen_address + ":" + std::to_string(config.listen_port)});
  web::HttpServer server(router, config.limits,
                         [&policy](const config::Address& peer) { return policy.may_connect(peer); }, config.threads);
  try {
    server.listen(config.listen_address, config.listen_port);
    // The socket and the database are open: from here on, an ordinary user with CAP_NET_RAW only.
    drop_privileges(drop_target_user(config.user));
  } catch (const common::SetupError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 2;
  }
  g_server = &server;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  log_line(web::describe_serve_config(config));
  server.run();
  g_server = nullptr;
  log_line("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<web::ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "ShieldsUP and the Port Authority as a web service: visitors test their own address");
  cmd->add_option("--listen", a->listen, "where to listen: ADDR:PORT or [ADDR]:PORT (0.0.0.0:8080 for every IPv4 interface)")
      ->capture_default_str();
  cmd->add_option("--allow-clients", a->allow_clients,
                  "who may use the server (CIDR blocks, comma lists; default: 127.0.0.0/8, ::1, 10.0.0.0/8, "
                  "172.16.0.0/12, 192.168.0.0/16, fc00::/7); others get 403")
      ->delimiter(',');
  cmd->add_option("--trusted-proxy", a->trusted_proxies,
                  "reverse proxies whose X-Forwarded-For / Forwarded say who the client is (CIDR blocks; default: none)")
      ->delimiter(',');
  cmd->add_option("--server-name", a->server_names,
                  "a host name the server answers to besides its addresses and localhost (Host header)")
      ->delimiter(',');
  cmd->add_option("--max-scans", a->max_scans, "scans at once, all clients together")->capture_default_str();
  cmd->add_option("--client-rate", a->client_rate, "scans a client may start: N/s, N/min or N/h (N back to back)")
      ->capture_default_str();
  cmd->add_option("--max-connections", a->max_connections, "HTTP connections at once")->capture_default_str();
  cmd->add_option("--client-connections", a->client_connections, "HTTP connections at once from one address")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "event loop threads answering HTTP (0: one per core)")->capture_default_str();
  cmd->add_option("--user", a->user, "once listening, run as USER with only CAP_NET_RAW (default: $SUDO_USER, else nobody)");
  cmd->add_option("--db", a->db, "port database file (default: $PORTAUTH_DB, then the installed one)");
  cmd->add_option("--rate", a->rate, "each scan's rate ceiling in packets per second, or max")->capture_default_str();
  cmd->add_option("--retries", a->retries, "each scan's extra passes over unanswered ports")
      ->check(CLI::Range(0, 20))
      ->capture_default_str();
  cmd->add_option("--wait", a->wait, "each scan's longest wait for late replies after a pass, in seconds")
      ->check(CLI::Range(0.05, 10.0))
      ->capture_default_str();
  cmd->add_flag("--no-service-scan", a->no_service_scan,
               "connect to no open port of a visitor: report the SYN scan's answer and the port database's name only");
  cmd->add_option("--service-timeout", a->service_timeout,
                  "service identification's wait per connection, in seconds (at most 5 times it in all after a scan)")
      ->capture_default_str();
  cmd->callback([a, &exit_code] { exit_code = run(*a); });
}

}  // namespace portauth::app
