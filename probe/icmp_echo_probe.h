// The ICMP echo request as a probe module (ZMap's icmp_echoscan, nmap's -PE), for either
// family: the second probe module, the one behind TruStealth's ping check.
//
// Its rule, in one place:
//   probe    an echo request from our address to target.addr; identifier = the source_port
//            argument (one value per run: it tells our pings from any other ping the host
//            answers, as a source port does for SYNs), sequence = the low 16 bits of the
//            cookie (probe/cookie.h) of (target, 0, us, identifier). The templates are built
//            once per family by libnet (probe/icmp_echo.h) and patched per probe: destination,
//            identifier, sequence, and the checksums from sums precomputed over the rest
//   filter   echo replies (ICMP type 0, ICMPv6 type 129) to our address of each family
//   answer   an echo reply to our address, with our identifier and the sequence its sender's
//            cookie gives, from an address in the probe space -> echo-reply; anything else is
//            rejected (a TCP answer or an ICMP error: kOtherKind)
//
// An echo names no port: the module's probe space holds the targets with the one "port" 0
// (ProbeSpace(targets, {0}, seed)), and replies are looked up as (sender, 0).
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "probe/cookie.h"
#include "probe/icmp_echo.h"
#include "probe/probe_module.h"
#include "probe/syn_probe.h"

namespace portauth::probe {

class IcmpEchoProbe final : public ProbeModule {
 public:
  // `v4_template`, `v6_template`: build_icmp_echo() from our address of that family (any
  // destination, identifier and sequence); either may be empty when no target is of that
  // family. `space` must outlive the module. `identifiers`: the identifiers write() is given.
  // Throws std::invalid_argument for a template that is not an echo request of our size.
  IcmpEchoProbe(std::span<const uint8_t> v4_template, std::span<const uint8_t> v6_template,
                const ProbeSpace& space, const CookieKey& key, SourcePorts identifiers);

  const char* name() const override { return "icmp_echoscan"; }
  size_t max_len() const override { return kIcmp6EchoPacketSize; }
  // `target.addr` must be of a family the module has a template for (else nothing is
  // written and 0 returned).
  size_t write(uint8_t* out, const ProbeTarget& target, uint16_t identifier) const noexcept override;
  std::string capture_filter() const override;
  Verdict classify(const Reply& reply) const noexcept override;

  // The sequence number of the echo request to `target` from `us` with `identifier`.
  static uint16_t sequence_for(const CookieKey& key, const config::Address& target, const config::Address& us,
                               uint16_t identifier);

 private:
  struct Template {
    uint8_t bytes[kIcmp6EchoPacketSize]{};
    size_t len = 0;  // 0: no template of this family
    config::Address source;
    uint32_t ip_sum = 0;    // IPv4 header sum without destination and checksum
    uint32_t icmp_sum = 0;  // ICMP(v6) sum without identifier, sequence and checksum (IPv6: + pseudo header)
  };
  static Template load(std::span<const uint8_t> t, bool v6);

  Template v4_, v6_;
  const ProbeSpace& space_;
  CookieKey key_;
  SourcePorts ids_;
};

}  // namespace portauth::probe
