#include "db/port_search.h"

#include <algorithm>
#include <unordered_map>

namespace portauth::db {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The query, lower-cased, whitespace collapsed, and its words.
struct Query {
  std::string phrase;
  std::vector<std::string> words;
};

// Hyphens and underscores count as spaces on both sides, so "home assistant" finds the
// service named home-assistant and "redis-sentinel" finds "Redis Sentinel".
bool is_gap(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '-' || c == '_'; }

Query parse_query(std::string_view text) {
  Query query;
  std::string word;
  for (char c : lower(text) + " ") {
    if (is_gap(c)) {
      if (!word.empty()) query.words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  for (const std::string& w : query.words) query.phrase += (query.phrase.empty() ? "" : " ") + w;
  return query;
}

// Folded YAML keeps line breaks inside prose; a phrase must match across them.
std::string searchable(std::string_view text) {
  std::string out;
  for (char c : lower(text)) {
    if (is_gap(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool all_words(const std::string& text, const Query& query) {
  return std::all_of(query.words.begin(), query.words.end(),
                     [&](const std::string& w) { return text.find(w) != std::string::npos; });
}

// Scores, highest first; the gaps leave room for the rank tie-break to stay secondary.
enum Score : int {
  kNameEqual = 1000,
  kAliasEqual = 950,
  kTrojanEqual = 900,
  kNamePhrase = 700,
  kAliasPhrase = 650,
  kTrojanPhrase = 600,
  kPurposePhrase = 500,
  kIanaNameEqual = 450,
  kDescriptionPhrase = 400,
  kPurposeWords = 350,
  kBackgroundPhrase = 300,
  kIanaNamePhrase = 250,
  kDescriptionWords = 200,
  kIanaDescriptionPhrase = 180,
  kBackgroundWords = 150,
  kIanaDescriptionWords = 100,
};

struct Best {
  int score = 0;
  std::string matched;
  void offer(int candidate, std::string_view where) {
    if (candidate > score) {
      score = candidate;
      matched = std::string(where);
    }
  }
};

void score_list(Best& best, const std::vector<std::string>& items, const Query& query,
                int equal, int phrase, std::string_view where) {
  for (const std::string& item : items) {
    const std::string text = searchable(item);
    if (text == query.phrase) best.offer(equal, where);
    else if (text.find(query.phrase) != std::string::npos) best.offer(phrase, where);
  }
}

void score_prose(Best& best, std::string_view prose, const Query& query, int phrase, int words,
                 std::string_view where) {
  if (prose.empty()) return;
  const std::string text = searchable(prose);
  if (text.find(query.phrase) != std::string::npos) best.offer(phrase, where);
  else if (all_words(text, query)) best.offer(words, where);
}

// Each trojan name an entry lists, with every spelling the catalog gives it.
using Spellings = std::unordered_map<std::string, std::vector<std::string>>;

Spellings catalog_spellings(const PortDb& db) {
  Spellings spellings;
  for (const TrojanName& trojan : db.trojans()) spellings[trojan.name] = trojan.aliases;
  return spellings;
}

Best score_entry(const PortEntry& entry, const Query& query, const Spellings& spellings) {
  Best best;
  score_list(best, {entry.name}, query, kNameEqual, kNamePhrase, "name");
  score_list(best, entry.aliases, query, kAliasEqual, kAliasPhrase, "alias");
  score_list(best, entry.trojans, query, kTrojanEqual, kTrojanPhrase, "trojan");
  for (const std::string& trojan : entry.trojans) {
    const auto it = spellings.find(trojan);
    if (it != spellings.end())
      score_list(best, it->second, query, kTrojanEqual, kTrojanPhrase, "trojan");
  }
  score_prose(best, entry.purpose, query, kPurposePhrase, kPurposeWords, "purpose");
  score_prose(best, entry.description, query, kDescriptionPhrase, kDescriptionWords,
              "description");
  for (const auto& [text, where] : {std::pair<const std::string*, std::string_view>{
                                        &entry.security, "security"},
                                    {&entry.if_open, "if_open"},
                                    {&entry.history, "history"},
                                    {&entry.background, "background"},
                                    {&entry.trojan_notes, "trojan_notes"}})
    score_prose(best, *text, query, kBackgroundPhrase, kBackgroundWords, where);
  return best;
}

Best score_iana(const IanaService& service, const Query& query) {
  Best best;
  score_list(best, {service.name}, query, kIanaNameEqual, kIanaNamePhrase, "iana name");
  score_prose(best, service.description, query, kIanaDescriptionPhrase, kIanaDescriptionWords,
              "iana description");
  return best;
}

}  // namespace

std::vector<SearchHit> search_ports(const PortDb& db, std::string_view text,
                                    const IanaRegistry* iana, size_t limit) {
  const Query query = parse_query(text);
  std::vector<SearchHit> hits;
  if (query.words.empty()) return hits;

  const Spellings spellings = catalog_spellings(db);
  for (const PortEntry& entry : db.entries()) {
    const Best best = score_entry(entry, query, spellings);
    if (best.score == 0) continue;
    hits.push_back({entry.first, entry.last, entry.proto, entry.name, entry.purpose,
                    PageSource::kPortauth, best.score, best.matched, entry.rank});
  }
  if (iana) {
    for (const IanaService& service : iana->services()) {
      // Only ports we say nothing about: our page is the better answer for the rest.
      const Proto proto = service.tcp ? Proto::kTcp : Proto::kUdp;
      if (db.find(service.first, Proto::kTcp) || db.find(service.first, Proto::kUdp)) continue;
      const Best best = score_iana(service, query);
      if (best.score == 0) continue;
      hits.push_back({service.first, service.last, proto, service.name, service.description,
                      PageSource::kIana, best.score, best.matched, 0});
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
    if (a.score != b.score) return a.score > b.score;
    const bool a_ranked = a.rank > 0, b_ranked = b.rank > 0;
    if (a_ranked != b_ranked) return a_ranked;
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.port != b.port) return a.port < b.port;
    return a.proto < b.proto;
  });
  if (limit > 0 && hits.size() > limit) hits.resize(limit);
  return hits;
}

}  // namespace portauth::db
