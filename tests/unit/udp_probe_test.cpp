// The UDP probe module (probe/udp_probe.h): the probes it writes are valid IP/UDP packets
// carrying the cookie where the rule says, and classify() takes exactly the replies that carry
// it back (frames built by hand, parsed by the real parser).
#include <gtest/gtest.h>

#include "capture/reply_parser.h"
#include "probe/udp_packet.h"
#include "probe/udp_probe.h"
#include "udp_fixture.h"

using namespace portauth;
using namespace portauth::probe;
using portauth::config::Address;
using portauth::config::Proto;

namespace {

const Address kUs = *config::parse_address("198.18.0.1");
const Address kTarget = *config::parse_address("198.18.0.2");
const Address kUs6 = *config::parse_address("2001:2::1");
const Address kTarget6 = *config::parse_address("2001:2::2");
constexpr uint16_t kEmptyPort = 40000;  // no payload known: an empty datagram

std::vector<uint16_t> payload_ports() {
  std::vector<uint16_t> ports{kEmptyPort};
  for (const auto& p : udp_payloads()) ports.insert(ports.end(), p.ports.begin(), p.ports.end());
  std::sort(ports.begin(), ports.end());
  return ports;
}

struct Fixture {
  config::RangeSet targets{{{kTarget, kTarget}, {kTarget6, kTarget6}}};
  ProbeSpace space{targets, {80}, payload_ports(), 5};
  CookieKey key{0x1111, 0x2222};
  UdpProbe udp{test::reference_udp_template(kUs), test::reference_udp_template(kUs6), space, key, {61000, 256}};

  std::vector<uint8_t> probe(const Address& to, uint16_t port) const {
    std::vector<uint8_t> out(udp.max_len());
    out.resize(udp.write(out.data(), {to, port, Proto::kUdp}, 0));
    return out;
  }
  Verdict judge(const std::vector<uint8_t>& frame) const {
    Reply r;
    EXPECT_EQ(capture::parse_reply(capture::kDltEthernet, frame.data(), frame.size(), r), capture::ParseStatus::kOk);
    return udp.classify(r);
  }
  // A reply from (to, port) to the probe's source port carrying `payload`.
  std::vector<uint8_t> reply(const Address& to, uint16_t port, const std::vector<uint8_t>& payload) const {
    const uint16_t sport = udp.source_port({to, port, Proto::kUdp}, 0);
    return test::udp_reply(to, port, to.is_v4() ? kUs : kUs6, sport, payload);
  }
};

uint16_t get16(const std::vector<uint8_t>& b, size_t at) { return uint16_t(b[at] << 8 | b[at + 1]); }

// The bytes a server sends back that carry the probe's cookie where its protocol echoes it.
std::vector<uint8_t> echoing_reply(const UdpPayload& p, const std::vector<uint8_t>& sent) {
  std::vector<uint8_t> r;
  switch (p.echo) {
    case UdpEcho::kNone:
      return {'o', 'k'};
    case UdpEcho::kAt:
      r.assign(std::max<size_t>(p.echo_offset + p.width, 48) + 4, 0xee);
      std::copy(sent.begin() + p.offset, sent.begin() + p.offset + p.width, r.begin() + p.echo_offset);
      return r;
    case UdpEcho::kSnmp:  // SEQUENCE { v2c, "public", GetResponse { request-id, 0, 0, {} } }
      r = {0x30, 0x1b, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c', 0xa2, 0x0e,
           0x02, 0x04, sent[17], sent[18], sent[19], sent[20], 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00};
      return r;
    case UdpEcho::kLdap:  // SEQUENCE { messageID, searchResDone { 0, "", "" } }
      return {0x30, 0x0e, 0x02, 0x04, sent[4], sent[5], sent[6], sent[7], 0x65, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00,
              0x04, 0x00};
    case UdpEcho::kOpenVpn:  // HARD_RESET_SERVER_V2, its session, 1 ack (packet 0), our session, packet id
      r = {0x40, 9, 9, 9, 9, 9, 9, 9, 9, 1, 0, 0, 0, 0};
      r.insert(r.end(), sent.begin() + 1, sent.begin() + 9);
      r.insert(r.end(), {0, 0, 0, 0});
      return r;
    case UdpEcho::kSipBranch: {
      const std::string head = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP portauth.invalid;branch=z9hG4bK";
      r.assign(head.begin(), head.end());
      r.insert(r.end(), sent.begin() + p.offset, sent.begin() + p.offset + 16);
      const std::string tail = ";rport=61000\r\nContent-Length: 0\r\n\r\n";
      r.insert(r.end(), tail.begin(), tail.end());
      return r;
    }
    case UdpEcho::kQuic:  // version negotiation: DCID = our SCID, SCID = our DCID
      r = {0x80, 0, 0, 0, 0, 8};
      r.insert(r.end(), sent.begin() + 15, sent.begin() + 23);
      r.push_back(8);
      r.insert(r.end(), sent.begin() + 6, sent.begin() + 14);
      r.insert(r.end(), {0, 0, 0, 1});
      return r;
  }
  return r;
}

// Where echoing_reply() put the first byte of the cookie.
size_t echo_position(const UdpPayload& p) {
  switch (p.echo) {
    case UdpEcho::kAt: return p.echo_offset;
    case UdpEcho::kSnmp: return 19;  // the request-id's last byte (the first is fixed at 0x40-0x7f)
    case UdpEcho::kLdap: return 7;
    case UdpEcho::kOpenVpn: return 14;
    case UdpEcho::kSipBranch: return 64;
    case UdpEcho::kQuic: return 15;
    case UdpEcho::kNone: break;
  }
  return 0;
}

}  // namespace

TEST(UdpProbe, WritesValidPacketsWithTheCookieInPlace) {
  const Fixture f;
  for (const Address& to : {kTarget, kTarget6}) {
    for (uint16_t port : payload_ports()) {
      const auto pkt = f.probe(to, port);
      const bool v6 = !to.is_v4();
      const size_t hdr = v6 ? 40 : 20;
      const UdpPayload* p = udp_payload_for(port);
      const size_t payload = p ? p->bytes.size() : 0;
      ASSERT_EQ(pkt.size(), hdr + 8 + payload) << port;
      const uint64_t c = f.udp.cookie(to, port);
      EXPECT_EQ(get16(pkt, hdr), f.udp.source_port_of(c));
      EXPECT_EQ(get16(pkt, hdr), f.udp.source_port({to, port, Proto::kUdp}, 12345));
      EXPECT_EQ(get16(pkt, hdr + 2), port);
      EXPECT_EQ(get16(pkt, hdr + 4), 8 + payload);
      EXPECT_EQ(get16(pkt, hdr + 6), udp_checksum(pkt)) << port;
      if (v6) {
        EXPECT_EQ(Address::from_bytes(&pkt[24]), to);
        EXPECT_EQ(get16(pkt, 4), 8 + payload);
        EXPECT_EQ(uint32_t(pkt[1] & 0x0f) << 16 | get16(pkt, 2), uint32_t(c >> 32) & 0xfffff);  // flow label
      } else {
        EXPECT_EQ(get16(pkt, 2), 28 + payload);
        EXPECT_EQ(get16(pkt, 4), uint16_t(c >> 32));  // IP id
        uint32_t sum = 0;
        for (size_t i = 0; i < 20; i += 2) sum += get16(pkt, i);
        EXPECT_EQ(test::fold_sum(sum), 0) << "IPv4 header checksum";
      }
      if (!p) continue;
      std::vector<uint8_t> expect(payload);
      write_udp_payload(*p, c, expect.data());
      EXPECT_TRUE(std::equal(expect.begin(), expect.end(), pkt.begin() + long(hdr + 8))) << p->name;
    }
  }
}

TEST(UdpProbe, AcceptsTheRepliesThatEchoTheCookie) {
  const Fixture f;
  for (const Address& to : {kTarget, kTarget6}) {
    for (uint16_t port : payload_ports()) {
      const UdpPayload* p = udp_payload_for(port);
      const auto pkt = f.probe(to, port);
      const std::vector<uint8_t> sent(pkt.begin() + (to.is_v4() ? 28 : 48), pkt.end());
      const std::vector<uint8_t> answer = p ? echoing_reply(*p, sent) : std::vector<uint8_t>{'h', 'i'};
      const Verdict v = f.judge(f.reply(to, port, answer));
      ASSERT_EQ(v.reject, Reject::kNone) << port;
      EXPECT_EQ(v.reason, Reason::kUdpResponse);
      EXPECT_EQ(v.proto, Proto::kUdp);
      EXPECT_EQ(f.space.at(v.slot), (ProbeTarget{to, port, Proto::kUdp}));
      if (!p || p->echo == UdpEcho::kNone) continue;
      // The same reply with one bit of the echoed cookie flipped is somebody else's.
      std::vector<uint8_t> forged = answer;
      forged[echo_position(*p)] ^= 0x01;
      EXPECT_EQ(f.judge(f.reply(to, port, forged)).reject, Reject::kBadCookie) << p->name;
    }
  }
}

TEST(UdpProbe, RejectsWhatIsNotOurs) {
  const Fixture f;
  const auto good = f.reply(kTarget, 53, echoing_reply(*udp_payload_for(53), [&] {
                              const auto pkt = f.probe(kTarget, 53);
                              return std::vector<uint8_t>(pkt.begin() + 28, pkt.end());
                            }()));
  EXPECT_EQ(f.judge(good).reject, Reject::kNone);
  const uint16_t sport = f.udp.source_port({kTarget, 53, Proto::kUdp}, 0);
  // Another of our source ports: the source port carries 8 bits of the cookie.
  const uint16_t other = uint16_t(61000 + (sport - 61000 + 1) % 256);
  std::vector<uint8_t> id(12, 0);
  EXPECT_EQ(f.judge(test::udp_reply(kTarget, 53, kUs, other, id)).reject, Reject::kBadCookie);
  // Outside our source ports, to another address of ours, from a port never probed.
  EXPECT_EQ(f.judge(test::udp_reply(kTarget, 53, kUs, 1000, id)).reject, Reject::kNotOurs);
  EXPECT_EQ(f.judge(test::udp_reply(kTarget, 53, *config::parse_address("198.18.0.9"), sport, id)).reject,
            Reject::kNotOurs);
  const uint16_t sport81 = f.udp.source_port({kTarget, 81, Proto::kUdp}, 0);
  EXPECT_EQ(f.judge(test::udp_reply(kTarget, 81, kUs, sport81, {'x'})).reject, Reject::kUnknownTarget);
  // An empty-payload port: any datagram to the right source port answers it.
  const uint16_t sport_empty = f.udp.source_port({kTarget, kEmptyPort, Proto::kUdp}, 0);
  EXPECT_EQ(f.judge(test::udp_reply(kTarget, kEmptyPort, kUs, sport_empty, {})).reason, Reason::kUdpResponse);
}

TEST(UdpProbe, IcmpErrorsQuoteTheCookieInTheIpHeader) {
  const Fixture f;
  for (const Address& to : {kTarget, kTarget6}) {
    const auto pkt = f.probe(to, 161);
    const uint8_t port_unreach = to.is_v4() ? 3 : 4;
    // RFC 792 routers quote 8 bytes of UDP; Linux quotes as much as fits: both work.
    for (size_t quote : {size_t(to.is_v4() ? 28 : 48), pkt.size()}) {
      const Verdict v = f.judge(test::icmp_quoting(to, pkt, port_unreach, quote));
      ASSERT_EQ(v.reject, Reject::kNone);
      EXPECT_EQ(v.reason, to.is_v4() ? Reason::kIcmpPortUnreach : Reason::kPortUnreach);
      EXPECT_EQ(state_of(v.reason, Proto::kUdp), PortState::kClosed);
      EXPECT_EQ(f.space.at(v.slot), (ProbeTarget{to, 161, Proto::kUdp}));
    }
    // Administratively prohibited (a firewall): filtered.
    const Verdict admin = f.judge(test::icmp_quoting(to, pkt, to.is_v4() ? 13 : 1, pkt.size()));
    ASSERT_EQ(admin.reject, Reject::kNone);
    EXPECT_EQ(state_of(admin.reason, Proto::kUdp), PortState::kFiltered);
    // A quote whose IP id (IPv4) or flow label (IPv6) is not the cookie's was not our probe.
    auto forged = pkt;
    forged[to.is_v4() ? 5 : 3] ^= 0x01;
    EXPECT_EQ(f.judge(test::icmp_quoting(to, forged, port_unreach, forged.size())).reject, Reject::kBadCookie);
    // Fragmentation needed says nothing about the port.
    if (to.is_v4()) {
      EXPECT_EQ(f.judge(test::icmp_quoting(to, pkt, 4, pkt.size())).reject, Reject::kIcmpCode);
    }
  }
}

TEST(UdpProbe, TftpAnswersFromAPortOfItsOwn) {
  const Fixture f;
  const uint16_t sport = f.udp.source_port({kTarget, 69, Proto::kUdp}, 0);
  const std::vector<uint8_t> error = {0, 5, 0, 1, 'F', 'i', 'l', 'e', ' ', 'n', 'o', 't', ' ', 'f', 'o', 'u', 'n', 'd', 0};
  const Verdict v = f.judge(test::udp_reply(kTarget, 49152, kUs, sport, error));
  ASSERT_EQ(v.reject, Reject::kNone);
  EXPECT_TRUE(v.other_port);
  EXPECT_EQ(v.port, 69);
  EXPECT_EQ(f.space.at(v.slot), (ProbeTarget{kTarget, 69, Proto::kUdp}));
  // Not TFTP's bytes, or not to the TFTP probe's source port: not an answer.
  EXPECT_EQ(f.judge(test::udp_reply(kTarget, 49152, kUs, sport, {1, 2, 3, 4})).reject, Reject::kBadCookie);
  const uint16_t other = uint16_t(61000 + (sport - 61000 + 7) % 256);
  EXPECT_NE(f.judge(test::udp_reply(kTarget, 49152, kUs, other, error)).reject, Reject::kNone);
}

TEST(UdpProbe, DispatchSendsEachProtocolToItsModule) {
  const Fixture f;
  // A TCP stand-in that says who it is: the dispatcher hands it TCP probes and TCP replies only.
  struct Tcp final : ProbeModule {
    const char* name() const override { return "tcp"; }
    size_t max_len() const override { return 60; }
    size_t write(uint8_t* out, const ProbeTarget&, uint16_t) const noexcept override {
      out[0] = 'T';
      return 1;
    }
    std::string capture_filter() const override { return "tcp"; }
    Verdict classify(const Reply&) const noexcept override {
      Verdict v;
      v.reject = Reject::kOtherKind;
      return v;
    }
  } tcp;
  const ProtocolDispatchProbe both(tcp, f.udp);
  std::vector<uint8_t> out(both.max_len());
  EXPECT_EQ(both.write(out.data(), {kTarget, 80}, 61000), 1u);
  EXPECT_EQ(out[0], 'T');
  EXPECT_GT(both.write(out.data(), {kTarget, 53, Proto::kUdp}, 61000), 28u);
  EXPECT_EQ(both.source_port({kTarget, 80}, 61005), 61005);
  EXPECT_EQ(both.source_port({kTarget, 53, Proto::kUdp}, 61005), f.udp.source_port({kTarget, 53, Proto::kUdp}, 0));
  EXPECT_EQ(both.capture_filter(), "(tcp) or (" + f.udp.capture_filter() + ")");
  const auto pkt = f.probe(kTarget, 53);
  Reply r;
  const auto icmp = test::icmp_quoting(kTarget, pkt, 3, pkt.size());
  ASSERT_EQ(capture::parse_reply(capture::kDltEthernet, icmp.data(), icmp.size(), r), capture::ParseStatus::kOk);
  EXPECT_EQ(both.classify(r).reason, Reason::kIcmpPortUnreach);
}
