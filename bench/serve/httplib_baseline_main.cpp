// The side-by-side of scripts/bench_serve.sh: the same Router as `portauth serve`, behind
// cpp-httplib's own Server::listen() and its thread pool instead of portauth's event loops.
// GET only (no scans): serve_httplib_baseline ADDRESS PORT [THREADS]
#include <httplib.h>

#include <cstdio>
#include <cstdlib>

#include "config/target_spec.h"
#include "db/db_path.h"
#include "web/router.h"

using namespace portauth;

namespace {
struct NoScans final : web::ScanRunner {
  web::ScanOutcome run(const web::ScanOrder&, web::ScanEvents&) override { return {}; }
  double expected_seconds(const web::ScanOrder&) const override { return 1; }
};
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: serve_httplib_baseline ADDRESS PORT [THREADS]\n");
    return 2;
  }
  const size_t threads = argc > 3 ? size_t(std::atoi(argv[3])) : 256;
  const db::PortDb db = db::PortDb::load_file(db::resolve_db_path(""));
  web::PolicyConfig pc;
  pc.allow_clients = config::parse_targets({"198.18.0.0/15", "127.0.0.0/8"});
  const web::ClientPolicy policy(pc);
  web::ScanGate gate{web::GateConfig{}};
  NoScans runner;
  web::ReportStore reports;
  const web::Router router(web::RouterParts{db, policy, gate, runner, reports, nullptr, web::system_clock(), "baseline"});
  httplib::Server server;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_keep_alive_max_count(100000);
  server.Get("[\\s\\S]*", [&](const httplib::Request& req, httplib::Response& res) {
    web::Request r;
    r.peer = *config::parse_address(req.remote_addr);
    r.method = req.method;
    r.target = req.target;
    r.path = req.target.substr(0, req.target.find('?'));
    for (const auto& [k, v] : req.headers)
      if (k != "REMOTE_ADDR" && k != "REMOTE_PORT" && k != "LOCAL_ADDR" && k != "LOCAL_PORT") r.headers.emplace_back(k, v);
    web::Reply reply = router.handle(r);
    res.status = reply.status;
    for (const auto& [name, value] : web::security_headers()) res.set_header(name, value);
    res.set_content(std::move(reply.body), reply.content_type);
  });
  std::fprintf(stderr, "serve_httplib_baseline: %s:%s, %zu threads\n", argv[1], argv[2], threads);
  return server.listen(argv[1], std::atoi(argv[2])) ? 0 : 1;
}
