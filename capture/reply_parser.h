// Parses one captured frame into the facts a reply validator needs. Pure: bytes in, struct
// out; every length is checked against the captured length before it is read, so a
// truncated or malicious frame yields a status, never an out-of-bounds read.
//
// Link types: Ethernet (with 802.1Q / 802.1ad tags), Linux cooked v1 and v2, raw IP, BSD
// loopback (DLT_NULL), each carrying IPv4 or IPv6. Replies of interest: TCP segments with RST
// or SYN+ACK, UDP datagrams (their payload as captured), ICMP / ICMPv6 destination-unreachable
// messages quoting a TCP or UDP header of the same family, and ICMP / ICMPv6 echo replies
// (probe/reply.h says which fields they fill).
// IPv6 extension headers (hop-by-hop, routing, fragment, destination options, AH) are walked,
// at most 8 of them; a later fragment is kFragment, a longer chain kBadExtensionHeaders.
#pragma once
#include <cstddef>
#include <cstdint>

#include "probe/reply.h"
#include "probe/syn_ack_facts.h"

namespace portauth::capture {


enum class ParseStatus : uint8_t {
  kOk,
  kUnsupportedLink,
  kTruncated,
  kNotIpv4,  // not IP at all (the name predates IPv6: neither IPv4 nor IPv6)
  kFragment,
  kBadExtensionHeaders,  // an IPv6 extension-header chain longer than the parser walks
  kNotAReply,  // another protocol, TCP without RST/SYN+ACK, another ICMP type, ...
};

ParseStatus parse_reply(int linktype, const uint8_t* frame, size_t caplen, probe::Reply& out);
// The same, and when the reply is a SYN-ACK (kind kSynAck, status kOk) also its header facts and
// options into `facts` (probe/syn_ack_facts.h); `facts` is left alone for every other reply.
// Options are walked within the TCP header's own length and the captured bytes; a malformed
// option list stops the walk and sets SynAckFacts::kBadOptions.
ParseStatus parse_reply(int linktype, const uint8_t* frame, size_t caplen, probe::Reply& out,
                        probe::SynAckFacts* facts);

// Where the IP header (IPv4 or IPv6) starts behind the link header of `linktype` (the same link types as
// parse_reply): its offset, or -1 with `status` set (kUnsupportedLink, kTruncated, kNotIpv4).
// The IPv4 header itself is not checked.
long ipv4_offset(int linktype, const uint8_t* frame, size_t caplen, ParseStatus& status);

// DLT values used above (from pcap/dlt.h), so pure code does not include pcap.h.
inline constexpr int kDltNull = 0;
inline constexpr int kDltEthernet = 1;
inline constexpr int kDltRaw = 12;
inline constexpr int kLinktypeRaw = 101;
inline constexpr int kDltLinuxSll = 113;
inline constexpr int kDltIpv4 = 228;
inline constexpr int kDltIpv6 = 229;
inline constexpr int kDltLinuxSll2 = 276;

}  // namespace portauth::capture
