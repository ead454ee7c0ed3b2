// `lookup --search TEXT`: ports found by what they are called or what their page says.
//
// A port matches when every word of the query (case-insensitive) appears in one of its
// fields. Where the match is found decides the score, best first:
//   name equal to the query, an alias equal, a trojan (or a catalog spelling of it) equal,
//   then the query as a phrase inside name, alias, trojan, purpose, description,
//   background, then all its words scattered in purpose, description, background.
// Ports portauth has no entry for are searched in the IANA registry too (name and
// description), scored below any entry of ours that matches as well. Ties go to the more
// commonly open port (rank), then the lower number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/iana_registry.h"
#include "db/port_db.h"
#include "db/port_page.h"

namespace portauth::db {

struct SearchHit {
  uint16_t port = 0;  // the entry's first port
  uint16_t last = 0;  // == port unless a range
  Proto proto = Proto::kTcp;
  std::string name;
  std::string purpose;
  PageSource source = PageSource::kPortauth;  // kPortauth or kIana
  int score = 0;
  std::string matched;  // where: "name", "alias", "trojan", "purpose", "description", ...
  int rank = 0;         // the entry's rank, 0 = unranked
};

// Best first; at most `limit` hits (0 = all). `iana` may be null (not installed). An empty
// or all-space query matches nothing.
std::vector<SearchHit> search_ports(const PortDb& db, std::string_view query,
                                    const IanaRegistry* iana, size_t limit);

}  // namespace portauth::db
