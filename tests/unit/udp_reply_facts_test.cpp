// What an open UDP port's reply says (probe/udp_reply_facts.h), from replies written here byte
// by byte as the protocols define them, and the amplification measured.
#include <gtest/gtest.h>

#include "probe/udp_reply_facts.h"

using namespace portauth::probe;

namespace {

ReplyFacts explain(uint16_t port, const std::vector<uint8_t>& reply) {
  return explain_udp_reply(port, reply, reply.size());
}

}  // namespace

TEST(UdpReplyFacts, Ntp) {
  std::vector<uint8_t> r(48, 0);
  r[0] = 0x24;  // version 4, mode 4: server
  r[1] = 8;     // stratum 8
  r[12] = 127, r[13] = 127, r[14] = 1, r[15] = 1;
  const ReplyFacts f = explain(123, r);
  EXPECT_EQ(f.protocol, "NTP");
  EXPECT_EQ(f.summary, "NTP answered: server mode, stratum 8, version 4, reference 127.127.1.1");
  EXPECT_EQ(f.reply_bytes, 48u);
  EXPECT_EQ(f.probe_bytes, 48u);
  EXPECT_DOUBLE_EQ(f.amplification, 1.0);
  EXPECT_EQ(f.risk, "");  // a mode-3 answer is the size of the question
  r[1] = 1;
  r[12] = 'G', r[13] = 'P', r[14] = 'S', r[15] = 0;
  EXPECT_EQ(explain(123, r).summary, "NTP answered: server mode, stratum 1, version 4, reference GPS");
}

TEST(UdpReplyFacts, DnsOpenResolverAndAmplification) {
  // NOERROR, recursion available, 13 answers, 500 bytes to a 17-byte query.
  std::vector<uint8_t> r(500, 0);
  r[2] = 0x81, r[3] = 0x80, r[7] = 13;
  const ReplyFacts f = explain(53, r);
  EXPECT_EQ(f.summary, "DNS answered: NOERROR, recursion available, 13 answers (an open resolver)");
  EXPECT_NEAR(f.amplification, 500.0 / 17, 1e-9);
  EXPECT_NE(f.risk.find("amplification 29.4x: a 17-byte request drew a 500-byte reply"), std::string::npos);
  EXPECT_NE(f.risk.find("an open resolver"), std::string::npos);
  // REFUSED (dnsmasq without upstream servers): answering, but no resolver.
  std::vector<uint8_t> refused(17, 0);
  refused[2] = 0x81, refused[3] = 0x85;
  EXPECT_EQ(explain(53, refused).summary, "DNS answered: REFUSED, recursion available, 0 answers");
  EXPECT_EQ(explain(53, refused).risk, "");
}

TEST(UdpReplyFacts, SnmpSysDescr) {
  const std::string descr = "Linux lab 6.1.0 #1 SMP x86_64";
  std::vector<uint8_t> vb = {0x06, 0x08, 0x2b, 6, 1, 2, 1, 1, 1, 0, 0x04, uint8_t(descr.size())};
  vb.insert(vb.end(), descr.begin(), descr.end());
  std::vector<uint8_t> bind = {0x30, uint8_t(vb.size())};
  bind.insert(bind.end(), vb.begin(), vb.end());
  std::vector<uint8_t> list = {0x30, uint8_t(bind.size())};
  list.insert(list.end(), bind.begin(), bind.end());
  std::vector<uint8_t> pdu = {0x02, 0x04, 0x40, 0, 0, 1, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00};
  pdu.insert(pdu.end(), list.begin(), list.end());
  std::vector<uint8_t> msg = {0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c', 0xa2, uint8_t(pdu.size())};
  msg.insert(msg.end(), pdu.begin(), pdu.end());
  std::vector<uint8_t> r = {0x30, uint8_t(msg.size())};
  r.insert(r.end(), msg.begin(), msg.end());
  const ReplyFacts f = explain(161, r);
  EXPECT_EQ(f.summary, "SNMP answered with community public: sysDescr '" + descr + "'");
  EXPECT_NE(f.risk.find("default community 'public'"), std::string::npos);
}

TEST(UdpReplyFacts, MemcachedAndOthers) {
  std::string stats = "STAT pid 1\r\nSTAT uptime 5\r\nSTAT version 1.6.18\r\nSTAT libevent 2.1.12\r\n";
  stats.resize(1392, 'x');
  std::vector<uint8_t> r(8 + stats.size(), 0);  // the UDP frame: request 7, datagram 0 of 2
  r[1] = 7;
  r[5] = 2;
  std::copy(stats.begin(), stats.end(), r.begin() + 8);
  const ReplyFacts f = explain(11211, r);
  EXPECT_EQ(f.summary, "memcached answered over UDP: version 1.6.18 (2 datagrams; the amplification counts the first)");
  EXPECT_NEAR(f.amplification, 1400.0 / 15, 1e-9);
  EXPECT_EQ(f.risk.rfind("amplification 93.3x", 0), 0u);

  const std::string ok = "HTTP/1.1 200 OK\r\nSERVER: Linux/6.1 UPnP/1.0 lab/1\r\nST: upnp:rootdevice\r\n\r\n";
  EXPECT_EQ(explain(1900, std::vector<uint8_t>(ok.begin(), ok.end())).summary,
            "SSDP answered: HTTP/1.1 200 OK, SERVER Linux/6.1 UPnP/1.0 lab/1, ST upnp:rootdevice");
  const std::string sip = "SIP/2.0 200 OK\r\nServer: Asterisk PBX 20\r\n\r\n";
  EXPECT_EQ(explain(5060, std::vector<uint8_t>(sip.begin(), sip.end())).summary,
            "SIP answered: SIP/2.0 200 OK (Asterisk PBX 20)");
  EXPECT_EQ(explain(69, {0, 5, 0, 1, 'F', 'i', 'l', 'e', ' ', 'n', 'o', 't', ' ', 'f', 'o', 'u', 'n', 'd', 0}).summary,
            "TFTP answered: error 1 'File not found'");
  EXPECT_EQ(explain(5351, {0, 128, 0, 0, 0, 0, 0, 9, 198, 51, 100, 7}).summary,
            "NAT-PMP answered: external address 198.51.100.7");
  // A port without a known payload: the bytes, and no amplification (the probe was empty).
  const ReplyFacts other = explain(40000, {'h', 'e', 'l', 'l', 'o', '\n'});
  EXPECT_EQ(other.summary, "answered 6 bytes to an empty datagram: 'hello'");
  EXPECT_EQ(other.probe_bytes, 0u);
  EXPECT_EQ(other.amplification, 0);
}

TEST(UdpReplyFacts, ShortAndJunkRepliesAreSafe) {
  // Every port with a payload, every short length, and junk: no crash, a summary each time.
  std::vector<uint8_t> junk(600);
  for (size_t i = 0; i < junk.size(); ++i) junk[i] = uint8_t(i * 37 + 11);
  for (int port : {7, 13, 17, 19, 53, 69, 111, 123, 137, 161, 389, 443, 500, 1194, 1434, 1900, 2049, 3478,
                        4500, 5060, 5351, 5353, 5683, 10001, 11211, 40000})
    for (size_t n = 0; n <= junk.size(); n += 13) {
      const ReplyFacts f = explain_udp_reply(uint16_t(port), {junk.data(), n}, n + 5000);
      EXPECT_FALSE(f.summary.empty()) << port;
    }
}
