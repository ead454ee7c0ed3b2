// Where captured frames come from: a live interface or a pcap file (libtins' Sniffer /
// FileSniffer split), so the capture loop and every reply parser run on recorded bytes in
// tests exactly as on the wire.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace portauth::capture {

struct SourceCounters {
  uint64_t received = 0;    // seen by the kernel filter
  uint64_t dropped = 0;     // dropped for lack of buffer space (ours to fix: bigger buffer, lower rate)
  uint64_t if_dropped = 0;  // dropped by the interface or driver
};

class PacketSource {
 public:
  using Handler = void (*)(void* ctx, const uint8_t* frame, size_t caplen);
  virtual ~PacketSource() = default;

  virtual int linktype() const = 0;
  // Delivers the frames available now (waiting at most the source's timeout, ~10 ms).
  // Returns frames delivered, or -1 when the source is exhausted (end of file).
  virtual int dispatch(Handler handler, void* ctx) = 0;
  virtual SourceCounters counters() const = 0;
  // True when the kernel keeps our own outgoing frames off this source altogether
  // (PACKET_IGNORE_OUTGOING on a live capture); false for files, memory and older kernels.
  virtual bool kernel_ignores_outgoing() const { return false; }
};

struct LiveOptions {
  std::string interface;
  std::string filter;            // BPF expression
  int buffer_bytes = 64 << 20;   // kernel ring: holds a few seconds of replies at 100 kpps
  int snaplen = 256;             // enough for an ICMP error quoting IP options and TCP
  int timeout_ms = 10;
  bool immediate = true;         // false: TPACKET_V3 blocks, delivered when full or after timeout_ms
                                 // (capture_sizing.h chooses both for a scan)
  bool ignore_outgoing = true;   // PACKET_IGNORE_OUTGOING: the kernel never hands us our own probes
};

// Throws common::SetupError (privilege hint on EPERM) or std::runtime_error (bad filter).
std::unique_ptr<PacketSource> open_live(const LiveOptions& options);
std::unique_ptr<PacketSource> open_file(const std::string& path, const std::string& filter = "");


}  // namespace portauth::capture
