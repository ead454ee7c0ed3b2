// The probe space of a scan: every (address, port) pair, numbered, permuted and sharded.
// Addresses of both families share one dense index (config/range_set.h), so the permutation,
// shards, resume and the probe table never ask which family a probe is. Ports of both
// protocols share the port axis the same way: the TCP ports first, then the UDP ones, so a
// TCP-only scan numbers its probes exactly as it did before UDP existed, and the
// permutation, shards, resume files and the probe table never ask which protocol either.
//
//   index i   = port_idx * address_count + addr_idx   (addresses vary fastest)
//   position  = where i comes in the keyed permutation of all N indices
//   slot      = position / shards, for positions with position % shards == shard
//
// The sender walks slots 0, 1, 2, ... of its shard; the lock-free table is indexed by slot,
// so a shard keeps state only for its own probes. slot_of() maps a reply's (addr, port) back
// to its slot in O(log ranges) + O(1): the port index is a flat 64 Ki-entry array.
//
// Prefix ports (the canaries of verdict/canaries.h: ports the scan does not cover, probed on
// every address only to see whether the host answers everywhere): a second space, addresses x
// prefix ports, permuted with a key of its own and sharded the same way, whose slots come
// FIRST (slot < prefix_slots()), so canaries go out at the start of the first pass. The main
// space, its order and its shards are exactly what they are without a prefix (portauth merge
// rebuilds it without one), and every probe of both is walked exactly once; a prefix port is
// never one of the TCP `ports` (it may be one of the UDP ports: a canary is a SYN). The prefix
// has no place on the port axis: port_axis_size() and the UDP indices are what they are
// without it.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "probe/permutation.h"
#include "config/proto.h"
#include "config/range_set.h"

namespace portauth::probe {

struct ProbeTarget {
  config::Address addr;
  uint16_t port;
  config::Proto proto = config::Proto::kTcp;
  bool operator==(const ProbeTarget&) const = default;
};

class ProbeSpace {
 public:
  // TCP ports only. Throws std::invalid_argument for a bad shard or a prefix port that is also
  // one of the TCP ports.
  ProbeSpace(config::RangeSet targets, std::vector<uint16_t> ports, uint64_t seed,
             uint32_t shard = 0, uint32_t shards = 1, std::vector<uint16_t> prefix_ports = {});
  // TCP and UDP ports (either may be empty). Prefix ports are TCP (canaries probe with a SYN).
  ProbeSpace(config::RangeSet targets, std::vector<uint16_t> tcp_ports, std::vector<uint16_t> udp_ports,
             uint64_t seed, uint32_t shard = 0, uint32_t shards = 1, std::vector<uint16_t> prefix_ports = {});

  uint64_t total() const { return total_; }  // probes of the main space in all shards
  uint64_t slots() const { return slots_; }  // probes in this shard, prefix included
  uint64_t prefix_slots() const { return prefix_slots_; }  // this shard's prefix probes: slots [0, prefix_slots())
  // Canaries are TCP: a UDP probe on the same port number is never one.
  bool is_prefix_port(uint16_t port, config::Proto proto = config::Proto::kTcp) const {
    return proto == config::Proto::kTcp && port_index_[port] <= -2;
  }
  const std::vector<uint16_t>& prefix_ports() const { return prefix_ports_; }
  ProbeTarget at(uint64_t slot) const;
  std::optional<uint64_t> slot_of(const config::Address& addr, uint16_t port,
                                  config::Proto proto = config::Proto::kTcp) const;

  const config::RangeSet& targets() const { return targets_; }
  const std::vector<uint16_t>& ports() const { return ports_; }          // TCP
  const std::vector<uint16_t>& udp_ports() const { return udp_ports_; }  // UDP
  uint64_t address_count() const { return addr_count_; }
  // The port axis: entries [0, ports().size()) are TCP, the rest UDP.
  uint64_t port_axis_size() const { return ports_.size() + udp_ports_.size(); }

 private:
  static uint64_t shard_slots(uint64_t total, uint32_t shard, uint32_t shards) {
    return shards == 0 || shard >= shards || total <= shard ? 0 : (total - shard + shards - 1) / shards;
  }

  config::RangeSet targets_;
  std::vector<uint16_t> ports_, udp_ports_;
  std::vector<uint16_t> prefix_ports_;  // TCP
  // (proto, port) -> index on the port axis (>= 0), -1 (not probed), or -(2 + index in
  // prefix_ports_) (TCP only): TCP at [port], UDP at [65536 + port]
  std::unique_ptr<int32_t[]> port_index_;
  uint64_t addr_count_;
  uint64_t total_;
  uint32_t shard_, shards_;
  uint64_t prefix_total_, prefix_slots_;
  uint64_t slots_;
  Permutation perm_;
  Permutation prefix_perm_;
};

}  // namespace portauth::probe
