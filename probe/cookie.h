// SYN cookies: the sequence number of each probe is a keyed hash of the connection
// 4-tuple, so a reply can be validated without remembering anything per probe (masscan's
// idea). The key is random per run, lives only in memory and is never written out, so an
// outsider cannot forge an acceptable reply without seeing our probes.
//
//   SYN-ACK is ours iff ack == cookie + 1
//   RST     is ours iff ack == cookie or ack == cookie + 1
//   ICMP    is ours iff the quoted TCP header carries seq == cookie
#pragma once
#include <cstddef>
#include <cstdint>

#include "config/address.h"

namespace portauth::probe {

struct CookieKey {
  uint64_t k0 = 0, k1 = 0;
  static CookieKey random();  // from getrandom(2)
};

// SipHash-2-4 of `len` bytes (the reference algorithm; used for tests and general hashing).
uint64_t siphash24(const CookieKey& key, const void* data, size_t len);

// The probe cookie: SipHash-2-4 of the 16-byte message
// (target_ip, source_ip, target_port, source_port, 0...) in network-independent layout,
// computed without a byte buffer. Equal to siphash24() over cookie_message().
uint32_t syn_cookie(const CookieKey& key, uint32_t target_ip, uint16_t target_port,
                    uint32_t source_ip, uint16_t source_port);

// The cookie of a probe of either family. IPv4 (both addresses IPv4): exactly the cookie
// above. IPv6: SipHash-2-4 of the 40-byte message (target, source: all 128 bits each, then
// target_port << 16 | source_port), equal to siphash24() over cookie_message6(); so two
// probes that differ anywhere in their addresses get unrelated cookies.
uint32_t syn_cookie(const CookieKey& key, const config::Address& target, uint16_t target_port,
                    const config::Address& source, uint16_t source_port);
void cookie_message6(const config::Address& target, uint16_t target_port, const config::Address& source,
                     uint16_t source_port, uint64_t out[5]);

// The UDP probe's cookie (probe/udp_probe.h): all 64 bits of SipHash-2-4 of the 40-byte
// message (target, source: 128 bits each, then a tag that no SYN message can hold, and the
// target port), equal to siphash24() over udp_cookie_message(). The source port is derived
// from it, so it is not part of the message; the tag keeps UDP and SYN cookies unrelated.
uint64_t udp_cookie(const CookieKey& key, const config::Address& target, uint16_t target_port,
                    const config::Address& source);
void udp_cookie_message(const config::Address& target, uint16_t target_port, const config::Address& source,
                        uint64_t out[5]);

// The two little-endian words syn_cookie() hashes (exposed for the equivalence test).
void cookie_message(uint32_t target_ip, uint16_t target_port, uint32_t source_ip,
                    uint16_t source_port, uint64_t out[2]);

}  // namespace portauth::probe
