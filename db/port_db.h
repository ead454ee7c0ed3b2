// The port knowledge base: validated entries from ports.yaml and O(1) lookups over them.
//
// load_file() reads either form of the database: the compiled index (index_file.h: no YAML
// parsing, what ships) or YAML, which is validated in full (see db_loader.h for the checks;
// DbError "FILE:LINE:COL: what is wrong" on the first problem). A PortDb that exists is valid.
// After loading it is immutable, so one instance can be read from many threads. Lookups
// default to tcp, the only protocol scanned today.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "db/db_error.h"
#include "db/port_entry.h"
#include "db/port_index.h"
#include "db/port_page.h"
#include "db/trojan_names.h"

namespace portauth::db {

struct LoadedDb;

class PortDb {
 public:
  static PortDb load_file(const std::string& path);
  // `source_name` stands in for the file name in error messages.
  static PortDb load_string(std::string_view yaml, std::string_view source_name);

  // The entry covering `port` (ranged entries cover every port in their range), or nullptr.
  // One array read.
  const PortEntry* find(uint16_t port, Proto proto = Proto::kTcp) const {
    const int32_t slot = index_.at(proto, port);
    return slot == PortIndex::kNone ? nullptr : &entries_[static_cast<size_t>(slot)];
  }

  // Entries whose name or one of whose aliases equals `name`, ignoring ASCII case; file order,
  // each entry once.
  std::vector<const PortEntry*> find_by_name(std::string_view name) const;

  // The `n` best-ranked ports of `proto` (rank 1 first); a ranged entry contributes its first
  // port. Fewer than `n` if fewer entries of that protocol are ranked.
  std::vector<uint16_t> top_ports(size_t n, Proto proto = Proto::kTcp) const;

  // A page for any port as a TCP scan finds it: the tcp entry, else a udp-only entry, else
  // the lower tiers of port_page.h (`iana`: the registry to consult; the system's copy by
  // default).
  PortPage page(uint16_t port) const;
  PortPage page(uint16_t port, const IanaTier& iana) const;
  // A page for exactly (port, proto): that protocol's entry, else the lower tiers.
  PortPage page(uint16_t port, Proto proto, const IanaTier& iana) const;

  size_t size() const { return entries_.size(); }
  const std::vector<PortEntry>& entries() const { return entries_; }
  std::string data_version() const { return data_version_; }
  // The trojan-name catalog (canonical names and their other spellings), file order.
  const std::vector<TrojanName>& trojans() const { return trojans_; }

 private:
  PortDb() = default;
  static PortDb from_loaded(LoadedDb loaded);
  void build_lookups();

  std::string data_version_;
  std::vector<PortEntry> entries_;
  PortIndex index_;
  std::vector<TrojanName> trojans_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_name_;  // lower-case name/alias
  std::vector<uint32_t> by_rank_;      // ranked tcp entries, rank ascending
  std::vector<uint32_t> by_udp_rank_;  // ranked udp entries, rank ascending
};

}  // namespace portauth::db
