// The wire a scan runs on: where probes go (a packet sink) and where replies come from (a
// packet source). The engine is handed one and never opens one itself, so the same scan code
// runs on a raw socket and libpcap (engine/live_wire.h), on nothing (--dry-run), into a pcap
// file, or on an in-memory network that answers by a profile (tests/engine).
#pragma once
#include <memory>
#include <string>

#include "scanner/packet_sink.h"
#include "capture/packet_source.h"

namespace portauth::engine {

struct Wire {
  std::unique_ptr<capture::PacketSource> source;
  std::unique_ptr<scanner::PacketSink> sink;
  // How probes leave, for the plan (-v) and the summary: "raw", "ring" or "xdp" ("" offline
  // and in memory), and why that path (--send-mode auto's reasoning, or "asked for").
  std::string send_path, send_path_reason;
};

}  // namespace portauth::engine
