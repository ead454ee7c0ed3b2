#include "db/system_services.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <cerrno>
#include <optional>
#include <unordered_map>
#include <vector>

namespace portauth::db {
namespace {

using ServiceTable = std::unordered_map<uint32_t, std::string>;  // (proto << 16 | port) -> name

// tcp and udp only; any other protocol has no key.
std::optional<uint32_t> table_key(uint16_t port, std::string_view proto) {
  if (proto == "tcp") return port;
  if (proto == "udp") return (1u << 16) | port;
  return std::nullopt;
}

// Reads the whole services database once. Looking ports up one by one with getservbyport_r
// re-reads /etc/services on every call: a full 65,536-port scan spent seconds of its main
// thread there, long enough to hold up result delivery and Ctrl-C.
ServiceTable load_services() {
  ServiceTable table;
  servent entry{};
  servent* found = nullptr;
  std::vector<char> buffer(4096);
  setservent(0);
  while (true) {
    const int rc = getservent_r(&entry, buffer.data(), buffer.size(), &found);
    // A line with many aliases can outgrow the buffer: grow and read that entry again.
    if (rc == ERANGE && buffer.size() < (1u << 20)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (rc != 0 || found == nullptr) break;
    if (found->s_name && found->s_proto)
      if (const auto key = table_key(ntohs(uint16_t(found->s_port)), found->s_proto))
        table.emplace(*key, found->s_name);  // the first line for a port wins, as getservbyport does
  }
  endservent();
  return table;
}

}  // namespace

std::string system_service_name(uint16_t port, std::string_view proto) {
  static const ServiceTable table = load_services();  // thread-safe one-time initialisation
  const auto key = table_key(port, proto);
  if (!key) return {};
  const auto it = table.find(*key);
  return it == table.end() ? std::string() : it->second;
}

}  // namespace portauth::db
