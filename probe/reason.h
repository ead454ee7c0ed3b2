// What a probe's answer was, and what that makes the port. TCP in ShieldsUP's three words:
//   open    - SYN-ACK: a service accepts connections
//   closed  - RST, or an ICMP unreachable: nothing listens, but the host betrayed itself
//   stealth - nothing came back at all, after every retry
// UDP in nmap's four, because silence proves nothing there (a UDP service answers only what
// it understands):
//   open          - a UDP reply (udp-response)
//   closed        - ICMP port unreachable (icmp-port-unreach; ICMPv6: port-unreach)
//   filtered      - another ICMP unreachable (a firewall or router refused it)
//   open|filtered - nothing came back, after every retry (no-response)
// Reason names match nmap's evidence strings where nmap has one.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "config/proto.h"

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
  // A UDP datagram back from the probed port (probe/udp_probe.h): nmap's udp-response.
  kUdpResponse,
};

// kFiltered and kOpenFiltered are UDP's only.
enum class PortState : uint8_t { kOpen, kClosed, kStealth, kFiltered, kOpenFiltered };

PortState state_of(Reason r);  // a TCP port's (or an echo's)
PortState state_of(Reason r, config::Proto proto);
std::string_view reason_name(Reason r);   // "syn-ack", "rst", "icmp-port-unreach", ...
std::string_view state_name(PortState s); // "open", "closed", "stealth", "filtered", "open|filtered"
std::optional<Reason> reason_from_name(std::string_view name);

// ICMP destination-unreachable codes that say something about the port (0, 1, 2, 3, 9, 10,
// 13). Others (fragmentation needed, source route failed, ...) are not an answer.
std::optional<Reason> reason_for_icmp_unreachable(uint8_t code);
// ICMPv6 destination-unreachable codes 0-6 (no-route ... reject-route); others are not an answer.
std::optional<Reason> reason_for_icmp6_unreachable(uint8_t code);

}  // namespace portauth::probe
