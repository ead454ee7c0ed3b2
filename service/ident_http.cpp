// HTTP/1.x (RFC 9110, RFC 9112): we send one GET / and read the status, the Server header and
// the page's title. Well-known APIs are recognised by their own answer to that GET: the Docker
// Engine API (its Api-Version and Server: Docker headers), the Kubernetes API server (a v1
// Status object), Elasticsearch and OpenSearch (their root JSON, X-elastic-product), Prometheus
// (its redirect to the expression browser, or its title).
#include <array>

#include "service/families.h"
#include "service/http_response.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

// The string value of "key" in a JSON text, read without a parser (a banner, not a document):
// "" when absent or not a string. At most 80 bytes.
std::string json_string(std::string_view body, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\"";
  const size_t at = body.find(quoted);
  if (at == std::string_view::npos) return {};
  std::string_view rest = body.substr(at + quoted.size());
  while (!rest.empty() && (rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r' || rest[0] == '\n')) rest.remove_prefix(1);
  if (rest.empty() || rest[0] != ':') return {};
  rest.remove_prefix(1);
  while (!rest.empty() && (rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r' || rest[0] == '\n')) rest.remove_prefix(1);
  if (rest.empty() || rest[0] != '"') return {};
  rest.remove_prefix(1);
  const size_t end = rest.find('"');
  if (end == std::string_view::npos) return {};
  return text::printable(rest.substr(0, end), 80);
}

// Status, Server and title: what every HTTP rule reports.
void common(const HttpResponse& r, Identified& o) {
  o.add_detail("status", std::to_string(r.status));
  if (const auto server = r.header("Server"); !server.empty()) o.add_detail("server", text::printable(server, 120));
  if (const auto title = r.title(); !title.empty()) o.add_detail("title", title);
}

// "nginx/1.22.1", "Apache/2.4.57 (Debian)", "Microsoft-IIS/10.0", "lighttpd/1.4.69".
struct ServerProduct {
  std::string_view token, product;
};
constexpr ServerProduct kServers[] = {
    {"nginx", "nginx"},           {"Apache", "Apache httpd"},    {"lighttpd", "lighttpd"},
    {"Microsoft-IIS", "Microsoft IIS httpd"}, {"Caddy", "Caddy"}, {"openresty", "OpenResty"},
    {"LiteSpeed", "LiteSpeed httpd"}, {"gunicorn", "gunicorn"},  {"Jetty", "Jetty"},
    {"Werkzeug", "Werkzeug httpd"}, {"SimpleHTTP", "SimpleHTTPServer"}, {"Kestrel", "Kestrel httpd"},
    {"Tengine", "Tengine"},        {"thttpd", "thttpd"},          {"mini_httpd", "mini_httpd"},
    {"Boa", "Boa httpd"},           {"uvicorn", "uvicorn"},        {"Apache-Coyote", "Apache Tomcat/Coyote JSP engine"},
};

bool with_response(std::string_view b, Identified& o, bool (*rule)(const HttpResponse&, Identified&)) {
  const auto r = parse_http_response(b);
  if (!r || !rule(*r, o)) return false;
  common(*r, o);
  return true;
}

const std::array<Rule, 6> kRules = {{
    {"http.docker", "http",
     [](std::string_view b, Identified& res) {
       return with_response(b, res, [](const HttpResponse& r, Identified& o) {
         const auto server = r.header("Server");
         if (!text::starts_with(server, "Docker/") && r.header("Docker-Experimental").empty()) return false;
         o.product = "Docker Engine API";
         o.version = std::string(text::version_token(server.substr(server.find('/') + 1)));
         if (const auto api = r.header("Api-Version"); !api.empty()) o.extrainfo = "API " + text::printable(api, 12);
         if (text::icontains(r.header("Ostype"), "linux")) o.ostype = "Linux";
         return true;
       });
     },
     {{"HTTP/1.1 404 Not Found\r\nApi-Version: 1.43\r\nContent-Type: application/json\r\nDocker-Experimental: false\r\n"
       "Ostype: linux\r\nServer: Docker/24.0.5 (linux)\r\nDate: Mon, 07 Dec 2026 00:50:41 GMT\r\nContent-Length: 29\r\n"
       "\r\n{\"message\":\"page not found\"}\n"sv,
       "Docker Engine API", "24.0.5", "API 1.43", "dockerd 24.0.5 answering GET /"}}},
    {"http.kubernetes", "http",
     [](std::string_view b, Identified& res) {
       return with_response(b, res, [](const HttpResponse& r, Identified& o) {
         if (json_string(r.body, "kind") != "Status" || json_string(r.body, "apiVersion") != "v1") return false;
         o.product = "Kubernetes API server";
         if (const auto reason = json_string(r.body, "reason"); !reason.empty()) o.extrainfo = reason;
         return true;
       });
     },
     {{"HTTP/1.1 401 Unauthorized\r\nAudit-Id: 6d5c0a8e-1f6b-4f1f-9a3e-0f7d2c7a9b11\r\nCache-Control: no-cache, private\r\n"
       "Content-Type: application/json\r\nContent-Length: 157\r\n\r\n{\"kind\":\"Status\",\"apiVersion\":\"v1\","
       "\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n"sv,
       "Kubernetes API server", "", "Unauthorized", "kube-apiserver 1.28 with anonymous auth off"},
      {"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n\r\n{\n  \"kind\": \"Status\",\n  \"apiVersion\": "
       "\"v1\",\n  \"metadata\": {},\n  \"status\": \"Failure\",\n  \"message\": \"forbidden: User "
       "\\\"system:anonymous\\\" cannot get path \\\"/\\\"\",\n  \"reason\": \"Forbidden\",\n  \"code\": 403\n}"sv,
       "Kubernetes API server", "", "Forbidden", "kube-apiserver with anonymous auth on"}}},
    {"http.elasticsearch", "http",
     [](std::string_view b, Identified& res) {
       return with_response(b, res, [](const HttpResponse& r, Identified& o) {
         const std::string tagline = json_string(r.body, "tagline");
         const bool opensearch = text::icontains(tagline, "OpenSearch");
         if (tagline != "You Know, for Search" && !opensearch && r.header("X-elastic-product") != "Elasticsearch")
           return false;
         o.product = opensearch ? "OpenSearch" : "Elasticsearch REST API";
         o.version = std::string(text::version_token(json_string(r.body, "number")));
         if (const auto cluster = json_string(r.body, "cluster_name"); !cluster.empty()) o.extrainfo = "cluster " + cluster;
         return true;
       });
     },
     {{"HTTP/1.1 200 OK\r\nX-elastic-product: Elasticsearch\r\ncontent-type: application/json\r\ncontent-length: 541\r\n\r\n"
       "{\n  \"name\" : \"es01\",\n  \"cluster_name\" : \"docker-cluster\",\n  \"cluster_uuid\" : \"Zq3sT5bGQ2ab\",\n"
       "  \"version\" : {\n    \"number\" : \"8.11.1\",\n    \"build_flavor\" : \"default\"\n  },\n"
       "  \"tagline\" : \"You Know, for Search\"\n}\n"sv,
       "Elasticsearch REST API", "8.11.1", "cluster docker-cluster", "Elasticsearch 8.11 with security off"},
      {"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"security\" charset=\"UTF-8\"\r\n"
       "X-elastic-product: Elasticsearch\r\ncontent-type: application/json\r\n\r\n{\"error\":{}}"sv,
       "Elasticsearch REST API", "", "", "Elasticsearch 8 with security on"},
      {"HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n{\n  \"name\" : \"os1\",\n"
       "  \"cluster_name\" : \"opensearch\",\n  \"version\" : {\n    \"distribution\" : \"opensearch\",\n"
       "    \"number\" : \"2.11.0\"\n  },\n  \"tagline\" : \"The OpenSearch Project: https://opensearch.org/\"\n}\n"sv,
       "OpenSearch", "2.11.0", "cluster opensearch", "OpenSearch 2.11"}}},
    {"http.prometheus", "http",
     [](std::string_view b, Identified& res) {
       return with_response(b, res, [](const HttpResponse& r, Identified& o) {
         const auto location = r.header("Location");
         const bool redirect = (r.status == 302 || r.status == 301) && (location == "/graph" || location == "/query");
         if (!redirect && !text::icontains(r.title(), "Prometheus")) return false;
         o.product = "Prometheus";
         if (redirect) o.conf = 8;
         return true;
       });
     },
     {{"HTTP/1.1 302 Found\r\nContent-Type: text/html; charset=utf-8\r\nLocation: /graph\r\nDate: Mon, 07 Dec 2026 "
       "00:50:41 GMT\r\nContent-Length: 29\r\n\r\n<a href=\"/graph\">Found</a>.\n\n"sv,
       "Prometheus", "", "", "Prometheus 2.45 answering GET /"},
      {"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<!doctype html><html><head><title>Prometheus Time "
       "Series Collection and Processing Server</title></head></html>"sv,
       "Prometheus", "", "", "Prometheus web UI page"}}},
    {"http.server-header", "http",
     [](std::string_view b, Identified& res) {
       return with_response(b, res, [](const HttpResponse& r, Identified& o) {
         const std::string_view server = r.header("Server");
         if (server.empty()) return false;
         const std::string_view token = server.substr(0, server.find_first_of("/ "));
         o.product = text::printable(token, 60);
         for (const auto& s : kServers)
           if (token.size() == s.token.size() && text::istarts_with(token, s.token)) o.product = std::string(s.product);
         if (const size_t slash = server.find('/'); slash != std::string_view::npos && slash == token.size())
           o.version = std::string(text::version_token(server.substr(slash + 1)));
         // "Apache/2.4.57 (Debian)": the parenthesised part is what the server adds about itself.
         if (const size_t open = server.find('('); open != std::string_view::npos) {
           const size_t close = server.find(')', open);
           if (close != std::string_view::npos) o.extrainfo = text::printable(server.substr(open + 1, close - open - 1), 60);
         }
         return true;
       });
     },
     {{"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 07 Dec 2026 00:50:41 GMT\r\nContent-Type: text/html\r\n"
       "Content-Length: 129\r\nConnection: close\r\n\r\n<!DOCTYPE html>\n<html><head><title>portauth daemon lab"
       "</title></head>"sv,
       "nginx", "1.22.1", "", "Debian 12 nginx 1.22.1 (the daemon lab)"},
      {"HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\nContent-Length: 157\r\n"
       "Connection: close\r\n\r\n<html>\r\n<head><title>400 Bad Request</title></head>\r\n"sv,
       "nginx", "1.22.1", "", "nginx answering a TLS ClientHello on a plain port (the daemon lab)"},
      {"HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 00:50:41 GMT\r\nServer: Apache/2.4.57 (Debian)\r\n\r\n"sv,
       "Apache httpd", "2.4.57", "Debian", "Debian 12 apache2"},
      {"HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\n\r\n"sv, "Microsoft IIS httpd", "10.0", "", "Windows IIS 10"},
      {"HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\n\r\n"sv, "SimpleHTTPServer", "0.6", "",
       "python3 -m http.server"}}},
    {"http.generic", "http",
     [](std::string_view b, Identified& res) {
       return with_response(b, res, [](const HttpResponse&, Identified&) { return true; });
     },
     {{"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"sv, "", "", "",
       "a server that names no product (RFC 9112 4)"}}},
}};

constexpr std::array<std::string_view, 16> kPortNames = {
    "http",     "www",        "web",         "http-alt", "http-proxy", "webcache", "tomcat",     "jenkins",
    "docker",   "docker-api", "dockerd",     "elasticsearch", "opensearch", "es-http", "prometheus", "www-http"};

std::string probe(const ProbeContext& c) {
  return "GET / HTTP/1.1\r\nHost: " + c.host_port() +
         "\r\nUser-Agent: portauth (service identification)\r\nAccept: */*\r\nConnection: close\r\n\r\n";
}

const TableIdentifier kHttp({.family = "http", .speaks_first = false, .port_names = kPortNames, .rules = kRules,
                             .probe = probe});

}  // namespace

const Identifier& http_identifier() { return kHttp; }

}  // namespace portauth::service
