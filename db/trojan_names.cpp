#include "db/trojan_names.h"

#include <array>
#include <unordered_map>

namespace portauth::db {
namespace {

constexpr std::array<std::string_view, 2> kCatalogKeys = {"name", "aliases"};

}  // namespace

std::string trojan_key(std::string_view name) {
  std::string key;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') key += static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) key += c;
  }
  return key;
}

std::vector<TrojanName> read_trojan_catalog(const Field& field, const std::string& source) {
  std::vector<TrojanName> catalog;
  if (!field.present()) return catalog;
  if (!field.value->is_sequence()) {
    fail_at(source, *field.value,
            "'trojans' (top level) must be a list of {name: ..., aliases: [...]}");
  }
  // trojan_key -> the canonical name that owns it. An alias may share its own name's key
  // (DeepThroat for Deep Throat: it documents the spelling) but no other name's.
  std::unordered_map<std::string, std::string> owner;
  auto claim = [&](const std::string& spelling, const std::string& canonical,
                   const YamlNode& node) {
    const std::string key = trojan_key(spelling);
    if (key.empty()) fail_at(source, node, "trojan name '" + spelling + "' has no letters");
    const auto [it, fresh] = owner.emplace(key, canonical);
    if (!fresh && (it->second != canonical || spelling == canonical)) {
      fail_at(source, node,
              "trojan spelling '" + spelling + "' is already taken by '" + it->second +
                  "' in the catalog (one name, one entry)");
    }
  };
  for (const YamlNode& item : field.value->items) {
    if (!item.is_map()) {
      fail_at(source, item, "each trojan in the catalog must be a mapping {name, aliases}");
    }
    const std::vector<Field> fields = split_fields(item, kCatalogKeys, source);
    TrojanName trojan;
    trojan.line = item.line;
    trojan.name = read_required_text(fields[0], item, " in the trojan catalog", source);
    claim(trojan.name, trojan.name, *fields[0].value);
    trojan.aliases = read_text_list(fields[1], source);
    for (size_t i = 0; i < trojan.aliases.size(); ++i)
      claim(trojan.aliases[i], trojan.name, fields[1].value->items[i]);
    catalog.push_back(std::move(trojan));
  }
  return catalog;
}

}  // namespace portauth::db
