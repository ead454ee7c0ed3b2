#include "web/router.h"

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>

#include "db/iana_registry.h"
#include "db/page_render.h"
#include "db/port_search.h"
#include "web/assets.h"
#include "web/page_layout.h"
#include "web/port_pages.h"
#include "web/scan_json.h"
#include "web/scan_pages.h"

namespace portauth::web {
namespace {

constexpr size_t kSearchLimit = 50;
constexpr const char* kJson = "application/json";
constexpr const char* kText = "text/plain; charset=utf-8";

bool is_api(std::string_view path) { return path.starts_with("/api/"); }

// What a log line may show of something the client sent (or a sentence quoting it): printable
// ASCII, at most `limit` bytes.
std::string loggable(std::string_view s, size_t limit = 160) {
  std::string out;
  for (char c : s.substr(0, limit)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > limit) out += "...";
  return out;
}

// "80" -> 80; nullopt for anything but 1-5 digits up to 65535.
std::optional<uint16_t> port_number(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + unsigned(c - '0');
  }
  if (n > 65535) return std::nullopt;
  return uint16_t(n);
}

Reply error_reply(int status, std::string_view why, bool api) {
  Reply r;
  r.status = status;
  if (api) {
    r.content_type = kJson;
    // `why` may quote what the client sent, in any bytes: never a reason to fail (U+FFFD instead).
    r.body = nlohmann::json{{"error", why}, {"status", status}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
             "\n";
  } else {
    r.body = error_page(status, why);
  }
  return r;
}

Reply html(std::string body) {
  Reply r;
  r.body = std::move(body);
  return r;
}

Reply json_reply(const nlohmann::json& j, int status = 200) {
  Reply r;
  r.status = status;
  r.content_type = kJson;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return r;
}

Reply redirect(std::string location) {
  Reply r;
  r.status = 303;
  r.headers.emplace_back("Location", std::move(location));
  r.body = error_page(303, "see the page this points to");
  return r;
}

bool content_type_is(const Request& r, std::string_view want) {
  const std::string ct = r.header("Content-Type");
  return ct.size() >= want.size() && same_name(std::string_view(ct).substr(0, want.size()), want) &&
         (ct.size() == want.size() || ct[want.size()] == ';' || ct[want.size()] == ' ');
}

// Events of a streamed scan, as Server-Sent Events.
class SseEvents final : public ScanEvents {
 public:
  SseEvents(ChunkWriter& out, const db::PortDb& db) : out_(out), db_(db) {}
  void port(const PortFinding& f) override {
    if (open_) open_ = out_.write(sse_event("port", port_json(f, db_)));
  }
  void service(const PortFinding& f) override {
    if (open_) open_ = out_.write(sse_event("service", port_json(f, db_)));
  }

 private:
  ChunkWriter& out_;
  const db::PortDb& db_;
  bool open_ = true;
};

class NoEvents final : public ScanEvents {
 public:
  void port(const PortFinding&) override {}
};

// Runs a scan, logs it in one line and keeps its report for the client. Takes the parts by value
// where a streamed reply calls it: the reply may outlive the Router that made it.
ScanOutcome run_scan(const RouterParts& p, const ScanOrder& order, const Client& client, ScanEvents& events,
                     const std::string& started) {
  ScanOutcome outcome = p.runner.run(order, events);
  if (p.log) p.log(scan_log_line(order, outcome, client, started));
  p.reports.put(client.address, port_authority_report(order, outcome, p.db, started, p.server_label),
                p.clock.steady());
  return outcome;
}

}  // namespace

WebClock system_clock() {
  return {[] { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); },
          [] {
            return int64_t(
                std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                    .count());
          }};
}

Reply Router::handle(const Request& r) const {
  const auto admitted = p_.policy.admit(r);
  if (const auto* refusal = std::get_if<Refusal>(&admitted)) return refused(r, *refusal);
  const Client& client = std::get<Client>(admitted);
  return route(r, client, percent_decode(r.path, false));
}

Reply Router::refused(const Request& r, const Refusal& why) const {
  if (why.log && p_.log)
    p_.log("refused " + std::to_string(why.status) + " client=" + config::format_address(r.peer) + " " +
           loggable(r.method) + " " + loggable(r.path) + ": " + loggable(why.why, 400));
  Reply reply = error_reply(why.status, why.why, is_api(r.path));
  if (why.status == 405) reply.headers.emplace_back("Allow", "GET, HEAD, POST");
  return reply;
}

Reply Router::route(const Request& r, const Client& client, const std::string& path) const {
  const bool get = r.method == "GET" || r.method == "HEAD";
  const bool post = r.method == "POST";
  const bool api = is_api(path);
  const auto no_query = [&]() -> std::optional<Refusal> { return p_.policy.check_fields(r.query, {}, "query"); };
  const auto wrong_method = [&](const char* allow) {
    Reply reply = error_reply(405, std::string("this page takes ") + allow, api);
    reply.headers.emplace_back("Allow", allow);
    return reply;
  };

  // The scans: POST only, nothing after their path (a target has nowhere to hide).
  for (std::string_view scan_path : {"/scan", "/probe", "/api/scan/stream", "/api/scan"}) {
    if (path == scan_path) {
      if (!post) return wrong_method("POST");
      if (auto bad = no_query()) return refused(r, *bad);
      if (scan_path == "/scan" || scan_path == "/probe") return post_form(r, client, scan_path == "/probe");
      return post_api(r, client, scan_path == "/api/scan/stream");
    }
    if (path.starts_with(std::string(scan_path) + "/") && !(scan_path == "/api/scan" && path == "/api/scan/stream"))
      return refused(r, Refusal{400, "a scan takes nothing after its path ('" + loggable(path) +
                                         "'): it only ever probes the address the request comes from"});
  }

  if (!get) {
    if (path == "/" || path == "/port" || path.starts_with("/port/") || path == "/search" ||
        path.starts_with("/api/port/") || path == "/report.txt" || path.starts_with("/static/"))
      return wrong_method("GET, HEAD");
    return error_reply(404, "no such page", api);
  }

  if (path == "/port") return get_port_index(r);
  if (path == "/search") return get_search(r);
  if (auto bad = no_query()) return refused(r, *bad);
  if (path == "/") return html(home_html(client));
  if (path.starts_with("/port/")) return get_port(r, std::string_view(path).substr(6), false);
  if (path.starts_with("/api/port/")) return get_port(r, std::string_view(path).substr(10), true);
  if (path == "/report.txt") return get_report(client);
  if (path == "/static/portauth.css" || path == "/static/portauth.js") {
    Reply reply;
    const bool css = path.ends_with(".css");
    reply.content_type = css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    reply.body = css ? kStyleSheet : kScript;
    reply.headers.emplace_back("Cache-Control", "max-age=300");
    return reply;
  }
  if (path == "/favicon.ico") {
    Reply reply;
    reply.status = 204;
    reply.headers.emplace_back("Cache-Control", "max-age=86400");
    return reply;
  }
  return error_reply(404, "no such page", api);
}

Reply Router::get_port(const Request&, std::string_view number, bool json) const {
  const auto port = port_number(number);
  if (!port) return error_reply(404, "no such port: ports are 0-65535", json);
  if (json) {
    Reply r;
    r.content_type = kJson;
    r.body = json_pages_.get(*port, [&] { return db::page_json(p_.db.page(*port)).dump() + "\n"; });
    return r;
  }
  return html(pages_.get(*port, [&] { return port_page_html(p_.db.page(*port)); }));
}

Reply Router::get_port_index(const Request& r) const {
  if (auto bad = p_.policy.check_fields(r.query, {"n"}, "query")) return refused(r, *bad);
  if (r.query.empty()) return html(port_index_html());
  std::string n = r.param("n");
  while (!n.empty() && n.back() == ' ') n.pop_back();
  while (!n.empty() && n.front() == ' ') n.erase(0, 1);
  const auto port = port_number(n);
  if (!port) {
    Reply reply = html(port_index_html("'" + n.substr(0, 40) + "' is not a port: enter a number from 0 to 65535."));
    reply.status = 400;
    return reply;
  }
  return redirect("/port/" + std::to_string(*port));
}

Reply Router::get_search(const Request& r) const {
  if (auto bad = p_.policy.check_fields(r.query, {"q"}, "query")) return refused(r, *bad);
  std::string q = r.param("q");
  if (q.size() > 200) q.resize(200);
  std::vector<db::SearchHit> hits;
  if (q.find_first_not_of(' ') != std::string::npos) {
    const db::IanaTier& iana = db::system_iana_tier();
    hits = db::search_ports(p_.db, q, iana.registry ? &*iana.registry : nullptr, kSearchLimit);
  }
  return html(search_page_html(q, hits));
}

Reply Router::get_report(const Client& client) const {
  auto text = p_.reports.get(client.address, p_.clock.steady());
  if (!text)
    return error_reply(404, "no test has been run from your address lately: run one, then download its report",
                       false);
  Reply reply;
  reply.content_type = kText;
  reply.body = std::move(*text);
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"port-authority-report.txt\"");
  return reply;
}

Reply Router::post_form(const Request& r, const Client& client, bool probe) const {
  if (!content_type_is(r, "application/x-www-form-urlencoded"))
    return error_reply(415, "send the form as application/x-www-form-urlencoded", false);
  Fields fields;
  if (!parse_form(r.body, fields, 16)) return error_reply(400, "too many form fields", false);
  if (auto bad = p_.policy.check_fields(fields, probe ? std::vector<std::string_view>{"port"}
                                                      : std::vector<std::string_view>{"test", "ports"},
                                        "form"))
    return refused(r, *bad);
  const auto field = [&](std::string_view name) {
    for (const auto& [n, v] : fields)
      if (n == name) return v;
    return std::string();
  };
  const auto test = probe ? std::optional<Test>(Test::kProbe) : parse_test(field("test"));
  if (!test || (*test == Test::kProbe) != probe)
    return error_reply(400, "choose a test: common, service, custom or trustealth", false);
  auto order = p_.policy.scan_order(client, *test, field(probe ? "port" : "ports"));
  if (const auto* bad = std::get_if<Refusal>(&order)) return refused(r, *bad);
  return scan(r, client, std::get<ScanOrder>(std::move(order)), probe ? ScanKind::kProbeHtml : ScanKind::kHtml);
}

Reply Router::post_api(const Request& r, const Client& client, bool stream) const {
  // application/json only: a page on another site cannot send it without the browser asking us
  // first (a CORS preflight, which this server never grants).
  if (!content_type_is(r, "application/json"))
    return error_reply(415, "send a JSON body with Content-Type: application/json, e.g. {\"ports\": \"common\"}", true);
  const nlohmann::json body = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return error_reply(400, "the body is not valid JSON", true);
  if (!body.is_object()) return error_reply(400, "the body must be a JSON object: {\"ports\": \"common\"}", true);
  Fields names;
  for (const auto& item : body.items()) names.emplace_back(item.key(), "");
  if (auto bad = p_.policy.check_fields(names, {"ports"}, "JSON body")) return refused(r, *bad);
  if (!body.contains("ports") || !body["ports"].is_string())
    return error_reply(400, "give \"ports\": \"common\", \"service\" or a port list such as \"22,80,443\"", true);
  auto order = p_.policy.scan_order_for_ports(client, body["ports"].get<std::string>());
  if (const auto* bad = std::get_if<Refusal>(&order)) return refused(r, *bad);
  return scan(r, client, std::get<ScanOrder>(std::move(order)), stream ? ScanKind::kStream : ScanKind::kJson);
}

Reply Router::scan(const Request& r, const Client& client, ScanOrder order, ScanKind kind) const {
  const bool api = kind == ScanKind::kJson || kind == ScanKind::kStream;
  if (auto refused_by_gate = p_.gate.enter(client.address, p_.clock.steady(), p_.runner.expected_seconds(order))) {
    if (p_.log)
      p_.log("refused 429 client=" + config::format_address(client.address) + " " + loggable(r.path) + ": " +
             refused_by_gate->why);
    Reply reply = error_reply(429, refused_by_gate->why, api);
    reply.headers.emplace_back("Retry-After", std::to_string(refused_by_gate->retry_after));
    return reply;
  }
  auto pass = std::make_shared<GatePass>(p_.gate, client.address);

  if (kind == ScanKind::kJson) {
    NoEvents none;
    const std::string started = utc_time(p_.clock.unix_now());
    const ScanOutcome outcome = run_scan(p_, order, client, none, started);
    pass.reset();
    return json_reply(result_json(order, outcome, p_.db, started), outcome.error.empty() ? 200 : 503);
  }

  Reply reply;
  if (kind == ScanKind::kStream) {
    reply.content_type = "text/event-stream; charset=utf-8";
    reply.stream = [p = p_, order, client, pass](ChunkWriter& out) mutable {
      const std::string started = utc_time(p.clock.unix_now());
      out.write(sse_event("begin", begin_json(order)));
      SseEvents events(out, p.db);
      const ScanOutcome outcome = run_scan(p, order, client, events, started);
      pass.reset();
      if (!outcome.error.empty()) out.write(sse_event("error", {{"error", outcome.error}}));
      out.write(sse_event("done", result_json(order, outcome, p.db, started)));
    };
    return reply;
  }
  const bool probe = kind == ScanKind::kProbeHtml;
  reply.stream = [p = p_, order, client, pass, probe](ChunkWriter& out) mutable {
    out.write(probe ? probe_top_html(order) : scan_top_html(order));
    NoEvents none;
    const ScanOutcome outcome = run_scan(p, order, client, none, utc_time(p.clock.unix_now()));
    pass.reset();
    out.write(probe ? probe_bottom_html(order, outcome, p.db) : scan_bottom_html(order, outcome, p.db));
  };
  return reply;
}

}  // namespace portauth::web
