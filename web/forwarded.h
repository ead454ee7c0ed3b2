// The proxy chain a request says it came through, from X-Forwarded-For or Forwarded (RFC 7239),
// and the client it names: the rightmost address that is not a trusted proxy. Pure parsing of
// text from strangers: bounded, no exceptions.
//
//   X-Forwarded-For: 203.0.113.7, 198.51.100.2        (each hop appends the address it saw)
//   Forwarded: for=203.0.113.7;proto=http, for="[2001:db8::7]:4711"
//
// Entries: an IPv4 address (optionally ":port"), an IPv6 address (bare in X-Forwarded-For, or in
// brackets with an optional port), or, in Forwarded only, "unknown" or an obfuscated "_name"
// (kept as a hop with no address). Several header lines are one list, in order.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/address.h"
#include "config/range_set.h"

namespace portauth::web {

struct ForwardedHop {
  std::optional<config::Address> address;  // nullopt: "unknown" or an obfuscated identifier
};

// nullopt: malformed (an entry that is not an address, an unterminated quote, more than
// kMaxForwardedHops entries).
inline constexpr size_t kMaxForwardedHops = 32;
std::optional<std::vector<ForwardedHop>> parse_x_forwarded_for(const std::vector<std::string>& lines);
std::optional<std::vector<ForwardedHop>> parse_forwarded(const std::vector<std::string>& lines);

// The client the chain names, seen from `peer` (a trusted proxy): walking from the right, the
// first hop that is not in `trusted`; when every hop is trusted, the leftmost. nullopt when that
// hop has no address ("unknown"), or the chain is empty.
std::optional<config::Address> client_from_chain(const std::vector<ForwardedHop>& hops,
                                                 const config::RangeSet& trusted);

}  // namespace portauth::web
