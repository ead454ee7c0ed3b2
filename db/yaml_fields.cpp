#include "db/yaml_fields.h"

#include "common/closest_match.h"
#include "db/db_error.h"

namespace portauth::db {
namespace {

constexpr uint64_t kSaturated = uint64_t{1} << 32;
constexpr std::string_view kRangeHint = "a number 0-65535 or a range like \"6000-6063\"";

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string unknown_key_message(std::string_view key, std::span<const std::string_view> known) {
  std::string message = "unknown key " + quoted(key);
  const std::string_view suggestion = common::closest_match(key, known);
  if (!suggestion.empty()) return message + " (did you mean " + quoted(suggestion) + "?)";
  message += " (known keys:";
  for (size_t i = 0; i < known.size(); ++i) {
    message += (i == 0 ? " " : ", ");
    message += known[i];
  }
  return message + ")";
}

// A port number from a scalar, or an error naming `what` ("port", "related port").
uint16_t port_number(const YamlNode& node, std::string_view text, std::string_view what,
                     const std::string& source) {
  const std::optional<uint64_t> value = parse_decimal(text);
  if (!value) {
    // "-1" is a number, just not a port: say so rather than "not a number".
    if (text.size() > 1 && text[0] == '-' && parse_decimal(text.substr(1))) {
      fail_at(source, node,
              std::string(what) + " " + std::string(text) + " out of range (0-65535)");
    }
    fail_at(source, node, std::string(what) + " " + quoted(text) + " is not a number");
  }
  if (*value > 65535) {
    fail_at(source, node, std::string(what) + " " + std::string(text) + " out of range (0-65535)");
  }
  return static_cast<uint16_t>(*value);
}

}  // namespace

void fail_at(const std::string& source, const YamlNode& node, const std::string& message) {
  throw DbError(source, node.line, node.column, message);
}

std::vector<Field> split_fields(const YamlNode& map, std::span<const std::string_view> known,
                                const std::string& source) {
  std::vector<Field> fields(known.size());
  for (size_t i = 0; i < known.size(); ++i) fields[i].name = known[i];
  for (size_t i = 0; i < map.map_size(); ++i) {
    const YamlNode& key = map.map_key(i);
    if (!key.is_scalar()) fail_at(source, key, "keys must be plain words like 'port' or 'name'");
    size_t slot = 0;
    while (slot < known.size() && known[slot] != key.text) ++slot;
    if (slot == known.size()) fail_at(source, key, unknown_key_message(key.text, known));
    if (fields[slot].key != nullptr) {
      fail_at(source, key,
              "duplicate key " + quoted(key.text) + " (first given at line " +
                  std::to_string(fields[slot].key->line) + ")");
    }
    fields[slot].key = &key;
    fields[slot].value = &map.map_value(i);
  }
  return fields;
}

std::optional<uint64_t> parse_decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > kSaturated) value = kSaturated;
  }
  return value;
}

std::string read_text(const Field& field, const std::string& source) {
  if (!field.present()) return {};
  if (!field.value->is_scalar()) {
    fail_at(source, *field.value, quoted(field.name) + " must be text, not a list or mapping");
  }
  return std::string(trim(field.value->text));
}

std::string read_required_text(const Field& field, const YamlNode& owner,
                               const std::string& context, const std::string& source) {
  if (field.key == nullptr) {
    fail_at(source, owner, "missing required field " + quoted(field.name) + context);
  }
  std::string text = read_text(field, source);
  if (text.empty()) fail_at(source, *field.key, quoted(field.name) + " must not be empty");
  return text;
}

std::vector<std::string> read_text_list(const Field& field, const std::string& source) {
  std::vector<std::string> list;
  if (!field.present()) return list;
  const std::string message = quoted(field.name) + " must be a list of strings";
  if (!field.value->is_sequence()) {
    // The commonest slip is a bare word; show the fix.
    const std::string hint =
        field.value->is_scalar() ? " (for one item write [" + field.value->text + "])" : "";
    fail_at(source, *field.value, message + hint);
  }
  for (const YamlNode& item : field.value->items) {
    if (!item.is_scalar()) fail_at(source, item, message);
    std::string_view text = trim(item.text);
    if (text.empty()) fail_at(source, item, quoted(field.name) + " must not contain empty strings");
    list.emplace_back(text);
  }
  return list;
}

std::vector<uint16_t> read_port_list(const Field& field, const std::string& source) {
  std::vector<uint16_t> ports;
  if (!field.present()) return ports;
  const std::string message = quoted(field.name) + " must be a list of port numbers";
  if (!field.value->is_sequence()) fail_at(source, *field.value, message);
  for (const YamlNode& item : field.value->items) {
    if (!item.is_scalar()) fail_at(source, item, message);
    ports.push_back(port_number(item, item.text, "related port", source));
  }
  return ports;
}

PortSpan read_port_span(const YamlNode& value, const std::string& source) {
  if (!value.is_scalar()) fail_at(source, value, "'port' must be " + std::string(kRangeHint));
  const std::string_view text = trim(value.text);
  const auto dash = text.find('-', 1);  // from 1: a leading '-' is a sign, not a range
  if (dash == std::string_view::npos) {
    if (!parse_decimal(text) && !(text.size() > 1 && text[0] == '-')) {
      fail_at(source, value, "port " + quoted(text) + " is not " + std::string(kRangeHint));
    }
    const uint16_t port = port_number(value, text, "port", source);
    return {port, port};
  }
  const std::string_view first_text = trim(text.substr(0, dash));
  const std::string_view last_text = trim(text.substr(dash + 1));
  if (!parse_decimal(first_text) || !parse_decimal(last_text)) {
    fail_at(source, value, "port " + quoted(text) + " is not " + std::string(kRangeHint));
  }
  const PortSpan span{port_number(value, first_text, "port", source),
                      port_number(value, last_text, "port", source)};
  if (span.first > span.last) {
    fail_at(source, value,
            "port range " + std::string(text) +
                " is reversed (the first port must not be above the last)");
  }
  return span;
}

}  // namespace portauth::db
