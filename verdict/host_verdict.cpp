#include "verdict/host_verdict.h"

#include <cstdio>

namespace portauth::verdict {
namespace {

constexpr size_t kListedPorts = 20;  // a line names at most this many ports, then says how many more

std::string port_list(const std::vector<uint16_t>& ports) {
  std::string s;
  for (size_t i = 0; i < ports.size() && i < kListedPorts; ++i) s += (i ? " " : "") + std::to_string(ports[i]);
  if (ports.size() > kListedPorts) s += " and " + std::to_string(ports.size() - kListedPorts) + " more";
  return s;
}

std::string count_text(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string open_ports_text(uint64_t n) { return count_text(n) + (n == 1 ? " open port" : " open ports"); }

const EvidenceItem* item(const HostVerdict& v, const char* key) {
  for (const auto& e : v.evidence)
    if (e.key == key) return &e;
  return nullptr;
}

size_t port_count(const HostVerdict& v, const char* key) {
  const EvidenceItem* e = item(v, key);
  return e && std::holds_alternative<std::vector<uint16_t>>(e->value) ? std::get<std::vector<uint16_t>>(e->value).size() : 0;
}

bool flag(const HostVerdict& v, const char* key) {
  for (const auto& e : v.evidence)
    if (e.key == key) return std::holds_alternative<bool>(e.value) && std::get<bool>(e.value);
  return false;
}

}  // namespace

const char* verdict_name(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kSynProxy: return "syn-proxy";
    case VerdictKind::kTarpit: return "tarpit";
    case VerdictKind::kAnswersAll: return "answers-all";
    case VerdictKind::kRateBlock: return "rate-block";
  }
  return "";
}

std::string evidence_text(const EvidenceItem::Value& value) {
  struct Visit {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3g", d);
      return buf;
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<uint16_t>& p) const { return port_list(p); }
  };
  return std::visit(Visit{}, value);
}

std::string verdict_line(const HostVerdict& v) {
  std::string phrases;
  for (const auto& e : v.evidence)
    if (!e.phrase.empty()) phrases += (phrases.empty() ? "" : ", ") + e.phrase;
  std::string line;
  switch (v.kind) {
    case VerdictKind::kSynProxy: line = "answers on every port: SYN proxy"; break;
    case VerdictKind::kTarpit: line = flag(v, "every_port") ? "answers on every port: tarpit" : "tarpit"; break;
    case VerdictKind::kAnswersAll: line = "answers on every port: one TCP stack behind every port"; break;
    case VerdictKind::kRateBlock: line = "blocked the scan after a burst"; break;
  }
  if (!phrases.empty()) line += " (" + phrases + ")";
  if (!v.collapses_open_ports()) return line;
  if (v.services_checked) {
    const size_t n = v.service_ports.size();
    if (n == 0) line += "; no port reaches a service";
    else line += "; " + std::to_string(n) + (n == 1 ? " port reaches" : " ports reach") + " a service: " + port_list(v.service_ports);
  } else if (v.kind == VerdictKind::kTarpit) {
    line += "; its " + open_ports_text(v.open_ports) + " hold" + (v.open_ports == 1 ? "s" : "") +
            " connections, serving nothing";
  } else {
    line += "; its " + open_ports_text(v.open_ports) + (v.open_ports == 1 ? " is" : " are") + " unverified";
  }
  return line;
}

std::string unverified_note(const HostVerdict& v) {
  if (!v.collapses_open_ports() || v.kind == VerdictKind::kTarpit) return "";
  if (v.services_identified) {
    if (const size_t sampled = port_count(v, "service_ports_sampled"); sampled > 0) {
      const size_t canaries = port_count(v, "service_canaries_tried");
      return "-sV tried " + (canaries ? std::to_string(canaries) + (canaries == 1 ? " canary port and " : " canary ports and ") : "") +
             std::to_string(sampled) + " of its open ports, to compare what answers behind them; the other open ports "
             "are the host answering, not services, and were not tried";
    }
    if (v.services_checked)
      return "-sV identified only the ports that reach a service; the other open ports are the host answering, "
             "not services, and were not tried";
    return "-sV tried none of its open ports: on a host that answers on every port, an open port is not a service";
  }
  if (v.services_checked)
    return "Without -sV, the ports that reach a service were found by connecting to them; what the service is, "
           "is not identified";
  return "Without -sV, the open ports of this host are unverified: a SYN-ACK here says the host answers, not that "
         "a service listens";
}

const HostVerdict* find_verdict(const std::vector<HostVerdict>& verdicts, const config::Address& addr) {
  for (const auto& v : verdicts)
    if (v.addr == addr) return &v;
  return nullptr;
}

}  // namespace portauth::verdict
