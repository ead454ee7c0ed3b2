#include "db/entry_reader.h"

#include <array>

#include "db/content_checks.h"
#include "db/yaml_fields.h"

namespace portauth::db {
namespace {

constexpr std::array<std::string_view, 16> kEntryKeys = {
    "port",    "proto",   "name",         "aliases", "purpose", "description",
    "security", "if_open", "history",     "background", "related", "trojans",
    "trojan_notes", "risk", "refs",       "rank"};
// Positions in kEntryKeys, which is also the order split_fields() returns them in.
enum FieldSlot : size_t {
  kPort,
  kProto,
  kName,
  kAliases,
  kPurpose,
  kDescription,
  kSecurity,
  kIfOpen,
  kHistory,
  kBackground,
  kRelated,
  kTrojans,
  kTrojanNotes,
  kRisk,
  kRefs,
  kRank
};

// Ranks above this are surely typos; keeps the value well inside int.
constexpr uint64_t kMaxRank = 1'000'000;

std::string port_label(const PortEntry& entry) {
  if (!entry.is_range()) return std::to_string(entry.first);
  return std::to_string(entry.first) + "-" + std::to_string(entry.last);
}

Proto read_proto(const Field& field, const std::string& source) {
  if (!field.present()) return Proto::kTcp;  // the schema's default; only tcp is scanned today
  const std::string text = read_text(field, source);
  const std::optional<Proto> proto = parse_proto(text);
  if (!proto) fail_at(source, *field.value, "bad proto '" + text + "' (expected tcp or udp)");
  return *proto;
}

Risk read_risk(const Field& field, const std::string& source) {
  if (!field.present()) return Risk::kUnknown;
  if (!field.value->is_scalar()) {
    fail_at(source, *field.value, "'risk' must be one of info, low, medium, high");
  }
  const std::optional<Risk> risk = parse_risk(field.value->text);
  if (!risk) {
    fail_at(source, *field.value,
            "bad risk '" + field.value->text + "' (expected info, low, medium or high)");
  }
  return *risk;
}

int read_rank(const Field& field, const std::string& source) {
  if (!field.present()) return 0;
  const std::optional<uint64_t> rank =
      field.value->is_scalar() ? parse_decimal(field.value->text) : std::nullopt;
  if (!rank || *rank == 0 || *rank > kMaxRank) {
    fail_at(
        source, *field.value,
        "'rank' must be a whole number from 1 (most commonly open) to " + std::to_string(kMaxRank));
  }
  return static_cast<int>(*rank);
}

}  // namespace

std::span<const std::string_view> entry_keys() { return kEntryKeys; }

ReadEntry read_entry(const YamlNode& node, const std::string& source) {
  if (!node.is_map()) {
    fail_at(source, node,
            "each item of 'ports' must be a mapping with at least port, name and purpose");
  }
  ReadEntry read;
  read.fields = split_fields(node, kEntryKeys, source);
  const std::vector<Field>& fields = read.fields;
  PortEntry& entry = read.entry;
  entry.line = node.line;
  if (fields[kPort].key == nullptr) fail_at(source, node, "missing required field 'port'");
  if (!fields[kPort].present()) fail_at(source, *fields[kPort].key, "'port' must not be empty");
  read.port_node = fields[kPort].value;
  const PortSpan span = read_port_span(*fields[kPort].value, source);
  entry.first = span.first;
  entry.last = span.last;

  // Errors for the remaining required fields name the port: the line of a long entry's
  // first key is often far from where the author is looking.
  const std::string context = " in the entry for port " + port_label(entry);
  entry.proto = read_proto(fields[kProto], source);
  entry.name = read_required_text(fields[kName], node, context, source);
  entry.aliases = read_text_list(fields[kAliases], source);
  entry.purpose = read_required_text(fields[kPurpose], node, context, source);
  entry.description = read_text(fields[kDescription], source);
  entry.security = read_text(fields[kSecurity], source);
  entry.if_open = read_text(fields[kIfOpen], source);
  entry.history = read_text(fields[kHistory], source);
  entry.background = read_text(fields[kBackground], source);
  entry.trojan_notes = read_text(fields[kTrojanNotes], source);
  entry.related = read_port_list(fields[kRelated], source);
  entry.trojans = read_text_list(fields[kTrojans], source);
  entry.risk = read_risk(fields[kRisk], source);
  entry.refs = read_text_list(fields[kRefs], source);
  entry.rank = read_rank(fields[kRank], source);
  if (entry.rank > 0) read.rank_node = fields[kRank].value;
  check_entry_content(entry, fields, source);
  return read;
}

}  // namespace portauth::db
