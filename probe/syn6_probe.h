// The TCP SYN probe over IPv6 (nmap's -6 -sS): the IPv4 probe's rule (syn_probe.h) with
// IPv6 headers and ICMPv6 errors.
//
//   probe    a SYN from source_ip:sport to target:port, hop limit 64, seq = the cookie over
//            both full 128-bit addresses and the ports (probe/cookie.h); the template is
//            built once by libnet (syn_template.h) and patched per probe (syn6_packet.h)
//   filter   IPv6 to our address: TCP straight behind the IPv6 header to our source ports
//            with RST or ACK set, ICMPv6 destination unreachable (type 1), and anything
//            behind an extension header (hop-by-hop, routing, fragment, destination
//            options), which BPF cannot look past: the parser walks those (or rejects them)
//   answer   SYN-ACK with ack == cookie + 1 -> open (syn-ack); RST with ACK and ack ==
//            cookie or cookie + 1 -> closed (rst); ICMPv6 unreachable codes 0-6 quoting seq ==
//            cookie -> closed (no-route, admin-prohibited, beyond-scope, addr-unreach,
//            port-unreach, failed-policy, reject-route); everything else is rejected, counted
#pragma once
#include <algorithm>
#include <string>

#include "probe/cookie.h"
#include "probe/probe_module.h"
#include "probe/reply_validator.h"
#include "probe/syn6_packet.h"
#include "probe/syn_probe.h"

namespace portauth::probe {

class Syn6Probe final : public ProbeModule {
 public:
  // `ip_template`: a complete IPv6+TCP SYN whose source address is final
  // (build_syn6_template). `space` must outlive the module.
  Syn6Probe(std::span<const uint8_t> ip_template, const ProbeSpace& space, const CookieKey& key, SourcePorts ports);

  const char* name() const override { return "tcp_synscan6"; }
  size_t max_len() const override { return Syn6Packet::kMaxLen; }
  size_t size() const { return syn_.size(); }
  // `target` must be an IPv6 address.
  size_t write(uint8_t* out, const ProbeTarget& target, uint16_t source_port) const noexcept override {
    const uint32_t seq = syn_cookie(key_, target.addr, target.port, syn_.source_ip(), source_port);
    syn_.write(out, {target.addr, source_port, target.port, seq});
    return syn_.size();
  }
  std::string capture_filter() const override;
  Verdict classify(const Reply& reply) const noexcept override { return validator_.check(reply); }
  const config::Address& source_ip() const { return syn_.source_ip(); }

 private:
  Syn6Packet syn_;
  CookieKey key_;
  SourcePorts ports_;
  ReplyValidator validator_;
};

// The BPF filter for IPv6 SYN-probe replies to `our_ip` on source ports [first, first + count).
std::string syn6_reply_filter(const config::Address& our_ip, SourcePorts ports);

// A scan of both families: each probe goes to the module of its target's family, each reply
// to the module of its destination's. Built only for mixed scans; a one-family scan uses its
// module directly, so an IPv4 scan pays nothing for IPv6.
class DualStackProbe final : public ProbeModule {
 public:
  DualStackProbe(const SynProbe& v4, const Syn6Probe& v6) : v4_(v4), v6_(v6) {}

  const char* name() const override { return "tcp_synscan+tcp_synscan6"; }
  size_t max_len() const override { return std::max(v4_.max_len(), v6_.max_len()); }
  size_t write(uint8_t* out, const ProbeTarget& target, uint16_t source_port) const noexcept override {
    return target.addr.is_v4() ? v4_.write(out, target, source_port) : v6_.write(out, target, source_port);
  }
  std::string capture_filter() const override {
    return "(" + v4_.capture_filter() + ") or (" + v6_.capture_filter() + ")";
  }
  Verdict classify(const Reply& reply) const noexcept override {
    return reply.our_ip.is_v4() ? v4_.classify(reply) : v6_.classify(reply);
  }

 private:
  const SynProbe& v4_;
  const Syn6Probe& v6_;
};

}  // namespace portauth::probe
