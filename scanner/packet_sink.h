// Where probes go. The sender hands a sink batches of finished IP packets (IPv4 or IPv6); a sink may be
// the wire (raw socket), a recording for tests and dry runs, or nothing at all (benchmarks).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "config/address.h"

namespace portauth::scanner {

struct OutPacket {
  const uint8_t* data;  // IP header first
  uint16_t len;
  config::Address dst;  // the raw-socket sink needs it for sendmmsg's address (and family)
};

class PacketSink {
 public:
  virtual ~PacketSink() = default;
  // Sends `n` packets, in order. Returns how many were handed on; the sender counts the
  // rest as send errors (it does not block or retry forever on a full queue).
  virtual size_t send(const OutPacket* packets, size_t n) = 0;
};

// Keeps a copy of every packet: the dry-run and test sink.
class MemorySink final : public PacketSink {
 public:
  size_t send(const OutPacket* packets, size_t n) override {
    for (size_t i = 0; i < n; ++i) frames.emplace_back(packets[i].data, packets[i].data + packets[i].len);
    return n;
  }
  std::vector<std::vector<uint8_t>> frames;
};

// Discards everything: measures generation speed without syscalls.
class NullSink final : public PacketSink {
 public:
  size_t send(const OutPacket*, size_t n) override {
    count += n;
    return n;
  }
  uint64_t count = 0;
};

}  // namespace portauth::scanner
