#include "probe/probe_space.h"

#include <stdexcept>

namespace portauth::probe {

ProbeSpace::ProbeSpace(config::RangeSet targets, std::vector<uint16_t> ports, uint64_t seed,
                       uint32_t shard, uint32_t shards)
    : targets_(std::move(targets)),
      ports_(std::move(ports)),
      port_index_(new int32_t[65536]),
      addr_count_(targets_.count()),
      total_(addr_count_ * ports_.size()),
      shard_(shard),
      shards_(shards),
      slots_(shards == 0 || shard >= shards || total_ <= shard ? 0 : (total_ - shard + shards - 1) / shards),
      perm_(total_, seed) {
  if (shards == 0 || shard >= shards) throw std::invalid_argument("shard must be < shards");
  for (int p = 0; p < 65536; ++p) port_index_[p] = -1;
  for (size_t i = 0; i < ports_.size(); ++i) port_index_[ports_[i]] = int32_t(i);
}

ProbeTarget ProbeSpace::at(uint64_t slot) const {
  const uint64_t index = perm_.forward(slot * shards_ + shard_);
  return {targets_.at(index % addr_count_), ports_[index / addr_count_]};
}

std::optional<uint64_t> ProbeSpace::slot_of(const config::Address& addr, uint16_t port) const {
  const int32_t port_idx = port_index_[port];
  if (port_idx < 0) return std::nullopt;
  const auto addr_idx = targets_.index_of(addr);
  if (!addr_idx) return std::nullopt;
  const uint64_t position = perm_.inverse(uint64_t(port_idx) * addr_count_ + *addr_idx);
  if (position % shards_ != shard_) return std::nullopt;
  return position / shards_;
}

}  // namespace portauth::probe
