// The UDP probe (nmap's -sU), for either family: the UDP twin of the SYN modules.
//
// Its rule, in one place:
//   cookie   C = udp_cookie(key, target, port, our address): 64 bits of SipHash per probe
//   probe    a datagram to target:port carrying the port's payload (probe/udp_payloads.h:
//            DNS, NTP, SNMP, ...; empty where no payload is known) with C's low bits where the
//            protocol echoes them; source port = first + (C >> 48) mod count; the IPv4 id is
//            bits 32-47 of C, the IPv6 flow label bits 32-51 (an ICMP error quotes the IP
//            header, so those come back even when it quotes only 8 bytes of UDP)
//   filter   UDP to our address and source ports, and ICMP / ICMPv6 destination unreachable
//            to our address (and IPv6 behind extension headers, which the parser walks)
//   answer   a UDP datagram from target:port to C's source port that echoes C where its
//            payload says (nothing to echo: the source port alone) -> open (udp-response);
//            TFTP's answer comes from another port of the host (payload table); an ICMP
//            unreachable quoting a UDP probe with C's source port and C's IP id / flow
//            label -> port-unreach: closed; any other code nmap reads: filtered (reason.h).
//            Everything else is rejected and counted.
// A forger who never saw the probe must guess the source port (1 in --source-port's count)
// and the echoed bits (16 to 64 of them) or the IP id (16) / flow label (20).
#pragma once
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "probe/cookie.h"
#include "probe/probe_module.h"
#include "probe/syn_probe.h"
#include "probe/udp_packet.h"
#include "probe/udp_payloads.h"

namespace portauth::probe {

class UdpProbe final : public ProbeModule {
 public:
  // `v4_template`, `v6_template`: build_udp_template() from our address of that family; either
  // may be empty when no target is of that family. `space` must outlive the module.
  UdpProbe(std::span<const uint8_t> v4_template, std::span<const uint8_t> v6_template, const ProbeSpace& space,
           const CookieKey& key, SourcePorts ports);

  const char* name() const override { return "udpscan"; }
  size_t max_len() const override { return max_len_; }
  size_t write(uint8_t* out, const ProbeTarget& target, uint16_t offered_port) const noexcept override;
  uint16_t source_port(const ProbeTarget& target, uint16_t offered) const noexcept override;
  std::string capture_filter() const override;
  Verdict classify(const Reply& reply) const noexcept override;

  // The cookie and source port of the probe to (target, port) from our address of its family.
  uint64_t cookie(const config::Address& target, uint16_t port) const;
  uint16_t source_port_of(uint64_t cookie) const { return uint16_t(ports_.first + (cookie >> 48) % ports_.count); }
  // The probe's payload length (0: an empty datagram), for the amplification figure.
  static size_t payload_len(uint16_t port);

 private:
  const UdpPacket& packet_for(const config::Address& a) const { return a.is_v4() ? v4_ : v6_; }
  Verdict classify_datagram(const Reply& r) const noexcept;
  Verdict classify_icmp(const Reply& r) const noexcept;

  UdpPacket v4_, v6_;
  const ProbeSpace& space_;
  CookieKey key_;
  SourcePorts ports_;
  size_t max_len_ = 0;
  std::vector<uint32_t> payload_sums_;     // per payload table row, cookie field zero
  std::vector<uint16_t> any_port_ports_;   // ports of this scan whose replies come from elsewhere (TFTP)
};

// A scan of TCP and UDP: each probe goes to the module of its protocol, each reply to the
// module of its own (a TCP segment, a UDP datagram) or of the probe an ICMP error quotes.
// Built only when a scan has both; a one-protocol scan uses its module directly.
class ProtocolDispatchProbe final : public ProbeModule {
 public:
  ProtocolDispatchProbe(const ProbeModule& tcp, const ProbeModule& udp) : tcp_(tcp), udp_(udp) {}

  const char* name() const override { return "tcp+udp"; }
  size_t max_len() const override { return std::max(tcp_.max_len(), udp_.max_len()); }
  size_t write(uint8_t* out, const ProbeTarget& t, uint16_t port) const noexcept override {
    return (t.proto == config::Proto::kUdp ? udp_ : tcp_).write(out, t, port);
  }
  uint16_t source_port(const ProbeTarget& t, uint16_t offered) const noexcept override {
    return (t.proto == config::Proto::kUdp ? udp_ : tcp_).source_port(t, offered);
  }
  std::string capture_filter() const override {
    return "(" + tcp_.capture_filter() + ") or (" + udp_.capture_filter() + ")";
  }
  Verdict classify(const Reply& r) const noexcept override {
    return (r.proto == 17 ? udp_ : tcp_).classify(r);
  }

 private:
  const ProbeModule& tcp_;
  const ProbeModule& udp_;
};

}  // namespace portauth::probe
