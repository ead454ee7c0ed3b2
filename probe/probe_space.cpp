#include "probe/probe_space.h"

#include <stdexcept>

namespace portauth::probe {
namespace {
// The prefix's order must not repeat the main space's: a key of its own, from the same seed.
constexpr uint64_t kPrefixKey = 0x63616e6172696573;  // "canaries"
}  // namespace

ProbeSpace::ProbeSpace(config::RangeSet targets, std::vector<uint16_t> ports, uint64_t seed, uint32_t shard,
                       uint32_t shards, std::vector<uint16_t> prefix_ports)
    : ProbeSpace(std::move(targets), std::move(ports), {}, seed, shard, shards, std::move(prefix_ports)) {}

ProbeSpace::ProbeSpace(config::RangeSet targets, std::vector<uint16_t> tcp_ports, std::vector<uint16_t> udp_ports,
                       uint64_t seed, uint32_t shard, uint32_t shards, std::vector<uint16_t> prefix_ports)
    : targets_(std::move(targets)),
      ports_(std::move(tcp_ports)),
      udp_ports_(std::move(udp_ports)),
      prefix_ports_(std::move(prefix_ports)),
      port_index_(new int32_t[2 * 65536]),
      addr_count_(targets_.count()),
      total_(addr_count_ * (ports_.size() + udp_ports_.size())),
      shard_(shard),
      shards_(shards),
      prefix_total_(addr_count_ * prefix_ports_.size()),
      prefix_slots_(shard_slots(prefix_total_, shard, shards)),
      slots_(prefix_slots_ + shard_slots(total_, shard, shards)),
      perm_(total_, seed),
      prefix_perm_(prefix_total_, seed ^ kPrefixKey) {
  if (shards == 0 || shard >= shards) throw std::invalid_argument("shard must be < shards");
  for (int p = 0; p < 2 * 65536; ++p) port_index_[p] = -1;
  for (size_t i = 0; i < ports_.size(); ++i) port_index_[ports_[i]] = int32_t(i);
  for (size_t i = 0; i < udp_ports_.size(); ++i) port_index_[65536 + udp_ports_[i]] = int32_t(ports_.size() + i);
  for (size_t i = 0; i < prefix_ports_.size(); ++i) {
    if (port_index_[prefix_ports_[i]] != -1) throw std::invalid_argument("a prefix port is already a port of the scan");
    port_index_[prefix_ports_[i]] = -2 - int32_t(i);
  }
}

ProbeTarget ProbeSpace::at(uint64_t slot) const {
  if (slot < prefix_slots_) {
    const uint64_t index = prefix_perm_.forward(slot * shards_ + shard_);
    return {targets_.at(index % addr_count_), prefix_ports_[index / addr_count_]};  // TCP
  }
  const uint64_t index = perm_.forward((slot - prefix_slots_) * shards_ + shard_);
  const uint64_t port_idx = index / addr_count_;
  const config::Address addr = targets_.at(index % addr_count_);
  if (port_idx < ports_.size()) return {addr, ports_[port_idx]};
  return {addr, udp_ports_[port_idx - ports_.size()], config::Proto::kUdp};
}

std::optional<uint64_t> ProbeSpace::slot_of(const config::Address& addr, uint16_t port, config::Proto proto) const {
  const int32_t port_idx = port_index_[(proto == config::Proto::kUdp ? 65536 : 0) + port];
  if (port_idx == -1) return std::nullopt;
  const auto addr_idx = targets_.index_of(addr);
  if (!addr_idx) return std::nullopt;
  if (port_idx <= -2) {
    const uint64_t position = prefix_perm_.inverse(uint64_t(-2 - port_idx) * addr_count_ + *addr_idx);
    if (position % shards_ != shard_) return std::nullopt;
    return position / shards_;
  }
  const uint64_t position = perm_.inverse(uint64_t(port_idx) * addr_count_ + *addr_idx);
  if (position % shards_ != shard_) return std::nullopt;
  return prefix_slots_ + position / shards_;
}

}  // namespace portauth::probe
