#include "db/db_loader.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "db/content_checks.h"
#include "db/db_error.h"
#include "db/entry_reader.h"
#include "db/yaml_fields.h"
#include "db/yaml_tree.h"

namespace portauth::db {
namespace {

constexpr std::array<std::string_view, 4> kTopKeys = {"schema_version", "data_version", "trojans",
                                                      "ports"};
enum TopSlot : size_t { kSchema, kDataVersion, kTrojans, kPorts };

constexpr std::string_view kShape =
    "the port database must be a mapping with schema_version, data_version and ports";

void check_schema_version(const Field& field, const YamlNode& root, const std::string& source) {
  const std::string expected =
      " (this portauth reads schema_version " + std::to_string(kSchemaVersion) + ")";
  if (!field.present())
    fail_at(source, field.key ? *field.key : root, "missing 'schema_version'" + expected);
  const YamlNode& value = *field.value;
  const std::optional<uint64_t> version =
      value.is_scalar() ? parse_decimal(value.text) : std::nullopt;
  if (!version) fail_at(source, value, "'schema_version' must be a whole number" + expected);
  if (*version != kSchemaVersion) {
    fail_at(source, value, "unsupported schema_version " + value.text + expected);
  }
}

// Claims the entry's ports in the index, or explains which earlier entry already has one.
void claim_ports(LoadedDb& db, const ReadEntry& read, const std::string& source) {
  const PortEntry& entry = read.entry;
  const int32_t taken = db.index.first_taken(entry.proto, entry.first, entry.last);
  if (taken >= 0) {
    const PortEntry& owner =
        db.entries[static_cast<size_t>(db.index.at(entry.proto, static_cast<uint16_t>(taken)))];
    std::string message =
        "port " + std::to_string(taken) + " already listed at line " + std::to_string(owner.line);
    if (owner.is_range()) {
      message += " (in " + std::to_string(owner.first) + "-" + std::to_string(owner.last) + ")";
    }
    fail_at(source, *read.port_node, message);
  }
  db.index.claim(entry.proto, entry.first, entry.last, static_cast<int32_t>(db.entries.size()));
}

}  // namespace

LoadedDb load_db_yaml(std::string_view yaml, const std::string& source) {
  const YamlNode root = parse_yaml_tree(yaml, source);
  if (root.is_null()) fail_at(source, root, "empty port database: " + std::string(kShape));
  if (!root.is_map()) fail_at(source, root, std::string(kShape));
  const std::vector<Field> top = split_fields(root, kTopKeys, source);

  // Version first: a file from a newer schema should say so, not fail on a new key.
  check_schema_version(top[kSchema], root, source);

  LoadedDb db;
  db.data_version = read_text(top[kDataVersion], source);
  db.trojans = read_trojan_catalog(top[kTrojans], source);
  const Field& ports = top[kPorts];
  if (ports.key == nullptr) fail_at(source, root, "missing 'ports' (the list of port entries)");
  if (!ports.present()) return db;  // `ports:` with nothing under it: an empty database
  if (!ports.value->is_sequence())
    fail_at(source, *ports.value, "'ports' must be a list of port entries");

  db.entries.reserve(ports.value->items.size());
  std::unordered_map<int, size_t> rank_owner[2];  // per protocol (tcp, udp): rank -> entry position
  std::vector<std::vector<Field>> fields;      // per entry, for the cross-entry checks
  fields.reserve(ports.value->items.size());
  for (const YamlNode& item : ports.value->items) {
    ReadEntry read = read_entry(item, source);
    claim_ports(db, read, source);
    if (read.entry.rank > 0) {
      // Each protocol has its own ranking (nmap's frequencies are per protocol too).
      auto& owners = rank_owner[read.entry.proto == Proto::kUdp ? 1 : 0];
      const auto [it, fresh] = owners.emplace(read.entry.rank, db.entries.size());
      if (!fresh) {
        const PortEntry& owner = db.entries[it->second];
        fail_at(source, *read.rank_node,
                "rank " + std::to_string(read.entry.rank) + " already given to port " +
                    std::to_string(owner.first) + "/" + std::string(proto_name(owner.proto)) + " at line " +
                    std::to_string(owner.line));
      }
    }
    db.entries.push_back(std::move(read.entry));
    fields.push_back(std::move(read.fields));
  }
  std::vector<CheckedEntry> checked;
  checked.reserve(db.entries.size());
  for (size_t i = 0; i < db.entries.size(); ++i) checked.push_back({&db.entries[i], &fields[i]});
  check_database(checked, db.trojans, db.index, source);
  return db;
}

std::string read_db_file(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    throw DbError(path, "port database not found (no such file)");
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw DbError(path, "not a regular file; expected a port database (ports.yaml)");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes) {
    throw DbError(path, "too large for a port database (" + std::to_string(size) +
                            " bytes; the limit is " + std::to_string(max_bytes) + ")");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DbError(path, std::string("cannot open port database: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw DbError(path, std::string("cannot read port database: ") + std::strerror(errno));
  return std::move(text).str();
}

}  // namespace portauth::db
