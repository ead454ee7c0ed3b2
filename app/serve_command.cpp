#include "app/serve_command.h"

#include <signal.h>
#include <sys/capability.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "app/privileges.h"
#include "app/status.h"
#include "cli/serve_options.h"
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

// One option of serve from its row (cli/serve_options.h): the row's help and default.
template <class T>
CLI::Option* add_row(CLI::App* cmd, std::string_view name, T& setting) {
  const cli::ServeOption& row = cli::serve_option(name);
  CLI::Option* o = cmd->add_option(std::string(row.name), setting, std::string(row.help));
  o->type_name(std::string(row.value));
  if (!row.default_text.empty()) o->default_str(std::string(row.default_text));
  return o;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<web::ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "ShieldsUP and the Port Authority as a web service: visitors test their own address");
  add_row(cmd, "--listen", a->listen);
  add_row(cmd, "--allow-clients", a->allow_clients)->delimiter(',');
  add_row(cmd, "--trusted-proxy", a->trusted_proxies)->delimiter(',');
  add_row(cmd, "--server-name", a->server_names)->delimiter(',');
  add_row(cmd, "--max-scans", a->max_scans);
  add_row(cmd, "--client-rate", a->client_rate);
  add_row(cmd, "--max-connections", a->max_connections);
  add_row(cmd, "--client-connections", a->client_connections);
  add_row(cmd, "--threads", a->threads);
  add_row(cmd, "--user", a->user);
  add_row(cmd, "--db", a->db);
  add_row(cmd, "--rate", a->rate);
  add_row(cmd, "--retries", a->retries)->check(CLI::Range(0, 20));
  add_row(cmd, "--wait", a->wait)->check(CLI::Range(0.05, 10.0));
  cmd->add_flag("--no-service-scan", a->no_service_scan, std::string(cli::serve_option("--no-service-scan").help));
  add_row(cmd, "--service-timeout", a->service_timeout);
  // Every row bound, nothing bound without a row: the documents say what the command line does.
  if (cmd->get_options().size() != cli::serve_options().size() + 1)  // + --help
    throw std::logic_error("serve binds " + std::to_string(cmd->get_options().size() - 1) + " options, its table has " +
                           std::to_string(cli::serve_options().size()));
  cmd->callback([a, &exit_code] { exit_code = run(*a); });
}

}  // namespace portauth::app
