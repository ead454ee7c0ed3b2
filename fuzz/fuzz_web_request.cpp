// Fuzz harness: what `portauth serve` does with the bytes a client sends, with no socket.
//
// Input: bytes received on a connection. They are framed (web/request_framing.h) and, once a whole
// request, answered as the server does (RequestAnswerer): a POST through cpp-httplib, every other
// method by the event loop's own head reader and reply writer (web/loop_exchange.h); then the
// client policy and the router, with a
// scanner that answers from a table and records whom it was asked to probe. The peer is one of two
// addresses (the input's first byte picks which; one is a trusted proxy).
// Open ports come back with what answers there as service identification would conclude it from
// the bytes after the first request (the real identifiers, service/registry.h, or "unrecognised"
// with them as the banner), so the pages, the JSON and the report render a stranger's service.
// Properties checked (a violation traps): a framed request never claims more bytes than were
// received; every reply starts with a status line; every reply from the router carries the
// Content-Security-Policy; a reply of the event loop's own says its body's length in Content-Length
// (a HEAD's says the GET's and has no body); and any scan probes the client the policy admitted, which without a
// trusted proxy is the peer itself, and through the proxy an address the allow list admits.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/target_spec.h"
#include "db/db_path.h"
#include "service/registry.h"
#include "web/http_server.h"
#include "web/request_framing.h"

using namespace portauth;

namespace {

#define FUZZ_CHECK(cond)           \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

const config::Address kPeer = *config::parse_address("198.18.0.2");
const config::Address kProxy = *config::parse_address("198.18.0.100");

class TableRunner final : public web::ScanRunner {
 public:
  config::Address expected;
  bool via_proxy = false;
  std::shared_ptr<const service::ServiceInfo> answer;  // what answers on every open port
  web::ScanOutcome run(const web::ScanOrder& order, web::ScanEvents& events) override {
    // Probes only the client: the peer, or through the proxy an allowed address.
    if (via_proxy) FUZZ_CHECK(policy_allows(order.target.address()));
    else FUZZ_CHECK(order.target.address() == expected);
    web::ScanOutcome out;
    for (uint16_t p : order.ports) {
      web::PortFinding f;
      f.result.addr = order.target.address();
      f.result.port = p;
      f.result.reason = p % 7 == 0 ? probe::Reason::kSynAck : p % 5 == 0 ? probe::Reason::kRst : probe::Reason::kNoResponse;
      events.port(f);
      if (f.result.reason == probe::Reason::kSynAck) {
        f.service = answer;
        events.service(f);
      }
      out.ports.push_back(f);
    }
    out.summary.trustealth = true;
    return out;
  }
  double expected_seconds(const web::ScanOrder&) const override { return 1; }
  static bool policy_allows(const config::Address& a) {
    static const config::RangeSet allowed = config::parse_targets({"198.18.0.0/15"});
    return allowed.contains(a);
  }
};

struct World {
  db::PortDb db = db::PortDb::load_file(db::resolve_db_path(""));
  web::ClientPolicy policy{[] {
    web::PolicyConfig c;
    c.allow_clients = config::parse_targets({"198.18.0.0/15"});
    c.trusted_proxies = config::parse_targets({"198.18.0.100"});
    return c;
  }()};
  web::ScanGate gate{web::GateConfig{64, 1000000, 1}};
  TableRunner runner;
  web::ReportStore reports{16, 60};
  web::Router router{web::RouterParts{db, policy, gate, runner, reports, nullptr, web::system_clock(), "fuzz"}};
  web::HttpLimits limits;
  web::RequestAnswerer answerer{router, limits};
};

// What identification makes of `bytes` sent by a service.
std::shared_ptr<const service::ServiceInfo> identify(std::string_view bytes) {
  auto s = std::make_shared<service::ServiceInfo>();
  s->probed = true;
  s->banner = std::string(bytes.substr(0, service::kBannerCap));
  if (const auto m = service::match_any(bytes.substr(0, service::kReplyCap))) {
    s->answer = service::Answer::kIdentified;
    s->name = m->id.name;
    s->product = m->id.product;
    s->version = m->id.version;
    s->extrainfo = m->id.extrainfo;
    s->details = m->id.details;
    s->conf = m->id.conf;
  } else {
    s->answer = service::Answer::kUnrecognised;
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* w = new World;
  if (size == 0) return 0;
  const bool proxy = data[0] & 1;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const web::Framing f = web::frame_request(bytes, w->limits);
  if (f.status == web::Framing::kComplete) FUZZ_CHECK(f.total_bytes <= bytes.size() && f.head_bytes <= f.total_bytes);
  w->runner.expected = proxy ? kProxy : kPeer;
  w->runner.via_proxy = proxy;
  w->runner.answer = identify(f.status == web::Framing::kComplete ? bytes.substr(f.total_bytes) : std::string_view());
  const std::string reply = w->answerer.answer(bytes, proxy ? kProxy : kPeer);
  if (f.status == web::Framing::kIncomplete) {
    FUZZ_CHECK(reply.empty());
    return 0;
  }
  FUZZ_CHECK(reply.rfind("HTTP/1.1 ", 0) == 0);
  if (f.status == web::Framing::kComplete && reply.rfind("HTTP/1.1 100 ", 0) != 0) {
    const size_t head_end = reply.find("\r\n\r\n");
    FUZZ_CHECK(head_end != std::string::npos);
    const std::string_view head = std::string_view(reply).substr(0, head_end + 2);
    FUZZ_CHECK(head.find("Content-Security-Policy: default-src 'none'") != std::string_view::npos);
    const size_t cl = head.find("\r\nContent-Length: ");
    if (!f.post && cl != std::string_view::npos) {
      const size_t body = reply.size() - head_end - 4;
      const size_t length = std::stoul(std::string(head.substr(cl + 18, head.find("\r\n", cl + 2) - cl - 18)));
      FUZZ_CHECK(bytes.rfind("HEAD ", 0) == 0 ? body == 0 : body == length);
    }
  }
  return 0;
}
