// The registry of identifiers: every protocol family portauth recognises, in the order their
// greetings are tried, and what a port's database name says to expect there.
#pragma once
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "service/identifier.h"

namespace portauth::service {

// Every identifier, one per family (ssh, ftp, smtp, ... ; "ssl" is the TLS record matcher).
std::span<const Identifier* const> identifiers();
// The identifier of `family`, or null.
const Identifier* find_identifier(std::string_view family);

// What a port's database names (its name, then its aliases) lead us to expect: a family,
// wrapped in TLS or not. nullopt when no name maps to a family we know.
struct Expectation {
  const Identifier* family = nullptr;
  bool tls = false;  // "https", "imaps", "ldaps", "docker-s", ...
};
std::optional<Expectation> expectation_for(std::span<const std::string> port_names);

// The best match for bytes a service sent, over every identifier: `first` is tried before
// the others (the probe we sent); among the rest the highest confidence wins, ties in
// registry order. nullopt when nothing matches.
struct Matched {
  Identified id;
  const Identifier* by = nullptr;
};
std::optional<Matched> match_any(std::string_view bytes, const Identifier* first = nullptr);

}  // namespace portauth::service
