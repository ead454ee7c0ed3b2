// One record of the port knowledge base, as validated by the loader.
//
// A PortEntry is plain data: every string is trimmed, every list is in file order, and
// the invariants below hold for any entry a PortDb hands out (the loader rejects the rest).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portauth::db {

enum class Proto { kTcp, kUdp };

// How worrying it is to find this port open. kUnknown = the database says nothing.
enum class Risk { kUnknown, kInfo, kLow, kMedium, kHigh };

struct PortEntry {
  uint16_t first = 0;  // first <= last; a single port has first == last
  uint16_t last = 0;
  Proto proto = Proto::kTcp;
  std::string name;                  // short service name, never empty
  std::vector<std::string> aliases;  // other names it is known by
  std::string purpose;               // the protocol's full name, never empty
  std::string description;           // what it is and who listens there ("" = not recorded)
  std::string background;            // anything else worth knowing: deployment notes, context
  // The sections of a full page (Port Authority style), each optional:
  std::string security;      // security implications of the port being reachable
  std::string if_open;       // what to do if you find it open and did not mean to
  std::string history;       // where the protocol and the port number came from
  std::string trojan_notes;  // what the trojans listed in `trojans` did here
  std::vector<uint16_t> related;     // ports worth looking at alongside this one
  std::vector<std::string> trojans;  // malware known to listen here
  Risk risk = Risk::kUnknown;
  std::vector<std::string> refs;  // RFCs, URLs
  int rank = 0;                   // 1 = most commonly found open; 0 = unranked; unique if > 0
  int line = 0;                   // 1-based line of the entry in its source, for messages

  bool is_range() const { return first != last; }
  bool covers(uint16_t port) const { return first <= port && port <= last; }
};

// "tcp" / "udp".
std::string_view proto_name(Proto proto);
std::optional<Proto> parse_proto(std::string_view text);

// "info", "low", "medium", "high"; kUnknown -> "unknown".
std::string_view risk_name(Risk risk);
// Accepts exactly the four spellings the schema allows (not "unknown").
std::optional<Risk> parse_risk(std::string_view text);

}  // namespace portauth::db
