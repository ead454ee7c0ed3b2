#include "scanner/pcap_file_sink.h"

#include <pcap/pcap.h>
#include <sys/time.h>

#include "common/setup_error.h"

namespace portauth::scanner {

struct PcapFileSink::Handles {
  pcap_t* pcap = nullptr;  // a "dead" handle: only carries the link type and snap length
  pcap_dumper_t* dumper = nullptr;
  ~Handles() {
    if (dumper) pcap_dump_close(dumper);
    if (pcap) pcap_close(pcap);
  }
};

PcapFileSink::PcapFileSink(const std::string& path) : h_(std::make_unique<Handles>()) {
  h_->pcap = pcap_open_dead(DLT_RAW, 65535);
  if (!h_->pcap) throw common::SetupError("cannot write pcap file '" + path + "': pcap_open_dead failed");
  h_->dumper = pcap_dump_open(h_->pcap, path.c_str());
  if (!h_->dumper) throw common::SetupError("cannot write pcap file '" + path + "': " + pcap_geterr(h_->pcap));
}

PcapFileSink::~PcapFileSink() = default;

size_t PcapFileSink::send(const OutPacket* packets, size_t n) {
  // One timestamp per batch: the batch leaves (or would leave) the wire as one burst anyway,
  // and gettimeofday per packet would cost more than writing the record.
  pcap_pkthdr hdr{};
  gettimeofday(&hdr.ts, nullptr);
  for (size_t i = 0; i < n; ++i) {
    hdr.caplen = hdr.len = packets[i].len;
    pcap_dump(reinterpret_cast<u_char*>(h_->dumper), &hdr, packets[i].data);
  }
  return n;
}

}  // namespace portauth::scanner
