// Canary ports: a few high ports that nothing is registered on, probed on every host to see
// whether the host answers on ports where no service can be expected. An honest host answers
// them with an RST (or not at all); a host that answers them with a SYN-ACK answers everywhere
// (a redirect to one listener, a SYN proxy, a tarpit), and its "open" ports need a closer look.
//
// The rule (choose_canaries): the candidates are the pool (the dynamic range 49152-65535 less
// every port the port database names: the caller filters with the database). When the scan
// already covers at least `count` candidates, every covered candidate is a canary and no probe
// is added; otherwise the covered ones are canaries and `count - covered` more are drawn from
// the pool by the seed and added to the scan (CanaryPlan::extra: the probe space's prefix,
// probe/probe_space.h, never reported as ports of the scan unless --show canaries). The same
// seed and ports give the same canaries, so shards and a resumed scan agree.
// Pure: no I/O, no clock.
#pragma once
#include <cstdint>
#include <vector>

namespace portauth::verdict {

inline constexpr unsigned kDefaultCanaries = 3;
inline constexpr uint16_t kCanaryPoolFirst = 49152;  // IANA's dynamic range: never assigned

struct CanaryPlan {
  std::vector<uint16_t> extra;  // added to the scan as canaries only (sorted)
  std::vector<uint16_t> ports;  // every canary port: extra and covered (sorted)
};

// `pool` and `scan_ports` sorted and unique.
CanaryPlan choose_canaries(const std::vector<uint16_t>& pool, const std::vector<uint16_t>& scan_ports, unsigned count,
                           uint64_t seed);

// `n` more canaries for a suspect's follow-up: pool ports that are neither scanned nor already
// canaries, drawn by `seed`.
std::vector<uint16_t> more_canaries(const std::vector<uint16_t>& pool, const std::vector<uint16_t>& scan_ports,
                                    const std::vector<uint16_t>& canaries, unsigned n, uint64_t seed);

}  // namespace portauth::verdict
