#include "db/port_db.h"

#include <algorithm>

#include "db/db_loader.h"
#include "db/index_file.h"
#include "db/system_services.h"
#include "db/yaml_tree.h"

namespace portauth::db {
namespace {

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

}  // namespace

PortDb PortDb::load_file(const std::string& path) {
  const std::string text = read_db_file(path, YamlLimits{}.max_bytes);
  if (looks_like_index(text)) return from_loaded(read_index(text, path));
  return load_string(text, path);
}

PortDb PortDb::load_string(std::string_view yaml, std::string_view source_name) {
  return from_loaded(load_db_yaml(yaml, std::string(source_name)));
}

PortDb PortDb::from_loaded(LoadedDb loaded) {
  PortDb db;
  db.data_version_ = std::move(loaded.data_version);
  db.entries_ = std::move(loaded.entries);
  db.index_ = std::move(loaded.index);
  db.trojans_ = std::move(loaded.trojans);
  db.build_lookups();
  return db;
}

void PortDb::build_lookups() {
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    const PortEntry& entry = entries_[i];
    // A name repeated as its own alias (or two aliases equal but for case) must not list
    // the entry twice, hence the check against the last position recorded.
    auto add = [&](std::string_view name) {
      std::vector<uint32_t>& owners = by_name_[ascii_lower(name)];
      if (owners.empty() || owners.back() != i) owners.push_back(i);
    };
    add(entry.name);
    for (const std::string& alias : entry.aliases) add(alias);
    if (entry.rank > 0) (entry.proto == Proto::kTcp ? by_rank_ : by_udp_rank_).push_back(i);
  }
  for (auto* ranked : {&by_rank_, &by_udp_rank_})
    std::sort(ranked->begin(), ranked->end(), [&](uint32_t a, uint32_t b) { return entries_[a].rank < entries_[b].rank; });
}

std::vector<const PortEntry*> PortDb::find_by_name(std::string_view name) const {
  std::vector<const PortEntry*> found;
  const auto it = by_name_.find(ascii_lower(name));
  if (it == by_name_.end()) return found;
  for (uint32_t i : it->second) found.push_back(&entries_[i]);
  return found;
}

std::vector<uint16_t> PortDb::top_ports(size_t n, Proto proto) const {
  const std::vector<uint32_t>& ranked = proto == Proto::kUdp ? by_udp_rank_ : by_rank_;
  std::vector<uint16_t> ports;
  const size_t count = std::min(n, ranked.size());
  ports.reserve(count);
  for (size_t i = 0; i < count; ++i) ports.push_back(entries_[ranked[i]].first);
  return ports;
}

PortPage PortDb::page(uint16_t port) const { return page(port, system_iana_tier()); }

PortPage PortDb::page(uint16_t port, const IanaTier& iana) const {
  if (const PortEntry* entry = find(port)) return make_listed_page(port, *entry);
  // A udp-only service (ntp, IKE, WireGuard) is what people mean when they look up its
  // number, and its page explains why a SYN scan cannot see it.
  if (const PortEntry* entry = find(port, Proto::kUdp)) return make_listed_page(port, *entry);
  return make_fallback_page(port, Proto::kTcp, iana, system_service_name(port, "tcp"));
}

PortPage PortDb::page(uint16_t port, Proto proto, const IanaTier& iana) const {
  if (const PortEntry* entry = find(port, proto)) return make_listed_page(port, *entry);
  return make_fallback_page(port, proto, iana, system_service_name(port, proto_name(proto)));
}

}  // namespace portauth::db
