// Target sources beyond single specs: host names (resolved once, every IPv4 and IPv6 address kept)
// and list files (-iL / --exclude-file): one target per line, '#' comments, blank lines,
// CRLF line ends and a UTF-8 byte-order mark tolerated. Errors name FILE:LINE:COL.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/range_set.h"

namespace portauth::config {

// Resolves a host name to its addresses (A and AAAA); throws SpecError when it has none. The
// default uses getaddrinfo(AF_UNSPEC); tests inject their own.
using Resolver = std::function<std::vector<Address>(const std::string& host)>;
std::vector<Address> system_resolver(const std::string& host);

// True for text that can only be a host name ("mail.example.com", "localhost"): letters,
// digits, '-' and '.', with at least one letter. Address-like text ("1.2.3") is not a name,
// so a typo in an address is an error rather than a DNS lookup.
bool looks_like_hostname(const std::string& text);

// Parses target specs that may be host names. The *_ranges forms keep each named range as
// it was written (one per spec, comma item, line or resolved address), unmerged: the target
// policy (scan_plan.h) judges each named range on its own. `zone`, if given, receives the
// %zone of a link-local target (target_spec.h); two different zones are an error.
RangeSet parse_target_list(const std::vector<std::string>& specs, const Resolver& resolve);
std::vector<AddressRange> parse_target_ranges(const std::vector<std::string>& specs, const Resolver& resolve,
                                              std::string* zone = nullptr);

// Reads a list file (-iL, --exclude-file); "-" reads standard input.
RangeSet read_target_file(const std::string& path, const Resolver& resolve);
std::vector<AddressRange> read_target_ranges(const std::string& path, const Resolver& resolve,
                                             std::string* zone = nullptr);
// Same, from text already in memory (`name` is used for FILE in messages).
RangeSet parse_target_text(const std::string& text, const std::string& name, const Resolver& resolve);
std::vector<AddressRange> parse_target_text_ranges(const std::string& text, const std::string& name,
                                                   const Resolver& resolve, std::string* zone = nullptr);

}  // namespace portauth::config
