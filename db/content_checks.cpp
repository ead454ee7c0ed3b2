#include "db/content_checks.h"

#include <array>
#include <unordered_map>
#include <utility>
#include <vector>

namespace portauth::db {
namespace {

constexpr size_t kBoilerplateWords = 6;  // shorter sentences ("Block it.") may honestly recur

const Field& field_named(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& field : fields)
    if (field.name == name) return field;
  static const Field kAbsent;
  return kAbsent;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// `word` in `text` (both lower case) as a whole word.
bool has_word(std::string_view text, std::string_view word) {
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !is_word_char(text[at - 1]);
    const size_t end = at + word.size();
    if (starts && (end == text.size() || !is_word_char(text[end]))) return true;
  }
  return false;
}

std::string placeholder_in(std::string_view text) {
  const std::string low = lower(text);
  for (std::string_view phrase : {"little current use", "lorem ipsum",
                                  "placeholder"})
    if (low.find(phrase) != std::string::npos) return std::string(phrase);
  for (std::string_view word : {"todo", "tbd", "fixme", "xxx"})
    if (has_word(low, word)) return std::string(word);
  return {};
}

// "mass- exploited" -> "mass- exploited"; "" if none. A suspended hyphen is followed by a
// conjunction ("TCP- and UDP-based", "short- or long-term").
std::string broken_word_in(std::string_view text) {
  for (size_t at = text.find("- "); at != std::string_view::npos; at = text.find("- ", at + 1)) {
    if (at == 0 || !is_word_char(text[at - 1])) continue;
    size_t end = at + 2;
    while (end < text.size() && is_word_char(text[end])) ++end;
    const std::string next = lower(text.substr(at + 2, end - at - 2));
    if (next.empty() || next == "and" || next == "or" || next == "to" || next == "nor") continue;
    size_t begin = at;
    while (begin > 0 && is_word_char(text[begin - 1])) --begin;
    return std::string(text.substr(begin, end - begin));
  }
  return {};
}

void check_trojans(const PortEntry& entry, const Field& field, const std::string& source) {
  for (size_t i = 0; i < entry.trojans.size(); ++i) {
    const std::string& name = entry.trojans[i];
    const YamlNode& node = field.value->items[i];
    const std::string low = lower(name);
    for (std::string_view risk : {"info", "low", "medium", "high", "none", "unknown"}) {
      if (low == risk) {
        fail_at(source, node,
                "'" + name + "' in 'trojans' is a risk level, not a malware name (write it as "
                "'risk: " + low + "')");
      }
    }
    // "Shtrilitz Stealth" beside "Stealth": two names lost their comma.
    for (size_t space = name.find(' '); space != std::string::npos;
         space = name.find(' ', space + 1)) {
      const std::string tail = name.substr(space + 1);
      for (const std::string& other : entry.trojans) {
        if (&other != &name && other == tail) {
          fail_at(source, node,
                  "trojan '" + name + "' runs two names together ('" + tail +
                      "' is listed on its own): write them as separate items");
        }
      }
    }
  }
}

// Sentences of a prose field, whitespace collapsed. A sentence ends at . ! or ? followed by
// a space (so "e.g." and version numbers inside a sentence do not split it often enough to
// matter: a false split only makes the pieces shorter, never creates a false match).
std::vector<std::string> sentences(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!current.empty() && current.back() != ' ') current += ' ';
      continue;
    }
    current += c;
    const bool ends = (c == '.' || c == '!' || c == '?') &&
                      (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n');
    if (ends) {
      out.push_back(current);
      current.clear();
    }
  }
  while (!current.empty() && current.back() == ' ') current.pop_back();
  if (!current.empty()) out.push_back(current);
  return out;
}

size_t word_count(std::string_view sentence) {
  size_t words = 1;
  for (char c : sentence) words += c == ' ';
  return words;
}

std::string port_label(const PortEntry& entry) {
  std::string label = std::to_string(entry.first);
  if (entry.is_range()) label += "-" + std::to_string(entry.last);
  return label + (entry.proto == Proto::kUdp ? "/udp" : "");
}

void check_related(const CheckedEntry& checked, const PortIndex& index,
                   const std::string& source) {
  const Field& field = field_named(*checked.fields, "related");
  for (size_t i = 0; i < checked.entry->related.size(); ++i) {
    const uint16_t port = checked.entry->related[i];
    if (index.at(Proto::kTcp, port) == PortIndex::kNone &&
        index.at(Proto::kUdp, port) == PortIndex::kNone) {
      fail_at(source, field.value->items[i],
              "related port " + std::to_string(port) +
                  " has no entry in this database (add one, or drop the link)");
    }
  }
}

// An entry's prose fields with their YAML keys; `long_only` leaves out the one-line name and
// purpose.
std::vector<std::pair<std::string_view, const std::string*>> prose_fields(const PortEntry& e, bool long_only) {
  std::vector<std::pair<std::string_view, const std::string*>> out;
  if (!long_only) out = {{"name", &e.name}, {"purpose", &e.purpose}};
  out.insert(out.end(), {{"description", &e.description},
                         {"security", &e.security},
                         {"if_open", &e.if_open},
                         {"history", &e.history},
                         {"background", &e.background},
                         {"trojan_notes", &e.trojan_notes}});
  return out;
}

void check_boilerplate(const CheckedEntry& checked,
                       std::unordered_map<std::string, const PortEntry*>& seen,
                       const std::string& source) {
  // The long prose only: a name or a purpose line may well be shared.
  for (const auto& [name, text_ptr] : prose_fields(*checked.entry, /*long_only=*/true)) {
    const Field& field = field_named(*checked.fields, name);
    if (!field.present()) continue;
    const std::string& text = *text_ptr;
    for (const std::string& sentence : sentences(text)) {
      if (word_count(sentence) < kBoilerplateWords) continue;
      const auto [it, fresh] = seen.emplace(lower(sentence), checked.entry);
      if (!fresh && it->second != checked.entry) {
        fail_at(source, *field.value,
                "boilerplate: the sentence \"" + sentence + "\" is also in the entry for port " +
                    port_label(*it->second) + " (line " + std::to_string(it->second->line) +
                    "); say what is true of this port in its own words");
      }
    }
  }
}

}  // namespace

void check_entry_content(const PortEntry& entry, const std::vector<Field>& fields,
                         const std::string& source) {
  for (const auto& [name, text] : prose_fields(entry, /*long_only=*/false)) {
    if (text->empty()) continue;
    const YamlNode& node = *field_named(fields, name).value;
    const std::string placeholder = placeholder_in(*text);
    if (!placeholder.empty()) {
      fail_at(source, node,
              "placeholder text ('" + placeholder + "') in '" + std::string(name) +
                  "': write what the service really is, or leave the field out");
    }
    const std::string broken = broken_word_in(*text);
    if (!broken.empty()) {
      fail_at(source, node,
              "'" + broken + "' in '" + std::string(name) +
                  "': a word broken by a stray hyphen and space");
    }
  }
  if (!entry.trojans.empty()) check_trojans(entry, field_named(fields, "trojans"), source);
}

void check_database(std::span<const CheckedEntry> entries, const std::vector<TrojanName>& catalog,
                    const PortIndex& index, const std::string& source) {
  // trojan_key of every catalog spelling -> its entry: an entry's trojan with one of these
  // keys must be written exactly as the canonical name.
  std::unordered_map<std::string, const TrojanName*> catalogued;
  for (const TrojanName& trojan : catalog) {
    catalogued.emplace(trojan_key(trojan.name), &trojan);
    for (const std::string& alias : trojan.aliases) catalogued.emplace(trojan_key(alias), &trojan);
  }

  std::unordered_map<std::string, std::pair<std::string, const PortEntry*>> spellings;
  std::unordered_map<std::string, const PortEntry*> sentences_seen;
  for (const CheckedEntry& checked : entries) {
    check_related(checked, index, source);
    check_boilerplate(checked, sentences_seen, source);
    const PortEntry& entry = *checked.entry;
    for (size_t i = 0; i < entry.trojans.size(); ++i) {
      const std::string& name = entry.trojans[i];
      const YamlNode& node = field_named(*checked.fields, "trojans").value->items[i];
      const std::string key = trojan_key(name);
      if (const auto known = catalogued.find(key);
          known != catalogued.end() && known->second->name != name) {
        fail_at(source, node,
                "trojan '" + name + "' is not the canonical spelling: write '" +
                    known->second->name + "' (trojan catalog, line " +
                    std::to_string(known->second->line) + ")");
      }
      const auto [it, fresh] = spellings.emplace(key, std::make_pair(name, &entry));
      if (!fresh && it->second.first != name) {
        fail_at(source, node,
                "trojan '" + name + "' is spelt '" + it->second.first + "' in the entry for port " +
                    port_label(*it->second.second) + " (line " +
                    std::to_string(it->second.second->line) +
                    "): use one spelling, and list others as aliases in the top-level "
                    "'trojans' catalog");
      }
    }
  }
}

}  // namespace portauth::db
