// O(1) port -> entry index: one slot per (protocol, port), 2 x 65,536 int32 = 512 KiB.
//
// A slot holds the position of the entry covering that port in the owner's entry vector,
// or kNone. A ranged entry fills every slot it covers, so a lookup is one array read
// whatever the ranges look like. Built once at load, read-only afterwards (safe to share
// between threads then).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "db/port_entry.h"

namespace portauth::db {

class PortIndex {
 public:
  static constexpr int32_t kNone = -1;

  PortIndex();

  int32_t at(Proto proto, uint16_t port) const { return slots_[offset(proto) + port]; }

  // The first port in [first, last] that is already taken, if any; else -1.
  int32_t first_taken(Proto proto, uint16_t first, uint16_t last) const;

  // Points [first, last] at `entry`. Call first_taken() before: claim() overwrites.
  void claim(Proto proto, uint16_t first, uint16_t last, int32_t entry);

 private:
  static size_t offset(Proto proto) { return proto == Proto::kUdp ? 65536 : 0; }

  std::vector<int32_t> slots_;
};

}  // namespace portauth::db
