// The packet source of an offline run (--dry-run, --pcap-out): nothing ever arrives. No
// capture handle is opened, so an offline run needs no privileges. dispatch() idles for
// the same ~10 ms a live source polls, so the capture thread behaves as with a quiet wire.
#pragma once
#include <chrono>
#include <thread>

#include "capture/packet_source.h"
#include "capture/reply_parser.h"

namespace portauth::capture {

class NullSource final : public PacketSource {
 public:
  int linktype() const override { return kDltRaw; }
  int dispatch(Handler, void*) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return 0;
  }
  SourceCounters counters() const override { return {}; }
};

}  // namespace portauth::capture
