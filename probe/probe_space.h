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
  // TCP ports only.
  ProbeSpace(config::RangeSet targets, std::vector<uint16_t> ports, uint64_t seed,
             uint32_t shard = 0, uint32_t shards = 1);
  // TCP and UDP ports (either may be empty).
  ProbeSpace(config::RangeSet targets, std::vector<uint16_t> tcp_ports, std::vector<uint16_t> udp_ports,
             uint64_t seed, uint32_t shard = 0, uint32_t shards = 1);

  uint64_t total() const { return total_; }  // probes in all shards
  uint64_t slots() const { return slots_; }  // probes in this shard
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
  config::RangeSet targets_;
  std::vector<uint16_t> ports_, udp_ports_;
  // (proto, port) -> index on the port axis, or -1: TCP at [port], UDP at [65536 + port]
  std::unique_ptr<int32_t[]> port_index_;
  uint64_t addr_count_;
  uint64_t total_;
  uint32_t shard_, shards_;
  uint64_t slots_;
  Permutation perm_;
};

}  // namespace portauth::probe
