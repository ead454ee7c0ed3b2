#include "probe/udp_payloads.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>

namespace portauth::probe {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes zeros(size_t n) { return Bytes(n, 0); }
Bytes be32(uint32_t v) { return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)}; }

// DNS (RFC 1035 4.1): a 12-byte header (id, flags, one question) and the question.
Bytes dns_query(uint16_t flags, const Bytes& qname, uint16_t qtype) {
  return cat({{0, 0, uint8_t(flags >> 8), uint8_t(flags), 0, 1, 0, 0, 0, 0, 0, 0},
              qname,
              {uint8_t(qtype >> 8), uint8_t(qtype), 0, 1}});
}
Bytes dns_name(std::initializer_list<std::string_view> labels) {
  Bytes out;
  for (auto l : labels) {
    out.push_back(uint8_t(l.size()));
    out.insert(out.end(), l.begin(), l.end());
  }
  out.push_back(0);
  return out;
}

// ONC RPC (RFC 5531) call of procedure 0 (NULL, which does nothing) with AUTH_NONE.
Bytes rpc_null_call(uint32_t program, uint32_t version) {
  return cat({zeros(4) /* xid */, be32(0) /* CALL */, be32(2) /* RPC version */, be32(program), be32(version),
              be32(0) /* NULL */, zeros(16) /* cred and verf: AUTH_NONE, empty */});
}

// IKEv2 IKE_SA_INIT (RFC 7296 1.2, 3.1-3.9): header, one proposal (AES-CBC-256, HMAC-SHA2-256
// PRF and integrity, group 19), a KE payload holding the P-256 base point (a valid public
// value, so a responder that checks points still answers) and a 32-byte nonce.
Bytes ike_sa_init() {
  const Bytes transforms = {
      3, 0, 0, 12, 1, 0, 0, 12, 0x80, 0x0e, 1, 0,  // ENCR_AES_CBC, key length 256
      3, 0, 0, 8,  2, 0, 0, 5,                     // PRF_HMAC_SHA2_256
      3, 0, 0, 8,  3, 0, 0, 12,                    // AUTH_HMAC_SHA2_256_128
      0, 0, 0, 8,  4, 0, 0, 19,                    // D-H group 19 (256-bit random ECP), last
  };
  const Bytes proposal = cat({{0, 0, 0, uint8_t(8 + transforms.size()), 1, 1, 0, 4}, transforms});
  const Bytes sa = cat({{34 /* next: KE */, 0, 0, uint8_t(4 + proposal.size())}, proposal});
  const Bytes p256_g = {0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
                        0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
                        0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16,
                        0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5};
  const Bytes ke = cat({{40 /* next: Nonce */, 0, 0, uint8_t(8 + p256_g.size()), 0, 19, 0, 0}, p256_g});
  Bytes nonce_data = text("portauth IKE_SA_INIT probe nonce");  // 32 bytes
  const Bytes nonce = cat({{0, 0, 0, uint8_t(4 + nonce_data.size())}, nonce_data});
  const size_t total = 28 + sa.size() + ke.size() + nonce.size();
  return cat({zeros(8) /* SPIi: the cookie */, zeros(8) /* SPIr */,
              {33 /* next: SA */, 0x20 /* version 2.0 */, 34 /* IKE_SA_INIT */, 0x08 /* initiator */},
              zeros(4) /* message id */, be32(uint32_t(total)), sa, ke, nonce});
}

// QUIC (RFC 9000 6, 17.2): a long-header packet of a reserved version (0x?a?a?a?a, RFC 9000
// 15), shaped as an Initial (no token, a Length covering the rest, a 4-byte packet number and
// zero padding) of the 1200 bytes a server needs before it answers (RFC 9000 14.1); the server
// answers with a version negotiation packet that swaps our connection ids.
Bytes quic_version_probe() {
  constexpr size_t kSize = 1200, kHeader = 1 + 4 + 1 + 8 + 1 + 8 + 1 + 2;
  constexpr size_t kRest = kSize - kHeader;  // packet number and payload: 1174, a 2-byte varint
  Bytes p = cat({{0xc3 /* long header, fixed bit, Initial, 4-byte packet number */}, be32(0x1a2a3a4a), {8},
                 zeros(8) /* DCID: the cookie */, {8}, text("portauth") /* SCID */, {0} /* no token */,
                 {uint8_t(0x40 | (kRest >> 8)), uint8_t(kRest & 0xff)}});
  p.resize(kSize, 0);
  return p;
}

Bytes sip_options() {
  return text(
      "OPTIONS sip:portauth@portauth.invalid SIP/2.0\r\n"
      "Via: SIP/2.0/UDP portauth.invalid;branch=z9hG4bK0000000000000000;rport\r\n"
      "Max-Forwards: 70\r\n"
      "From: <sip:portauth@portauth.invalid>;tag=portauth\r\n"
      "To: <sip:portauth@portauth.invalid>\r\n"
      "Call-ID: portauth-probe@portauth.invalid\r\n"
      "CSeq: 1 OPTIONS\r\n"
      "Contact: <sip:portauth@portauth.invalid>\r\n"
      "Accept: application/sdp\r\n"
      "Content-Length: 0\r\n"
      "\r\n");
}
constexpr std::string_view kSipBranchMark = "branch=z9hG4bK";

std::vector<UdpPayload> build_table() {
  using C = CookieCoding;
  using E = UdpEcho;
  std::vector<UdpPayload> t;
  t.push_back({.name = "echo", .protocol = "Echo", .ports = {7}, .bytes = zeros(8), .coding = C::kBinary,
               .width = 8, .echo = E::kAt, .sends = "8 bytes, to be sent back (RFC 862)"});
  t.push_back({.name = "daytime", .protocol = "Daytime", .ports = {13}, .bytes = text("\r\n"),
               .sends = "any datagram: the server answers with the time (RFC 867)"});
  t.push_back({.name = "qotd", .protocol = "QOTD", .ports = {17}, .bytes = text("\r\n"),
               .sends = "any datagram: the server answers with a quotation (RFC 865)"});
  t.push_back({.name = "chargen", .protocol = "CHARGEN", .ports = {19}, .bytes = text("\r\n"),
               .sends = "any datagram: the server answers with characters (RFC 864)"});
  t.push_back({.name = "dns", .protocol = "DNS", .ports = {53}, .bytes = dns_query(0x0100, {0}, 2),
               .coding = C::kBinary, .width = 2, .echo = E::kAt,
               .sends = "a recursive query for the root zone's name servers (. NS)"});
  t.push_back({.name = "tftp", .protocol = "TFTP", .ports = {69},
               .bytes = cat({{0, 1}, text("portauth-probe"), {0}, text("octet"), {0}}), .reply_from_any_port = true,
               .sends = "a read request for the file 'portauth-probe' (RFC 1350)"});
  t.push_back({.name = "rpcbind", .protocol = "ONC RPC portmapper", .ports = {111},
               .bytes = rpc_null_call(100000, 2), .coding = C::kBinary, .width = 4, .echo = E::kAt,
               .sends = "the portmapper's NULL procedure (RFC 5531, RFC 1833)"});
  t.push_back({.name = "ntp", .protocol = "NTP", .ports = {123},
               .bytes = cat({{0x23} /* LI 0, version 4, mode 3: client */, zeros(47)}), .coding = C::kBinary,
               .offset = 40, .width = 8, .echo = E::kAt, .echo_offset = 24,
               .sends = "a client time request (mode 3; never a monlist), cookie in the transmit timestamp"});
  t.push_back({.name = "netbios-ns", .protocol = "NetBIOS name service", .ports = {137},
               .bytes = cat({{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x20}, text("CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                             {0, 0, 0x21 /* NBSTAT */, 0, 1}}),
               .coding = C::kBinary, .width = 2, .echo = E::kAt,
               .sends = "a node status query for the name '*' (RFC 1002 4.2.17)"});
  t.push_back({.name = "snmp", .protocol = "SNMP", .ports = {161},
               .bytes = {0x30, 0x29, 0x02, 0x01, 0x01,                                 // v2c
                         0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',                     // community
                         0xa0, 0x1c, 0x02, 0x04, 0, 0, 0, 0,                           // GetRequest, request-id
                         0x02, 0x01, 0x00, 0x02, 0x01, 0x00,                           // error status, index
                         0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02,   // sysDescr.0
                         0x01, 0x01, 0x01, 0x00, 0x05, 0x00},
               .coding = C::kBerInt, .offset = 17, .width = 4, .echo = E::kSnmp,
               .sends = "an SNMPv2c get of sysDescr.0 with community 'public'"});
  t.push_back({.name = "cldap", .protocol = "CLDAP", .ports = {389},
               .bytes = {0x30, 0x28, 0x02, 0x04, 0, 0, 0, 0,       // LDAPMessage, messageID
                         0x63, 0x20, 0x04, 0x00,                   // searchRequest, base ""
                         0x0a, 0x01, 0x00, 0x0a, 0x01, 0x00,       // scope base, never deref
                         0x02, 0x01, 0x00, 0x02, 0x01, 0x00,       // no size or time limit
                         0x01, 0x01, 0x00,                         // typesOnly false
                         0x87, 0x0b, 'o', 'b', 'j', 'e', 'c', 't', 'C', 'l', 'a', 's', 's',  // (objectClass=*)
                         0x30, 0x00},
               .coding = C::kBerInt, .offset = 4, .width = 4, .echo = E::kLdap,
               .sends = "a connectionless LDAP search of the root DSE (RFC 1798, RFC 4511)"});
  t.push_back({.name = "quic", .protocol = "QUIC", .ports = {443}, .bytes = quic_version_probe(),
               .coding = C::kBinary, .offset = 6, .width = 8, .echo = E::kQuic,
               .sends = "a 1200-byte long-header packet of a reserved version, which a QUIC server answers with "
                        "version negotiation (RFC 9000 6)"});
  t.push_back({.name = "ike", .protocol = "IKE", .ports = {500}, .bytes = ike_sa_init(), .coding = C::kBinary,
               .width = 8, .echo = E::kAt, .sends = "an IKEv2 IKE_SA_INIT (RFC 7296), cookie in the initiator SPI"});
  t.push_back({.name = "openvpn", .protocol = "OpenVPN", .ports = {1194},
               .bytes = cat({{0x38 /* P_CONTROL_HARD_RESET_CLIENT_V2, key 0 */}, zeros(8) /* session id */,
                             {0} /* no acks */, zeros(4) /* packet id 0 */}),
               .coding = C::kBinary, .offset = 1, .width = 8, .echo = E::kOpenVpn,
               .sends = "a client hard reset (the first packet of a TLS session), cookie in the session id"});
  t.push_back({.name = "ms-sql-m", .protocol = "SQL Server Browser", .ports = {1434}, .bytes = {0x03},
               .sends = "CLNT_UCAST_EX, the request for every instance ([MC-SQLR] 2.2.3)"});
  t.push_back({.name = "ssdp", .protocol = "SSDP", .ports = {1900},
               .bytes = text("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
                             "MX: 1\r\nST: ssdp:all\r\n\r\n"),
               .sends = "an M-SEARCH for every device and service (UPnP Device Architecture 1.1)"});
  t.push_back({.name = "nfs", .protocol = "NFS", .ports = {2049}, .bytes = rpc_null_call(100003, 3),
               .coding = C::kBinary, .width = 4, .echo = E::kAt, .sends = "NFSv3's NULL procedure (RFC 1813)"});
  t.push_back({.name = "stun", .protocol = "STUN", .ports = {3478},
               .bytes = cat({{0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42}, zeros(12)}), .coding = C::kBinary,
               .offset = 8, .width = 8, .echo = E::kAt, .echo_offset = 8,
               .sends = "a binding request (RFC 8489), cookie in the transaction id"});
  t.push_back({.name = "ipsec-nat-t", .protocol = "IKE (NAT traversal)", .ports = {4500},
               .bytes = cat({zeros(4) /* non-ESP marker */, ike_sa_init()}), .coding = C::kBinary, .offset = 4,
               .width = 8, .echo = E::kAt, .echo_offset = 4,
               .sends = "the IKEv2 IKE_SA_INIT behind a non-ESP marker (RFC 3948)"});
  t.push_back({.name = "sip", .protocol = "SIP", .ports = {5060}, .bytes = sip_options(), .coding = C::kHex,
               .offset = uint16_t(sip_options().size()), .width = 16, .echo = E::kSipBranch,
               .sends = "an OPTIONS request (RFC 3261 11), cookie in the Via branch"});
  t.push_back({.name = "nat-pmp", .protocol = "NAT-PMP", .ports = {5351}, .bytes = {0, 0},
               .sends = "an external address request (RFC 6886 3.2)"});
  t.push_back({.name = "mdns", .protocol = "mDNS", .ports = {5353},
               .bytes = dns_query(0, dns_name({"_services", "_dns-sd", "_udp", "local"}), 12), .coding = C::kBinary,
               .width = 2, .echo = E::kAt,
               .sends = "a unicast query for the service types offered (RFC 6763 9, RFC 6762 6.7)"});
  t.push_back({.name = "coap", .protocol = "CoAP", .ports = {5683},
               .bytes = cat({{0x44 /* v1, confirmable, 4-byte token */, 0x01 /* GET */}, zeros(6),
                             {0xbb}, text(".well-known"), {0x04}, text("core")}),
               .coding = C::kBinary, .offset = 2, .width = 6, .echo = E::kAt, .echo_offset = 2,
               .sends = "GET /.well-known/core (RFC 7252, RFC 6690), cookie in message id and token"});
  t.push_back({.name = "ubiquiti", .protocol = "Ubiquiti discovery", .ports = {10001}, .bytes = {1, 0, 0, 0},
               .sends = "a version 1 discovery request"});
  t.push_back({.name = "memcached", .protocol = "memcached", .ports = {11211},
               .bytes = cat({{0, 0, 0, 0, 0, 1, 0, 0} /* request id, sequence 0 of 1 */, text("stats\r\n")}),
               .coding = C::kBinary, .width = 2, .echo = E::kAt,
               .sends = "'stats' in the UDP frame (memcached protocol.txt), cookie in the request id"});
  // SIP's cookie sits in the branch: find it in the text (the offset above is a placeholder).
  UdpPayload& sip = *std::find_if(t.begin(), t.end(), [](const UdpPayload& p) { return p.name == "sip"; });
  const std::string_view s(reinterpret_cast<const char*>(sip.bytes.data()), sip.bytes.size());
  sip.offset = uint16_t(s.find(kSipBranchMark) + kSipBranchMark.size());
  return t;
}

// The BER INTEGER (tag 2) at `p`, its value if it is at most 4 bytes; advances `p`.
bool ber_int(std::span<const uint8_t>& p, uint32_t& value) {
  if (p.size() < 2 || p[0] != 0x02 || p[1] < 1 || p[1] > 5 || p.size() < size_t(2 + p[1])) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < p[1]; ++i) v = (v << 8) | p[2 + i];
  if (v > 0xffffffffu) return false;
  value = uint32_t(v);
  p = p.subspan(2 + p[1]);
  return true;
}

// Steps into a constructed BER element of tag `tag` (definite length, short or long form):
// `p` becomes its contents.
bool ber_enter(std::span<const uint8_t>& p, uint8_t tag) {
  if (p.size() < 2 || p[0] != tag) return false;
  size_t len = p[1], hdr = 2;
  if (len & 0x80) {
    const size_t n = len & 0x7f;
    if (n == 0 || n > 3 || p.size() < 2 + n) return false;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | p[2 + i];
    hdr += n;
  }
  if (p.size() < hdr + len) return false;
  p = p.subspan(hdr, len);
  return true;
}

// Skips one BER element of any tag with a short or long definite length.
bool ber_skip(std::span<const uint8_t>& p) {
  if (p.size() < 2) return false;
  std::span<const uint8_t> inner = p;
  if (!ber_enter(inner, p[0])) return false;
  p = p.subspan(size_t(inner.data() + inner.size() - p.data()));
  return true;
}

bool equal_at(std::span<const uint8_t> reply, size_t offset, const uint8_t* bytes, size_t n) {
  return reply.size() >= offset + n && std::memcmp(reply.data() + offset, bytes, n) == 0;
}

}  // namespace

const std::vector<UdpPayload>& udp_payloads() {
  static const std::vector<UdpPayload> kTable = build_table();
  return kTable;
}

const UdpPayload* udp_payload_for(uint16_t port) {
  static const std::unique_ptr<std::array<int16_t, 65536>> kIndex = [] {
    auto index = std::make_unique<std::array<int16_t, 65536>>();
    index->fill(-1);
    const auto& t = udp_payloads();
    for (size_t i = 0; i < t.size(); ++i)
      for (uint16_t p : t[i].ports) (*index)[p] = int16_t(i);
    return index;
  }();
  const int16_t i = (*kIndex)[port];
  return i < 0 ? nullptr : &udp_payloads()[size_t(i)];
}

uint32_t ber_request_id(uint64_t cookie) { return 0x40000000u | uint32_t(cookie & 0x3fffffff); }

void write_udp_payload(const UdpPayload& p, uint64_t cookie, uint8_t* out) noexcept {
  std::memcpy(out, p.bytes.data(), p.bytes.size());
  uint8_t* field = out + p.offset;
  switch (p.coding) {
    case CookieCoding::kNone: break;
    case CookieCoding::kBinary:
      for (size_t i = 0; i < p.width; ++i) field[i] = uint8_t(cookie >> (8 * (p.width - 1 - i)));
      break;
    case CookieCoding::kHex:
      for (size_t i = 0; i < p.width; ++i) field[i] = "0123456789abcdef"[(cookie >> (4 * (p.width - 1 - i))) & 0xf];
      break;
    case CookieCoding::kBerInt: {
      const uint32_t id = ber_request_id(cookie);
      for (size_t i = 0; i < 4; ++i) field[i] = uint8_t(id >> (8 * (3 - i)));
      break;
    }
  }
}

bool udp_reply_echoes(const UdpPayload& p, std::span<const uint8_t> reply, uint64_t cookie) noexcept {
  uint8_t want[16];
  for (size_t i = 0; i < p.width && i < sizeof want; ++i)
    want[i] = p.coding == CookieCoding::kHex ? uint8_t("0123456789abcdef"[(cookie >> (4 * (p.width - 1 - i))) & 0xf])
                                             : uint8_t(cookie >> (8 * (p.width - 1 - i)));
  switch (p.echo) {
    case UdpEcho::kNone: return true;
    case UdpEcho::kAt: return equal_at(reply, p.echo_offset, want, p.width);
    case UdpEcho::kSnmp: {
      // Message ::= SEQUENCE { version INTEGER, community OCTET STRING, PDU }; the PDU (any
      // of its context tags: a GetResponse is 0xa2, a Report 0xa8) starts with request-id.
      std::span<const uint8_t> m = reply;
      uint32_t version = 0, id = 0;
      if (!ber_enter(m, 0x30) || !ber_int(m, version) || m.empty() || m[0] != 0x04 || !ber_skip(m) || m.empty() ||
          (m[0] & 0xe0) != 0xa0 || !ber_enter(m, m[0]) || !ber_int(m, id))
        return false;
      return id == ber_request_id(cookie);
    }
    case UdpEcho::kLdap: {
      std::span<const uint8_t> m = reply;
      uint32_t id = 0;
      return ber_enter(m, 0x30) && ber_int(m, id) && id == ber_request_id(cookie);
    }
    case UdpEcho::kOpenVpn: {
      // opcode/key (1), session id (8), acked packet ids: count (1) and 4 bytes each, then
      // the remote session id: ours.
      if (reply.size() < 10 || (reply[0] >> 3) != 8 || reply[9] == 0) return false;
      return equal_at(reply, 10 + 4 * size_t(reply[9]), want, 8);
    }
    case UdpEcho::kSipBranch: {
      // Every Via branch in the reply (a proxy adds its own): one must be ours.
      const std::string_view r(reinterpret_cast<const char*>(reply.data()), reply.size());
      for (size_t at = r.find(kSipBranchMark); at != std::string_view::npos; at = r.find(kSipBranchMark, at + 1))
        if (equal_at(reply, at + kSipBranchMark.size(), want, p.width)) return true;
      return false;
    }
    case UdpEcho::kQuic:
      // long header, version 0 (negotiation), then DCID = our SCID and SCID = our DCID.
      return reply.size() >= 23 && (reply[0] & 0x80) && reply[1] == 0 && reply[2] == 0 && reply[3] == 0 &&
             reply[4] == 0 && reply[5] == 8 && equal_at(reply, 6, p.bytes.data() + 15, 8) && reply[14] == 8 &&
             equal_at(reply, 15, want, 8);
  }
  return false;
}

bool looks_like_tftp_reply(std::span<const uint8_t> reply) noexcept {
  // DATA (3), ERROR (5) or OACK (6), RFC 1350 5 and RFC 2347.
  return reply.size() >= 4 && reply[0] == 0 && (reply[1] == 3 || reply[1] == 5 || reply[1] == 6);
}

}  // namespace portauth::probe
