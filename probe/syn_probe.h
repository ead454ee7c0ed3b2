// The TCP SYN probe over IPv4 (nmap's -sS): the first probe module.
//
// Its rule, in one place:
//   probe    a SYN from source_ip:sport to target:port, seq = cookie (probe/cookie.h) of the
//            4-tuple, IP id from the cookie; the template is built once (probe/syn_template.h)
//            and patched per probe (probe/syn_packet.h)
//   filter   TCP to our address and source ports with RST or ACK set (our own SYNs never
//            match, even on loopback), and ICMP destination unreachable to our address
//   answer   SYN-ACK with ack == cookie + 1 -> open (syn-ack); RST with ACK and ack == cookie
//            or cookie + 1 -> closed (rst); ICMP unreachable quoting seq == cookie with a
//            port-relevant code -> closed (icmp-...); everything else is rejected and counted
//            (probe/reply_validator.h has the order of the checks and why)
#pragma once
#include <string>

#include "probe/cookie.h"
#include "probe/probe_module.h"
#include "probe/reply_validator.h"
#include "probe/syn_packet.h"

namespace portauth::probe {

struct SourcePorts {
  uint16_t first = 61000;
  uint16_t count = 256;
};

class SynProbe final : public ProbeModule {
 public:
  // `ip_template`: a complete IPv4+TCP SYN whose source address is final (build_syn_template).
  // `space` must outlive the module.
  SynProbe(std::span<const uint8_t> ip_template, const ProbeSpace& space, const CookieKey& key, SourcePorts ports);

  const char* name() const override { return "tcp_synscan"; }
  size_t max_len() const override { return SynPacket::kMaxLen; }
  size_t size() const { return syn_.size(); }  // every SYN it writes has this length
  // `target` must be an IPv4 address (the scan hands IPv6 ones to Syn6Probe).
  size_t write(uint8_t* out, const ProbeTarget& target, uint16_t source_port) const noexcept override {
    const uint32_t dst = target.addr.v4();
    const uint32_t seq = syn_cookie(key_, dst, target.port, syn_.source_ip(), source_port);
    syn_.write(out, {dst, source_port, target.port, seq, uint16_t(seq ^ (seq >> 16))});
    return syn_.size();
  }
  std::string capture_filter() const override;
  Verdict classify(const Reply& reply) const noexcept override { return validator_.check(reply); }
  uint32_t source_ip() const { return syn_.source_ip(); }

 private:
  SynPacket syn_;
  CookieKey key_;
  SourcePorts ports_;
  ReplyValidator validator_;
};

// The BPF filter for SYN-probe replies to `our_ip` on source ports [first, first + count).
std::string syn_reply_filter(uint32_t our_ip, SourcePorts ports);

}  // namespace portauth::probe
