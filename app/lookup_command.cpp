#include "lookup_command.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "db/db_path.h"
#include "db/page_render.h"
#include "db/port_db.h"

namespace portauth::app {
namespace {

constexpr std::string_view kPortHint = "portauth lookup PORT, with PORT a decimal 0-65535";

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// A port number, nullopt for something that should be tried as a name, or LookupError for
// a number that cannot be a port. Names may start with digits (IANA has "3com-tsmux"), so
// only an all-digit query is a port.
std::optional<uint16_t> port_query(std::string_view query) {
  if (query.empty()) {
    throw LookupError(
        "empty query: give a port number (0-65535) or a service name, e.g. "
        "'portauth lookup 25' or 'portauth lookup smtp'");
  }
  const bool negative = query.size() > 1 && query[0] == '-' && all_digits(query.substr(1));
  if (negative ||
      (all_digits(query) && (query.size() > 5 || std::stoul(std::string(query)) > 65535))) {
    throw LookupError("port " + std::string(query) + " out of range: ports are 0-65535");
  }
  if (!all_digits(query)) return std::nullopt;
  return static_cast<uint16_t>(std::stoul(std::string(query)));
}

void print_pages(const std::vector<db::PortPage>& pages, bool json, bool as_array,
                 std::ostream& out) {
  if (json) {
    nlohmann::json document = nlohmann::json::array();
    for (const db::PortPage& page : pages) document.push_back(db::page_json(page));
    out << (as_array ? document : document.front()).dump(2) << '\n';
    return;
  }
  for (size_t i = 0; i < pages.size(); ++i) {
    if (i > 0) out << '\n';
    out << db::render_page_text(pages[i]);
  }
}

}  // namespace

int run_lookup(const LookupOptions& options, std::ostream& out) {
  if (options.format != "text" && options.format != "json") {
    throw LookupError("unknown --format '" + options.format + "' (expected text or json)");
  }
  const bool json = options.format == "json";
  // Validate the query before touching the database: a typo should not cost a load.
  const std::optional<uint16_t> port = port_query(options.query);
  const db::PortDb database = db::PortDb::load_file(db::resolve_db_path(options.db_path));

  if (port) {
    print_pages({database.page(*port)}, json, false, out);
    return 0;
  }
  const std::vector<const db::PortEntry*> matches = database.find_by_name(options.query);
  if (matches.empty()) {
    throw LookupError(
        "no service named '" + options.query +
        "' in the port database; to look up a port by number: " + std::string(kPortHint));
  }
  std::vector<db::PortPage> pages;
  for (const db::PortEntry* entry : matches)
    pages.push_back(db::make_listed_page(entry->first, *entry));
  print_pages(pages, json, true, out);
  return 0;
}

void add_lookup_command(CLI::App& app) {
  // Shared with the callback, which CLI11 runs after parsing fills it in.
  auto options = std::make_shared<LookupOptions>();
  CLI::App* lookup = app.add_subcommand(
      "lookup", "Show what portauth knows about a port number or a service name");
  lookup->add_option("QUERY", options->query, "A port number (0-65535) or a service name/alias")
      ->required();
  lookup->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  lookup->add_option("--db", options->db_path,
                     "Port database file (default: $PORTAUTH_DB, then the installed or "
                     "source-tree ports.yaml)");
  lookup->callback([options] { run_lookup(*options, std::cout); });
}

}  // namespace portauth::app
