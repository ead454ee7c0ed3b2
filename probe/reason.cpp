#include "probe/reason.h"

#include <array>

namespace portauth::probe {
namespace {

constexpr std::array<std::string_view, 20> kNames = {
    "none",
    "syn-ack",
    "rst",
    "icmp-net-unreach",
    "icmp-host-unreach",
    "icmp-proto-unreach",
    "icmp-port-unreach",
    "icmp-net-prohibited",
    "icmp-host-prohibited",
    "icmp-admin-prohibited",
    "no-response",
    "no-route",
    "admin-prohibited",
    "beyond-scope",
    "addr-unreach",
    "port-unreach",
    "failed-policy",
    "reject-route",
    "echo-reply",
    "udp-response",
};

}  // namespace

PortState state_of(Reason r) {
  switch (r) {
    case Reason::kSynAck:
    case Reason::kEchoReply:
    case Reason::kUdpResponse: return PortState::kOpen;
    case Reason::kNone:
    case Reason::kNoResponse: return PortState::kStealth;
    default: return PortState::kClosed;
  }
}

PortState state_of(Reason r, config::Proto proto) {
  if (proto == config::Proto::kTcp) return state_of(r);
  switch (r) {
    case Reason::kUdpResponse: return PortState::kOpen;
    case Reason::kIcmpPortUnreach:
    case Reason::kPortUnreach: return PortState::kClosed;
    case Reason::kNone:
    case Reason::kNoResponse: return PortState::kOpenFiltered;
    default: return PortState::kFiltered;
  }
}

std::string_view reason_name(Reason r) {
  const auto i = size_t(r);
  return i < kNames.size() ? kNames[i] : "unknown";
}

std::string_view state_name(PortState s) {
  switch (s) {
    case PortState::kOpen: return "open";
    case PortState::kClosed: return "closed";
    case PortState::kStealth: return "stealth";
    case PortState::kFiltered: return "filtered";
    case PortState::kOpenFiltered: return "open|filtered";
  }
  return "unknown";
}

std::optional<Reason> reason_from_name(std::string_view name) {
  for (size_t i = 1; i < kNames.size(); ++i)
    if (kNames[i] == name) return Reason(i);
  return std::nullopt;
}

std::optional<Reason> reason_for_icmp_unreachable(uint8_t code) {
  switch (code) {
    case 0: return Reason::kIcmpNetUnreach;
    case 1: return Reason::kIcmpHostUnreach;
    case 2: return Reason::kIcmpProtoUnreach;
    case 3: return Reason::kIcmpPortUnreach;
    case 9: return Reason::kIcmpNetProhibited;
    case 10: return Reason::kIcmpHostProhibited;
    case 13: return Reason::kIcmpAdminProhibited;
    default: return std::nullopt;
  }
}

std::optional<Reason> reason_for_icmp6_unreachable(uint8_t code) {
  if (code > 6) return std::nullopt;
  return Reason(uint8_t(Reason::kNoRoute) + code);
}

}  // namespace portauth::probe
