// Probes to a pcap file instead of the wire (--pcap-out, like masscan's --offline with a
// pcap): one record per packet, link type DLT_RAW (the records are the IPv4 packets exactly
// as the raw socket would hand them to the kernel), timestamped when written. Opens no
// socket and needs no privileges; tcpdump -r / Wireshark read the result.
#pragma once
#include <memory>
#include <string>

#include "scanner/packet_sink.h"

namespace portauth::scanner {

class PcapFileSink final : public PacketSink {
 public:
  // Throws SetupError when the file cannot be created.
  explicit PcapFileSink(const std::string& path);
  ~PcapFileSink() override;  // flushes and closes the file
  PcapFileSink(const PcapFileSink&) = delete;
  PcapFileSink& operator=(const PcapFileSink&) = delete;

  size_t send(const OutPacket* packets, size_t n) override;

 private:
  struct Handles;
  std::unique_ptr<Handles> h_;
};

}  // namespace portauth::scanner
