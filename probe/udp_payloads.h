// What the UDP probe sends to each port, and how it knows a reply answers it: one row per
// protocol, data only (the bytes below are written from each protocol's specification, not
// copied from any scanner's payload file).
//
// A UDP service answers only a datagram it understands, so a port with a known service gets
// a request of that service that is harmless to answer: a DNS query for the root's name
// servers, an NTP client request (mode 3; never a monlist), an SNMP get of sysDescr with
// community "public", memcached "stats" with its UDP frame header, an SSDP M-SEARCH, an IKEv2
// IKE_SA_INIT, an OpenVPN hard reset, a NetBIOS name status query, ... Every other port gets
// an empty datagram.
//
// The cookie (probe/cookie.h: udp_cookie, 64 bits per target, port and our address) goes
// where the protocol echoes it, so that a reply is ours only if it carries it:
//   cookie   where write() puts it: `width` bytes of the cookie, big-endian, at `offset`
//            (kHex: as lower-case hex digits; kBerInt: a positive 4-byte BER INTEGER's value)
//   echo     where the reply must carry it back: the same bytes at `echo_offset` (kAt), or a
//            rule that needs a parse (SNMP's and LDAP's BER request/message id, OpenVPN's acked
//            session id, SIP's Via branch, QUIC's connection ids); kNone: nothing is echoed,
//            and the source port (derived from the cookie) is the only check
// A reply that should echo the cookie and does not is rejected, however it looks.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace portauth::probe {

enum class CookieCoding : uint8_t {
  kNone,    // the payload carries no cookie
  kBinary,  // `width` low bytes of the cookie, big-endian
  kHex,     // `width` lower-case hex digits of the cookie's low 4*width bits
  kBerInt,  // a 4-byte BER INTEGER's value: 0x40000000 | (cookie & 0x3fffffff), always
            // positive and minimally encoded in 4 bytes (30 bits of cookie)
};

enum class UdpEcho : uint8_t {
  kNone,        // nothing echoed: any datagram from the port to our source port answers
  kAt,          // the cookie bytes at echo_offset of the reply
  kSnmp,        // an SNMP message whose PDU's request-id is ours
  kLdap,        // an LDAP message whose messageID is ours (CLDAP)
  kOpenVpn,     // P_CONTROL_HARD_RESET_SERVER_V2 acknowledging our session id
  kSipBranch,   // "branch=z9hG4bK" + our hex digits somewhere in the reply
  kQuic,        // a version negotiation packet whose connection ids swap ours
};

struct UdpPayload {
  std::string_view name;       // "dns", "ntp", ... (the reply explainer's key)
  std::string_view protocol;   // "DNS", "NTP", ... for people
  std::vector<uint16_t> ports;
  std::vector<uint8_t> bytes;  // the probe's payload, cookie field zero
  CookieCoding coding = CookieCoding::kNone;
  uint16_t offset = 0;         // of the cookie field in `bytes`
  uint8_t width = 0;           // bytes of the field (kHex: digits)
  UdpEcho echo = UdpEcho::kNone;
  uint16_t echo_offset = 0;    // kAt
  // TFTP: the server answers from a new port of its own (its transfer id), so a reply to the
  // probe's source port from any port of the host answers this probe.
  bool reply_from_any_port = false;
  std::string_view sends;      // what the probe asks, for people
};

// Every payload, in port order of their first port.
const std::vector<UdpPayload>& udp_payloads();
// The payload for `port`, or null: that port gets an empty datagram.
const UdpPayload* udp_payload_for(uint16_t port);

// Writes `p`'s bytes with the cookie in place into out[0..p.bytes.size()).
void write_udp_payload(const UdpPayload& p, uint64_t cookie, uint8_t* out) noexcept;
// Whether `reply` (a UDP payload from the probed port) carries `cookie` as `p` says it must.
// Bounds-checked: any bytes in, never an out-of-bounds read.
bool udp_reply_echoes(const UdpPayload& p, std::span<const uint8_t> reply, uint64_t cookie) noexcept;
// TFTP's answers (DATA, ERROR, OACK): what a reply from another port must look like to count.
bool looks_like_tftp_reply(std::span<const uint8_t> reply) noexcept;

// The cookie field's bytes as write_udp_payload() writes them (kBerInt: the 4 value bytes).
uint32_t ber_request_id(uint64_t cookie);

}  // namespace portauth::probe
