// What a probe's answer was, and what that makes the port, in ShieldsUP's three words.
//   open    - SYN-ACK: a service accepts connections
//   closed  - RST, or an ICMP unreachable: nothing listens, but the host betrayed itself
//   stealth - nothing came back at all, after every retry
// Reason names match nmap's evidence strings where nmap has one.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace portauth::probe {

enum class Reason : uint8_t {
  kNone = 0,  // no answer yet: the value stored in the probe table before any reply
  kSynAck,
  kRst,
  kIcmpNetUnreach,
  kIcmpHostUnreach,
  kIcmpProtoUnreach,
  kIcmpPortUnreach,
  kIcmpNetProhibited,
  kIcmpHostProhibited,
  kIcmpAdminProhibited,
  kNoResponse,  // only in results: no answer after all passes
  // ICMPv6 destination unreachable (RFC 4443 3.1), codes 0-6, by nmap's names.
  kNoRoute,
  kAdminProhibited,
  kBeyondScope,
  kAddrUnreach,
  kPortUnreach,
  kFailedPolicy,
  kRejectRoute,
  // An ICMP or ICMPv6 echo reply (probe/icmp_echo_probe.h): the host answers, as nmap's
  // host discovery reports a host up.
  kEchoReply,
};

enum class PortState : uint8_t { kOpen, kClosed, kStealth };

PortState state_of(Reason r);
std::string_view reason_name(Reason r);   // "syn-ack", "rst", "icmp-port-unreach", ...
std::string_view state_name(PortState s); // "open", "closed", "stealth"
std::optional<Reason> reason_from_name(std::string_view name);

// ICMP destination-unreachable codes that say something about the port (0, 1, 2, 3, 9, 10,
// 13). Others (fragmentation needed, source route failed, ...) are not an answer.
std::optional<Reason> reason_for_icmp_unreachable(uint8_t code);
// ICMPv6 destination-unreachable codes 0-6 (no-route ... reject-route); others are not an answer.
std::optional<Reason> reason_for_icmp6_unreachable(uint8_t code);

}  // namespace portauth::probe
