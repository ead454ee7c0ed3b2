// What `portauth serve` spends in user space on one request for a Port Authority page: framing the
// bytes, the client policy, the router and the page itself (rendered, or from the page cache), and
// the escaper every page goes through. The whole server under load is scripts/bench_serve.sh.
#include <benchmark/benchmark.h>

#include "config/target_spec.h"
#include "db/db_path.h"
#include "web/html.h"
#include "web/port_pages.h"
#include "web/request_framing.h"
#include "web/router.h"

namespace {

using namespace portauth;

const db::PortDb& database() {
  static const db::PortDb db = db::PortDb::load_file(db::resolve_db_path(""));
  return db;
}

struct NoScans final : web::ScanRunner {
  web::ScanOutcome run(const web::ScanOrder&, web::ScanEvents&) override { return {}; }
  double expected_seconds(const web::ScanOrder&) const override { return 1; }
};

struct Site {
  web::ClientPolicy policy{[] {
    web::PolicyConfig c;
    c.allow_clients = config::parse_targets({"198.18.0.0/15"});
    return c;
  }()};
  web::ScanGate gate{web::GateConfig{}};
  NoScans runner;
  web::ReportStore reports;
  web::Router router{web::RouterParts{database(), policy, gate, runner, reports, nullptr, web::system_clock(), "bench"}};
};

web::Request page_request(uint16_t port) {
  web::Request r;
  r.peer = *config::parse_address("198.18.0.2");
  r.method = "GET";
  r.target = r.path = "/port/" + std::to_string(port);
  r.headers = {{"Host", "198.18.0.1:8080"}, {"User-Agent", "wrk"}};
  return r;
}

void BM_FrameRequest(benchmark::State& state) {
  const std::string bytes = "GET /port/80 HTTP/1.1\r\nHost: 198.18.0.1:8080\r\nUser-Agent: Mozilla/5.0\r\n"
                            "Accept: text/html\r\nAccept-Language: en\r\nConnection: keep-alive\r\n\r\n";
  const web::HttpLimits limits;
  for (auto _ : state) benchmark::DoNotOptimize(web::frame_request(bytes, limits));
}
BENCHMARK(BM_FrameRequest);

void BM_RenderPort80(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(web::port_page_html(database().page(80)));
}
BENCHMARK(BM_RenderPort80);

void BM_RenderEveryPort(benchmark::State& state) {
  uint32_t port = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(web::port_page_html(database().page(uint16_t(port))));
    port = (port + 7919) & 0xffff;
  }
}
BENCHMARK(BM_RenderEveryPort);

void BM_RouterPortPageCached(benchmark::State& state) {
  static Site site;
  const web::Request r = page_request(80);
  for (auto _ : state) benchmark::DoNotOptimize(site.router.handle(r));
}
BENCHMARK(BM_RouterPortPageCached);

void BM_RouterApiPort(benchmark::State& state) {
  static Site site;
  web::Request r = page_request(80);
  r.target = r.path = "/api/port/80";
  for (auto _ : state) benchmark::DoNotOptimize(site.router.handle(r));
}
BENCHMARK(BM_RouterApiPort);

void BM_EscapeProse(benchmark::State& state) {
  const std::string& text = database().page(80).entry.description;
  std::string out;
  for (auto _ : state) {
    out.clear();
    web::append_escaped(out, text);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_EscapeProse);

}  // namespace
