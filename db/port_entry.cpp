#include "db/port_entry.h"

namespace portauth::db {

std::string_view proto_name(Proto proto) { return proto == Proto::kUdp ? "udp" : "tcp"; }

std::optional<Proto> parse_proto(std::string_view text) {
  if (text == "tcp") return Proto::kTcp;
  if (text == "udp") return Proto::kUdp;
  return std::nullopt;
}

std::string_view risk_name(Risk risk) {
  switch (risk) {
    case Risk::kInfo:
      return "info";
    case Risk::kLow:
      return "low";
    case Risk::kMedium:
      return "medium";
    case Risk::kHigh:
      return "high";
    case Risk::kUnknown:
      break;
  }
  return "unknown";
}

std::optional<Risk> parse_risk(std::string_view text) {
  // "unknown" is deliberately not accepted: leaving the key out says the same thing.
  if (text == "info") return Risk::kInfo;
  if (text == "low") return Risk::kLow;
  if (text == "medium") return Risk::kMedium;
  if (text == "high") return Risk::kHigh;
  return std::nullopt;
}

}  // namespace portauth::db
