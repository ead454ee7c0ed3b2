#include "db/iana_registry.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "db/yaml_fields.h"

namespace portauth::db {
namespace {

constexpr size_t kSlotsPerProto = 65536;
constexpr size_t kMaxFileBytes = 16u << 20;  // the real file is ~270 KB

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<uint16_t> port_of(std::string_view text) {
  const std::optional<uint64_t> value = parse_decimal(text);
  if (!value || *value > 65535) return std::nullopt;
  return static_cast<uint16_t>(*value);
}

// "6000-6063/tcp/udp" -> the service's ports and protocols; false if it does not parse.
bool parse_port_field(std::string_view field, IanaService& service) {
  const size_t slash = field.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view ports = field.substr(0, slash);
  const size_t dash = ports.find('-');
  const auto first = port_of(ports.substr(0, dash));
  const auto last = dash == std::string_view::npos ? first : port_of(ports.substr(dash + 1));
  if (!first || !last || *first > *last) return false;
  service.first = *first;
  service.last = *last;
  std::string_view protos = field.substr(slash + 1);
  while (!protos.empty()) {
    const size_t next = protos.find('/');
    const std::string_view proto = protos.substr(0, next);
    if (proto == "tcp") {
      service.tcp = true;
    } else if (proto == "udp") {
      service.udp = true;
    } else if (proto != "sctp" && proto != "dccp") {
      return false;
    }
    protos = next == std::string_view::npos ? std::string_view() : protos.substr(next + 1);
  }
  return true;
}

std::string file_day(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};
  std::tm day{};
  if (::gmtime_r(&info.st_mtime, &day) == nullptr) return {};
  char text[16];
  return std::strftime(text, sizeof text, "%Y-%m-%d", &day) ? text : "";
}

}  // namespace

IanaRegistry IanaRegistry::parse(std::string_view text, std::string source, std::string date) {
  IanaRegistry registry;
  registry.source_ = std::move(source);
  registry.date_ = std::move(date);
  registry.slots_.assign(2 * kSlotsPerProto, -1);
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const size_t hash = line.find('#');
    const std::string_view comment = hash == std::string_view::npos ? "" : line.substr(hash + 1);
    line = trim(line.substr(0, hash));
    if (line.empty()) continue;  // blank or comment-only

    const size_t gap = line.find_first_of(" \t");
    const std::string_view rest =
        gap == std::string_view::npos ? std::string_view() : trim(line.substr(gap));
    IanaService service;
    // services(5) allows aliases after the port field; the IANA copy has none, but a name
    // is all we keep, so anything after the port field is ignored.
    const std::string_view port_field = rest.substr(0, rest.find_first_of(" \t"));
    if (rest.empty() || !parse_port_field(port_field, service)) {
      ++registry.skipped_;
      continue;
    }
    service.name = std::string(line.substr(0, gap));
    service.description = std::string(trim(comment));
    const auto position = static_cast<int32_t>(registry.services_.size());
    bool claimed = false;
    for (uint32_t port = service.first; port <= service.last; ++port) {
      if (service.tcp && registry.slots_[port] < 0) {
        registry.slots_[port] = position;
        claimed = true;
      }
      if (service.udp && registry.slots_[kSlotsPerProto + port] < 0) {
        registry.slots_[kSlotsPerProto + port] = position;
        claimed = true;
      }
    }
    if (claimed) registry.services_.push_back(std::move(service));
  }
  return registry;
}

const IanaService* IanaRegistry::find(uint16_t port, Proto proto) const {
  const int32_t slot = slots_[(proto == Proto::kUdp ? kSlotsPerProto : 0) + port];
  return slot < 0 ? nullptr : &services_[static_cast<size_t>(slot)];
}

size_t IanaRegistry::named_ports(Proto proto) const {
  const size_t offset = proto == Proto::kUdp ? kSlotsPerProto : 0;
  size_t count = 0;
  for (size_t port = 0; port < kSlotsPerProto; ++port) count += slots_[offset + port] >= 0;
  return count;
}

std::string IanaTier::describe() const {
  std::string text = "the IANA port registry (Wireshark's copy, " + path;
  if (registry && !registry->date().empty()) text += ", dated " + registry->date();
  return text + ")";
}

IanaTier load_iana_tier(const std::string& path) {
  IanaTier tier;
  tier.path = path;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    tier.problem = errno == ENOENT
                       ? "not installed (" + path + " is missing; Debian package libwireshark-data)"
                       : "cannot read " + path + ": " + std::strerror(errno);
    return tier;
  }
  if (!S_ISREG(info.st_mode) || static_cast<size_t>(info.st_size) > kMaxFileBytes) {
    tier.problem = path + " is not a services file";
    return tier;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.is_open() || in.bad()) {
    tier.problem = "cannot read " + path;
    return tier;
  }
  tier.registry = IanaRegistry::parse(text.str(), path, file_day(path));
  return tier;
}

const IanaTier& system_iana_tier() {
  static const IanaTier tier = load_iana_tier(std::string(kIanaServicesPath));
  return tier;
}

}  // namespace portauth::db
