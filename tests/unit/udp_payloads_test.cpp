// Each UDP payload (probe/udp_payloads.h) parses as its protocol's specification says, read
// here by small decoders written for the test (not the code under test); the cookie lands
// where the row says, and only there. (tests/integration/test_udp_payloads.py has Wireshark's
// dissectors read the same probes off a pcap.)
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "probe/udp_payloads.h"

using namespace portauth::probe;

namespace {

using Bytes = std::vector<uint8_t>;

const UdpPayload& row(std::string_view name) {
  for (const auto& p : udp_payloads())
    if (p.name == name) return p;
  throw std::runtime_error("no payload " + std::string(name));
}

Bytes written(const UdpPayload& p, uint64_t cookie = 0x0123456789abcdefULL) {
  Bytes b(p.bytes.size());
  write_udp_payload(p, cookie, b.data());
  return b;
}

uint16_t be16(const Bytes& b, size_t at) { return uint16_t(b.at(at) << 8 | b.at(at + 1)); }
uint32_t be32(const Bytes& b, size_t at) { return uint32_t(be16(b, at)) << 16 | be16(b, at + 2); }
std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }

// A DNS name at `at` (no compression in a query): its labels joined by '.', and where it ends.
std::string dns_name(const Bytes& b, size_t& at) {
  std::string name;
  while (b.at(at) != 0) {
    const size_t n = b.at(at);
    EXPECT_LT(n, 64u);
    name += (name.empty() ? "" : ".") + std::string(b.begin() + long(at + 1), b.begin() + long(at + 1 + n));
    at += 1 + n;
  }
  ++at;
  return name;
}

// One BER TLV at `at`: its tag, and [start, end) of its contents; `at` moves past it.
struct Tlv {
  uint8_t tag;
  size_t start, end;
};
Tlv ber(const Bytes& b, size_t& at) {
  Tlv t{b.at(at), 0, 0};
  size_t len = b.at(at + 1), hdr = 2;
  if (len & 0x80) {
    const size_t n = len & 0x7f;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = len << 8 | b.at(at + 2 + i);
    hdr += n;
  }
  t.start = at + hdr;
  t.end = t.start + len;
  EXPECT_LE(t.end, b.size());
  at = t.end;
  return t;
}
uint64_t ber_uint(const Bytes& b, const Tlv& t) {
  uint64_t v = 0;
  for (size_t i = t.start; i < t.end; ++i) v = v << 8 | b[i];
  return v;
}

}  // namespace

TEST(UdpPayloads, TableIsWellFormed) {
  std::set<uint16_t> ports;
  std::set<std::string_view> names;
  for (const auto& p : udp_payloads()) {
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    EXPECT_FALSE(p.protocol.empty() || p.sends.empty() || p.bytes.empty()) << p.name;
    for (uint16_t port : p.ports) {
      EXPECT_TRUE(ports.insert(port).second) << "port " << port << " has two payloads";
      EXPECT_EQ(udp_payload_for(port), &p);
    }
    const size_t field = p.coding == CookieCoding::kBerInt ? 4 : p.width;
    EXPECT_LE(p.offset + field, p.bytes.size()) << p.name;
    if (p.coding != CookieCoding::kNone) {
      // The table's bytes hold zeros (or '0' digits) where the cookie goes; write() changes
      // exactly that field and nothing else.
      const Bytes a = written(p, 0x0123456789abcdefULL), b = written(p, 0xfedcba9876543210ULL);
      for (size_t i = 0; i < p.bytes.size(); ++i) {
        const bool in_field = i >= p.offset && i < p.offset + field;
        if (!in_field) {
          EXPECT_EQ(a[i], p.bytes[i]) << p.name << " byte " << i;
        }
      }
      EXPECT_NE(a, b) << p.name;
    } else {
      EXPECT_EQ(written(p), p.bytes) << p.name;
      EXPECT_EQ(p.echo, UdpEcho::kNone) << p.name << ": an echo without a cookie";
    }
  }
  EXPECT_EQ(udp_payload_for(40000), nullptr);
  EXPECT_GE(udp_payloads().size(), 20u);
}

TEST(UdpPayloads, DnsAndMdnsQueries) {
  const Bytes d = written(row("dns"), 0xbeef);
  EXPECT_EQ(be16(d, 0), 0xbeef);            // id = the cookie's low 16 bits
  EXPECT_EQ(be16(d, 2), 0x0100);            // a standard query, recursion desired
  EXPECT_EQ(be16(d, 4), 1);                 // one question
  EXPECT_EQ(be32(d, 6), 0u);                // no answers, authority or additional records
  EXPECT_EQ(be16(d, 10), 0);
  size_t at = 12;
  EXPECT_EQ(dns_name(d, at), "");           // the root
  EXPECT_EQ(be16(d, at), 2);                // NS
  EXPECT_EQ(be16(d, at + 2), 1);            // IN
  EXPECT_EQ(at + 4, d.size());
  const Bytes m = written(row("mdns"), 0xcafe);
  EXPECT_EQ(be16(m, 0), 0xcafe);
  EXPECT_EQ(be16(m, 2), 0);
  at = 12;
  EXPECT_EQ(dns_name(m, at), "_services._dns-sd._udp.local");
  EXPECT_EQ(be16(m, at), 12);               // PTR
  EXPECT_EQ(at + 4, m.size());
}

TEST(UdpPayloads, NtpClientRequest) {
  const Bytes n = written(row("ntp"), 0x1122334455667788ULL);
  ASSERT_EQ(n.size(), 48u);
  EXPECT_EQ(n[0] >> 6, 0);          // leap indicator
  EXPECT_EQ((n[0] >> 3) & 7, 4);    // version 4
  EXPECT_EQ(n[0] & 7, 3);           // mode 3: client (never 7: private, monlist)
  EXPECT_EQ(be32(n, 40), 0x11223344u);  // the transmit timestamp is the cookie
  EXPECT_EQ(be32(n, 44), 0x55667788u);
  for (size_t i = 1; i < 40; ++i) EXPECT_EQ(n[i], 0) << i;
  EXPECT_EQ(row("ntp").echo_offset, 24);  // the server returns it as the origin timestamp
}

TEST(UdpPayloads, SnmpGetOfSysDescr) {
  const Bytes s = written(row("snmp"), 0xffffffffffULL);
  size_t at = 0;
  const Tlv msg = ber(s, at);
  EXPECT_EQ(msg.tag, 0x30);
  EXPECT_EQ(msg.end, s.size());
  at = msg.start;
  const Tlv version = ber(s, at);
  EXPECT_EQ(version.tag, 0x02);
  EXPECT_EQ(ber_uint(s, version), 1u);  // v2c
  const Tlv community = ber(s, at);
  EXPECT_EQ(community.tag, 0x04);
  EXPECT_EQ(std::string(s.begin() + long(community.start), s.begin() + long(community.end)), "public");
  const Tlv pdu = ber(s, at);
  EXPECT_EQ(pdu.tag, 0xa0);  // GetRequest
  at = pdu.start;
  const Tlv id = ber(s, at);
  EXPECT_EQ(id.tag, 0x02);
  EXPECT_EQ(id.end - id.start, 4u);
  EXPECT_EQ(ber_uint(s, id), ber_request_id(0xffffffffffULL));
  EXPECT_LT(s[id.start], 0x80);  // positive: a signed INTEGER
  EXPECT_GE(s[id.start], 0x40);  // and minimally encoded in 4 bytes
  EXPECT_EQ(ber_uint(s, ber(s, at)), 0u);  // error-status
  EXPECT_EQ(ber_uint(s, ber(s, at)), 0u);  // error-index
  const Tlv list = ber(s, at);
  at = list.start;
  const Tlv bind = ber(s, at);
  at = bind.start;
  const Tlv oid = ber(s, at);
  EXPECT_EQ(oid.tag, 0x06);
  EXPECT_EQ(Bytes(s.begin() + long(oid.start), s.begin() + long(oid.end)),
            (Bytes{0x2b, 6, 1, 2, 1, 1, 1, 0}));  // 1.3.6.1.2.1.1.1.0: sysDescr.0
  const Tlv value = ber(s, at);
  EXPECT_EQ(value.tag, 0x05);  // NULL
  EXPECT_EQ(value.end, value.start);
}

TEST(UdpPayloads, CldapRootDseSearch) {
  const Bytes l = written(row("cldap"), 42);
  size_t at = 0;
  const Tlv msg = ber(l, at);
  EXPECT_EQ(msg.end, l.size());
  at = msg.start;
  EXPECT_EQ(ber_uint(l, ber(l, at)), ber_request_id(42));
  const Tlv req = ber(l, at);
  EXPECT_EQ(req.tag, 0x63);  // [APPLICATION 3] SearchRequest
  at = req.start;
  const Tlv base = ber(l, at);
  EXPECT_EQ(base.tag, 0x04);  // baseObject "": the root DSE
  EXPECT_EQ(base.end, base.start);
  EXPECT_EQ(ber_uint(l, ber(l, at)), 0u);  // scope baseObject
  EXPECT_EQ(ber_uint(l, ber(l, at)), 0u);  // derefAliases never
  EXPECT_EQ(ber_uint(l, ber(l, at)), 0u);  // sizeLimit
  EXPECT_EQ(ber_uint(l, ber(l, at)), 0u);  // timeLimit
  EXPECT_EQ(ber(l, at).tag, 0x01);        // typesOnly
  const Tlv filter = ber(l, at);
  EXPECT_EQ(filter.tag, 0x87);            // present
  EXPECT_EQ(std::string(l.begin() + long(filter.start), l.begin() + long(filter.end)), "objectClass");
  EXPECT_EQ(ber(l, at).tag, 0x30);        // attributes: none listed
  EXPECT_EQ(at, req.end);
}

TEST(UdpPayloads, MemcachedStatsInItsUdpFrame) {
  const Bytes m = written(row("memcached"), 0x4242);
  EXPECT_EQ(be16(m, 0), 0x4242);  // request id
  EXPECT_EQ(be16(m, 2), 0);       // sequence number
  EXPECT_EQ(be16(m, 4), 1);       // datagrams in the message
  EXPECT_EQ(be16(m, 6), 0);       // reserved
  EXPECT_EQ(std::string(m.begin() + 8, m.end()), "stats\r\n");
}

TEST(UdpPayloads, TextProtocols) {
  const std::string ssdp = str(written(row("ssdp")));
  EXPECT_EQ(ssdp.rfind("M-SEARCH * HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(ssdp.find("\r\nMAN: \"ssdp:discover\"\r\n"), std::string::npos);
  EXPECT_NE(ssdp.find("\r\nST: ssdp:all\r\n"), std::string::npos);
  EXPECT_EQ(ssdp.substr(ssdp.size() - 4), "\r\n\r\n");

  const std::string sip = str(written(row("sip"), 0x0123456789abcdefULL));
  EXPECT_EQ(sip.rfind("OPTIONS sip:portauth@portauth.invalid SIP/2.0\r\n", 0), 0u);
  EXPECT_NE(sip.find(";branch=z9hG4bK0123456789abcdef;rport\r\n"), std::string::npos);
  for (const char* h : {"\r\nMax-Forwards: 70\r\n", "\r\nCSeq: 1 OPTIONS\r\n", "\r\nCall-ID: ", "\r\nFrom: <sip:",
                        "\r\nTo: <sip:", "\r\nContent-Length: 0\r\n\r\n"})
    EXPECT_NE(sip.find(h), std::string::npos) << h;
  EXPECT_EQ(sip.substr(sip.size() - 4), "\r\n\r\n");

  const Bytes t = written(row("tftp"));
  EXPECT_EQ(be16(t, 0), 1);  // RRQ
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&t[2])), "portauth-probe");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&t[2 + 15])), "octet");
  EXPECT_EQ(t.size(), 2 + 15 + 6u);
}

TEST(UdpPayloads, IkeSaInit) {
  for (const char* name : {"ike", "ipsec-nat-t"}) {
    const Bytes all = written(row(name), 0x1122334455667788ULL);
    const size_t skip = std::string_view(name) == "ike" ? 0 : 4;
    if (skip) {
      EXPECT_EQ(be32(all, 0), 0u);  // the non-ESP marker
    }
    const Bytes i(all.begin() + long(skip), all.end());
    EXPECT_EQ(be32(i, 0), 0x11223344u);  // initiator SPI = the cookie
    EXPECT_EQ(be32(i, 4), 0x55667788u);
    EXPECT_EQ(be32(i, 8) | be32(i, 12), 0u);  // responder SPI 0
    EXPECT_EQ(i[17], 0x20);  // version 2.0
    EXPECT_EQ(i[18], 34);    // IKE_SA_INIT
    EXPECT_EQ(i[19], 0x08);  // initiator
    EXPECT_EQ(be32(i, 20), 0u);  // message id
    EXPECT_EQ(be32(i, 24), i.size());
    // The payload chain: SA (33) -> KE (34) -> Nonce (40) -> none, lengths adding up.
    uint8_t next = i[16];
    size_t at = 28;
    std::vector<uint8_t> kinds;
    while (next != 0) {
      kinds.push_back(next);
      next = i.at(at);
      const size_t len = be16(i, at + 2);
      ASSERT_GE(len, 4u);
      if (kinds.back() == 34) {
        EXPECT_EQ(be16(i, at + 4), 19);  // the KE's group is the proposal's: 19
        EXPECT_EQ(len, 8 + 64u);
      }
      at += len;
    }
    EXPECT_EQ(kinds, (std::vector<uint8_t>{33, 34, 40}));
    EXPECT_EQ(at, i.size());
  }
}

TEST(UdpPayloads, SmallBinaryRequests) {
  const Bytes o = written(row("openvpn"), 0x1122334455667788ULL);
  EXPECT_EQ(o[0] >> 3, 7);  // P_CONTROL_HARD_RESET_CLIENT_V2
  EXPECT_EQ(o[0] & 7, 0);   // key id 0
  EXPECT_EQ(be32(o, 1), 0x11223344u);
  EXPECT_EQ(o[9], 0);       // no acks
  EXPECT_EQ(be32(o, 10), 0u);  // packet id 0
  EXPECT_EQ(o.size(), 14u);

  const Bytes n = written(row("netbios-ns"), 0xabcd);
  EXPECT_EQ(be16(n, 0), 0xabcd);
  EXPECT_EQ(be16(n, 4), 1);
  EXPECT_EQ(n[12], 32);  // an encoded NetBIOS name is 32 characters
  std::string decoded;   // first-level encoding (RFC 1001 14.1): two letters per byte
  for (size_t i = 0; i < 32; i += 2) decoded += char((n[13 + i] - 'A') << 4 | (n[14 + i] - 'A'));
  EXPECT_EQ(decoded, std::string("*") + std::string(15, '\0'));
  EXPECT_EQ(be16(n, 46), 0x21);  // NBSTAT
  EXPECT_EQ(be16(n, 48), 1);

  for (const char* name : {"rpcbind", "nfs"}) {
    const Bytes r = written(row(name), 0x11223344);
    EXPECT_EQ(be32(r, 0), 0x11223344u);  // xid
    EXPECT_EQ(be32(r, 4), 0u);           // CALL
    EXPECT_EQ(be32(r, 8), 2u);           // RPC version 2
    EXPECT_EQ(be32(r, 12), std::string_view(name) == "nfs" ? 100003u : 100000u);
    EXPECT_EQ(be32(r, 20), 0u);          // procedure 0: NULL
    EXPECT_EQ(r.size(), 40u);
  }

  const Bytes s = written(row("stun"), 0x1122334455667788ULL);
  EXPECT_EQ(be16(s, 0), 0x0001);  // Binding request
  EXPECT_EQ(be16(s, 2), 0);       // no attributes
  EXPECT_EQ(be32(s, 4), 0x2112a442u);  // the magic cookie
  EXPECT_EQ(be32(s, 8), 0x11223344u);  // transaction id
  EXPECT_EQ(s.size(), 20u);

  const Bytes c = written(row("coap"), 0x112233445566ULL);
  EXPECT_EQ(c[0] >> 6, 1);        // version 1
  EXPECT_EQ((c[0] >> 4) & 3, 0);  // confirmable
  EXPECT_EQ(c[0] & 15, 4);        // 4-byte token
  EXPECT_EQ(c[1], 0x01);          // GET
  EXPECT_EQ(be16(c, 2), 0x1122);  // message id
  EXPECT_EQ(be32(c, 4), 0x33445566u);
  // Options: Uri-Path (11) ".well-known", then Uri-Path (delta 0) "core".
  EXPECT_EQ(c[8] >> 4, 11);
  EXPECT_EQ(std::string(c.begin() + 9, c.begin() + 9 + (c[8] & 15)), ".well-known");
  EXPECT_EQ(c[20], 0x04);
  EXPECT_EQ(std::string(c.begin() + 21, c.end()), "core");

  const Bytes q = written(row("quic"), 0x1122334455667788ULL);
  EXPECT_EQ(q.size(), 1200u);  // a server answers only datagrams of at least 1200 bytes
  EXPECT_EQ(q[0] & 0xc0, 0xc0);  // long header, fixed bit
  EXPECT_EQ(be32(q, 1) & 0x0f0f0f0f, 0x0a0a0a0au);  // a reserved version: 0x?a?a?a?a
  EXPECT_EQ(q[5], 8);
  EXPECT_EQ(be32(q, 6), 0x11223344u);
  EXPECT_EQ(q[14], 8);
  EXPECT_EQ(str(Bytes(q.begin() + 15, q.begin() + 23)), "portauth");

  EXPECT_EQ(written(row("nat-pmp")), (Bytes{0, 0}));  // version 0, external address request
  EXPECT_EQ(written(row("ms-sql-m")), (Bytes{0x03}));  // CLNT_UCAST_EX
}

TEST(UdpPayloads, EchoChecksAreBounded) {
  // Every echo rule on every prefix of a reply that carries the cookie, and on junk: no read
  // out of bounds (ASan), and a reply cut short of the cookie is never accepted.
  const uint64_t cookie = 0x0123456789abcdefULL;
  for (const auto& p : udp_payloads()) {
    const Bytes sent = written(p, cookie);
    Bytes junk(300, 0xff);
    for (size_t n = 0; n <= junk.size(); n += 7) udp_reply_echoes(p, {junk.data(), n}, cookie);
    for (size_t n = 0; n < sent.size(); ++n) {
      if (p.echo == UdpEcho::kAt && n < p.echo_offset + p.width) {
        EXPECT_FALSE(udp_reply_echoes(p, {sent.data(), n}, cookie)) << p.name << " " << n;
      }
    }
  }
}
