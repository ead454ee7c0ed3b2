#include "db/lookup_run.h"

#include <nlohmann/json.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "db/db_path.h"
#include "db/iana_registry.h"
#include "db/page_render.h"
#include "db/port_db.h"
#include "db/port_search.h"
#include "db/trojan_names.h"

namespace portauth::db {
namespace {

constexpr std::string_view kPortHint = "portauth lookup PORT, with PORT a decimal 0-65535";

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

struct PortQuery {
  uint16_t port = 0;
  std::optional<Proto> proto;  // given as PORT/tcp or PORT/udp
};

// A port (optionally PORT/PROTO), nullopt for something that should be tried as a name, or
// LookupError for a number that cannot be a port. Names may start with digits (IANA has
// "3com-tsmux"), so only an all-digit query is a port.
std::optional<PortQuery> port_query(std::string_view query) {
  if (query.empty()) {
    throw LookupError(
        "empty query: give a port number (0-65535) or a service name, e.g. "
        "'portauth lookup 25' or 'portauth lookup smtp'");
  }
  PortQuery parsed;
  const size_t slash = query.find('/');
  if (slash != std::string_view::npos && all_digits(query.substr(0, slash))) {
    parsed.proto = parse_proto(query.substr(slash + 1));
    if (!parsed.proto) {
      throw LookupError("unknown protocol in '" + std::string(query) +
                        "': write PORT/tcp or PORT/udp");
    }
    query = query.substr(0, slash);
  }
  const bool negative = query.size() > 1 && query[0] == '-' && all_digits(query.substr(1));
  if (negative ||
      (all_digits(query) && (query.size() > 5 || std::stoul(std::string(query)) > 65535))) {
    throw LookupError("port " + std::string(query) + " out of range: ports are 0-65535");
  }
  if (!all_digits(query)) return std::nullopt;
  parsed.port = static_cast<uint16_t>(std::stoul(std::string(query)));
  return parsed;
}

void print_pages(const std::vector<PortPage>& pages, bool json, bool as_array,
                 std::ostream& out) {
  if (json) {
    nlohmann::json document = nlohmann::json::array();
    for (const PortPage& page : pages) document.push_back(page_json(page));
    out << (as_array ? document : document.front()).dump(2) << '\n';
    return;
  }
  for (size_t i = 0; i < pages.size(); ++i) {
    if (i > 0) out << '\n';
    out << render_page_text(pages[i]);
  }
}

// Entries that list the trojan `name` (canonical or any catalog spelling, any case).
std::vector<const PortEntry*> find_by_trojan(const PortDb& database,
                                                 std::string_view name) {
  std::string canonical;
  const std::string key = trojan_key(name);
  for (const TrojanName& trojan : database.trojans()) {
    bool spelt = trojan_key(trojan.name) == key;
    for (const std::string& alias : trojan.aliases) spelt = spelt || trojan_key(alias) == key;
    if (spelt) canonical = trojan.name;
  }
  std::vector<const PortEntry*> found;
  for (const PortEntry& entry : database.entries()) {
    for (const std::string& trojan : entry.trojans) {
      if (trojan == canonical || trojan_key(trojan) == key) {
        found.push_back(&entry);
        break;
      }
    }
  }
  return found;
}

std::string port_label(const SearchHit& hit) {
  std::string label = std::to_string(hit.port);
  if (hit.last != hit.port) label += "-" + std::to_string(hit.last);
  return label + "/" + std::string(proto_name(hit.proto));
}

void print_search(const std::string& query, const std::vector<SearchHit>& hits, bool json,
                  std::ostream& out) {
  if (json) {
    nlohmann::json matches = nlohmann::json::array();
    for (const SearchHit& hit : hits) {
      matches.push_back({{"port", hit.port},
                         {"last", hit.last},
                         {"proto", proto_name(hit.proto)},
                         {"name", hit.name},
                         {"purpose", hit.purpose},
                         {"source", page_source_name(hit.source)},
                         {"matched", hit.matched},
                         {"score", hit.score}});
    }
    out << nlohmann::json{{"query", query}, {"matches", matches}}.dump(2) << '\n';
    return;
  }
  out << hits.size() << (hits.size() == 1 ? " port matches" : " ports match") << " '" << query
      << "', best first:\n";
  for (const SearchHit& hit : hits) {
    std::string line = port_label(hit);
    line.resize(std::max<size_t>(line.size() + 1, 13), ' ');
    line += hit.name;
    if (!hit.purpose.empty()) line += ": " + hit.purpose;
    line += "  [" + hit.matched + (hit.source == PageSource::kIana ? ", IANA registry" : "") +
            "]";
    out << "  " << line << '\n';
  }
}

const IanaTier& iana_tier(const LookupOptions& options, std::optional<IanaTier>& own) {
  if (options.iana_path.empty()) return system_iana_tier();
  own = load_iana_tier(options.iana_path);
  return *own;
}

int run_search(const LookupOptions& options, const PortDb& database,
               const IanaTier& iana, std::ostream& out) {
  const std::vector<SearchHit> hits = search_ports(
      database, options.search, iana.registry ? &*iana.registry : nullptr, options.limit);
  if (hits.empty()) {
    throw LookupError("nothing in the port database" +
                      std::string(iana.registry ? " or the IANA registry" : "") + " matches '" +
                      options.search + "'");
  }
  print_search(options.search, hits, options.format == "json", out);
  return 0;
}

}  // namespace

int run_lookup(const LookupOptions& options, std::ostream& out) {
  if (options.format != "text" && options.format != "json") {
    throw LookupError("unknown --format '" + options.format + "' (expected text or json)");
  }
  const bool searching = !options.search.empty();
  if (searching && !options.query.empty()) {
    throw LookupError("give either a QUERY or --search TEXT, not both");
  }
  const bool json = options.format == "json";
  // Validate the query before touching the database: a typo should not cost a load.
  const std::optional<PortQuery> port = searching ? std::nullopt : port_query(options.query);
  const PortDb database = PortDb::load_file(resolve_db_path(options.db_path));
  std::optional<IanaTier> own_tier;
  const IanaTier& iana = iana_tier(options, own_tier);

  if (searching) return run_search(options, database, iana, out);
  if (port) {
    const PortPage page = port->proto ? database.page(port->port, *port->proto, iana)
                                          : database.page(port->port, iana);
    print_pages({page}, json, false, out);
    return 0;
  }
  std::vector<const PortEntry*> matches = database.find_by_name(options.query);
  if (matches.empty()) matches = find_by_trojan(database, options.query);
  if (matches.empty()) {
    throw LookupError("no service or trojan named '" + options.query +
                      "' in the port database; to search every page: portauth lookup --search '" +
                      options.query + "'; to look up a port by number: " + std::string(kPortHint));
  }
  std::vector<PortPage> pages;
  for (const PortEntry* entry : matches)
    pages.push_back(make_listed_page(entry->first, *entry));
  print_pages(pages, json, true, out);
  return 0;
}

}  // namespace portauth::db
