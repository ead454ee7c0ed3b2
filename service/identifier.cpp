#include "service/identifier.h"

namespace portauth::service {

std::string ProbeContext::host_port() const {
  const bool v6 = host.find(':') != std::string::npos;
  const std::string h = v6 ? "[" + host + "]" : host;
  return port == 80 || port == 443 ? h : h + ":" + std::to_string(port);
}

std::optional<Identified> Identifier::match(std::string_view bytes) const {
  if (bytes.size() > kReplyCap) bytes = bytes.substr(0, kReplyCap);
  for (const Rule& rule : rules()) {
    Identified out;
    out.name = std::string(rule.name);
    out.rule = rule.id;
    out.conf = rule.conf;
    if (rule.apply(bytes, out)) return out;
  }
  return std::nullopt;
}

}  // namespace portauth::service
