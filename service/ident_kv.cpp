// The two key-value stores' text protocols:
//  Redis (RESP, redis.io "Redis serialization protocol specification"): INFO server answers a
//  bulk string "$<len>\r\n# Server\r\nredis_version:..."; an error is a "-" line (-NOAUTH when
//  a password is required, -DENIED in protected mode). INFO only reads.
//  Memcached (its protocol.txt): "version\r\n" answers "VERSION <version>\r\n"; an unknown
//  command answers "ERROR\r\n".
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

// --- Redis --------------------------------------------------------------------------------------

std::string info_field(std::string_view b, std::string_view key) {
  const size_t at = b.find("\n" + std::string(key) + ":");
  if (at == std::string_view::npos) return {};
  return std::string(text::version_token(b.substr(at + key.size() + 2)));
}

bool redis_error(std::string_view b, std::string_view prefix, Identified& o, std::string_view extra) {
  if (!text::starts_with(b, prefix)) return false;
  o.product = "Redis";
  o.extrainfo = std::string(extra);
  return true;
}

const std::array<Rule, 5> kRedisRules = {{
    {"redis.info", "redis",
     [](std::string_view b, Identified& o) {
       if (!text::starts_with(b, "$") || !text::contains(b, "redis_version:")) return false;
       const std::string valkey = info_field(b, "valkey_version");
       o.product = valkey.empty() ? "Redis" : "Valkey";
       o.version = valkey.empty() ? info_field(b, "redis_version") : valkey;
       if (const size_t at = b.find("\nredis_mode:"); at != std::string_view::npos)
         o.add_detail("mode", text::printable(text::trim(text::first_line(b.substr(at + 12))), 20));
       return true;
     },
     {{"$621\r\n# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\n"
       "redis_build_id:ae4d7c971a948f0\r\nredis_mode:standalone\r\nos:Linux 6.1.0 x86_64\r\n"sv,
       "Redis", "7.0.15", "", "Debian 12 redis-server 7.0.15 (the daemon lab)"},
      {"$700\r\n# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n"
       "redis_mode:standalone\r\n"sv,
       "Valkey", "8.0.1", "", "Valkey 8.0"}}},
    {"redis.noauth", "redis",
     [](std::string_view b, Identified& o) { return redis_error(b, "-NOAUTH", o, "authentication required"); },
     {{"-NOAUTH Authentication required.\r\n"sv, "Redis", "", "authentication required",
       "Debian 12 redis-server with requirepass (the daemon lab)"}}},
    {"redis.protected", "redis",
     [](std::string_view b, Identified& o) { return redis_error(b, "-DENIED Redis is running in protected mode", o, "protected mode"); },
     {{"-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for "
       "the default user.\r\n"sv,
       "Redis", "", "protected mode", "redis-server 7 reached from another host"}}},
    {"redis.wrong-arity", "redis",
     [](std::string_view b, Identified& o) {
       // What Redis answers to our HTTP probe's first line ("GET / HTTP/1.1": GET with 2 arguments).
       return redis_error(b, "-ERR wrong number of arguments for 'get' command", o, "");
     },
     {{"-ERR wrong number of arguments for 'get' command\r\n"sv, "Redis", "", "", "Redis 7 answering GET / HTTP/1.1"}}},
    {"redis.resp-error", "redis",
     [](std::string_view b, Identified&) {
       return (text::starts_with(b, "-ERR unknown command") || text::starts_with(b, "-WRONGTYPE")) && text::has_line(b);
     },
     {{"-ERR unknown command 'INFO'\r\n"sv, "", "", "", "a RESP server without INFO"}},
     7},
}};

constexpr std::array<std::string_view, 2> kRedisNames = {"redis", "redis-server"};

std::string redis_probe(const ProbeContext&) { return "INFO server\r\n"; }

const TableIdentifier kRedis({.family = "redis", .speaks_first = false, .port_names = kRedisNames, .rules = kRedisRules,
                              .probe = redis_probe});

// --- Memcached ----------------------------------------------------------------------------------

const std::array<Rule, 2> kMemcachedRules = {{
    {"memcached.version", "memcached",
     [](std::string_view b, Identified& o) {
       if (!text::starts_with(b, "VERSION ") || !text::has_line(b)) return false;
       o.product = "Memcached";
       o.version = std::string(text::version_token(b.substr(8)));
       return true;
     },
     {{"VERSION 1.6.18\r\n"sv, "Memcached", "1.6.18", "", "Debian 12 memcached 1.6.18 (the daemon lab)"}}},
    {"memcached.error", "memcached",
     [](std::string_view b, Identified&) {
       // Every line "ERROR": memcached refusing each line of a probe meant for someone else.
       size_t lines = 0;
       while (!b.empty() && lines < 64) {
         if (!text::starts_with(b, "ERROR\r\n")) return false;
         b.remove_prefix(7);
         ++lines;
       }
       return lines > 0 && b.empty();
     },
     {{"ERROR\r\nERROR\r\nERROR\r\n"sv, "", "", "", "memcached 1.6 answering an HTTP request"}},
     6},
}};

constexpr std::array<std::string_view, 2> kMemcachedNames = {"memcache", "memcached"};

std::string memcached_probe(const ProbeContext&) { return "version\r\n"; }

const TableIdentifier kMemcached({.family = "memcached", .speaks_first = false, .port_names = kMemcachedNames,
                                  .rules = kMemcachedRules, .probe = memcached_probe});

}  // namespace

const Identifier& redis_identifier() { return kRedis; }
const Identifier& memcached_identifier() { return kMemcached; }

}  // namespace portauth::service
