// Typed reads of YAML fields for the port-database validator. Each read either returns a
// clean value or throws DbError at the offending node with a message that names the field
// and what was expected; none of them descends into a node of the wrong kind.
//
// "Absent" and "null" (`key:` or `key: ~`) mean the same for optional fields.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/yaml_tree.h"

namespace portauth::db {

// One key of a mapping as found in the file; key == nullptr when the key is absent.
struct Field {
  std::string_view name;
  const YamlNode* key = nullptr;
  const YamlNode* value = nullptr;

  bool present() const { return key != nullptr && value != nullptr && !value->is_null(); }
};

[[noreturn]] void fail_at(const std::string& source, const YamlNode& node,
                          const std::string& message);

// Splits a mapping into the `known` keys, in that order. Rejects non-scalar keys, keys not
// in `known` ("unknown key 'purpse' (did you mean 'purpose'?)") and keys given twice.
std::vector<Field> split_fields(const YamlNode& map, std::span<const std::string_view> known,
                                const std::string& source);

// Decimal digits only (no sign, no 0x, no spaces). Values past 2^32 saturate, so the caller's
// range check still fires and no overflow can happen.
std::optional<uint64_t> parse_decimal(std::string_view text);

// Optional text; trailing newlines of folded (>) blocks are trimmed.
std::string read_text(const Field& field, const std::string& source);
// Required text: absent, null or empty is an error. Absent is reported at `owner` (the
// mapping) as "missing required field 'name'" + `context` (e.g. " in the entry for port 25").
std::string read_required_text(const Field& field, const YamlNode& owner,
                               const std::string& context, const std::string& source);
// Optional list of non-empty strings.
std::vector<std::string> read_text_list(const Field& field, const std::string& source);
// Optional list of single ports 0-65535.
std::vector<uint16_t> read_port_list(const Field& field, const std::string& source);

struct PortSpan {
  uint16_t first = 0;
  uint16_t last = 0;
};
// 25, "25" or "6000-6063" (first <= last).
PortSpan read_port_span(const YamlNode& value, const std::string& source);

}  // namespace portauth::db
