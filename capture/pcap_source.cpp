#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <stdexcept>

#include "config/ipv4.h"
#include "capture/packet_source.h"
#include "common/setup_error.h"

namespace portauth::capture {
namespace {

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
using PcapPtr = std::unique_ptr<pcap_t, PcapCloser>;

void apply_filter(pcap_t* p, const std::string& filter) {
  if (filter.empty()) return;
  bpf_program prog{};
  if (pcap_compile(p, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    throw std::runtime_error("bad capture filter '" + filter + "': " + pcap_geterr(p));
  const int rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc != 0) throw std::runtime_error(std::string("cannot set capture filter: ") + pcap_geterr(p));
}

class PcapSource final : public PacketSource {
 public:
  PcapSource(PcapPtr p, bool live, int timeout_ms, bool ignores_outgoing = false)
      : p_(std::move(p)),
        live_(live),
        linktype_(pcap_datalink(p_.get())),
        timeout_ms_(timeout_ms),
        ignores_outgoing_(ignores_outgoing) {
    fd_ = live_ ? pcap_get_selectable_fd(p_.get()) : -1;
  }

  int linktype() const override { return linktype_; }
  bool kernel_ignores_outgoing() const override { return ignores_outgoing_; }

  int dispatch(Handler handler, void* ctx) override {
    struct Ctx { Handler h; void* c; } cb{handler, ctx};
    // Live: the handle is non-blocking and we poll with our own timeout, because in
    // immediate mode libpcap ignores its timeout and would block until the next packet,
    // keeping the capture thread from seeing its stop flag.
    if (fd_ >= 0) {
      pollfd pfd{fd_, POLLIN, 0};
      if (poll(&pfd, 1, timeout_ms_) <= 0) return 0;
    }
    const int n = pcap_dispatch(
        p_.get(), -1,
        [](u_char* user, const pcap_pkthdr* hdr, const u_char* bytes) {
          auto* c = reinterpret_cast<Ctx*>(user);
          c->h(c->c, bytes, hdr->caplen);
        },
        reinterpret_cast<u_char*>(&cb));
    if (n < 0) return live_ ? 0 : -1;
    if (!live_ && n == 0) return -1;  // end of file
    return n;
  }

  SourceCounters counters() const override {
    SourceCounters c;
    pcap_stat st{};
    if (live_ && pcap_stats(p_.get(), &st) == 0) {
      c.received = st.ps_recv;
      c.dropped = st.ps_drop;
      c.if_dropped = st.ps_ifdrop;
    }
    return c;
  }

 private:
  PcapPtr p_;
  bool live_;
  int linktype_;
  int timeout_ms_;
  bool ignores_outgoing_;
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<PacketSource> open_live(const LiveOptions& o) {
  char err[PCAP_ERRBUF_SIZE] = {};
  PcapPtr p(pcap_create(o.interface.c_str(), err));
  if (!p) throw common::SetupError("cannot capture on '" + o.interface + "': " + err);
  pcap_set_snaplen(p.get(), o.snaplen);
  pcap_set_promisc(p.get(), 0);
  pcap_set_timeout(p.get(), o.timeout_ms);
  pcap_set_buffer_size(p.get(), o.buffer_bytes);
  // Immediate mode: replies are handed over as they arrive, not when a ring block fills, so
  // the retry pass sees every answer that has landed. Off at high rates (capture_sizing.h):
  // TPACKET_V3 blocks then batch the wake-ups, and the block timeout bounds the delay.
  pcap_set_immediate_mode(p.get(), o.immediate ? 1 : 0);
  const int rc = pcap_activate(p.get());
  if (rc < 0) {
    const std::string why = pcap_geterr(p.get());
    if (rc == PCAP_ERROR_PERM_DENIED)
      throw common::SetupError("cannot capture on '" + o.interface + "': " + why + "; " + common::kPrivilegeHint);
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
      throw common::SetupError("cannot capture on '" + o.interface + "': no such interface");
    throw common::SetupError("cannot capture on '" + o.interface + "': " + why);
  }
  apply_filter(p.get(), o.filter);
  // Replies only ever come in. libpcap's pcap_setdirection() filters direction in user space
  // on Linux (it only sets a flag its read loop checks), so by itself the kernel would still
  // clone every probe we send for this socket and run the BPF filter on it, on the sender's
  // CPU. PACKET_IGNORE_OUTGOING (Linux >= 4.20) takes the socket off the transmit taps
  // altogether. libpcap has no call for it, but the selectable fd of a live Linux capture is
  // its AF_PACKET socket. Where the kernel refuses (older kernels: ENOPROTOOPT), the
  // user-space direction check below still keeps our own frames out of the results.
  bool kernel_ignores_outgoing = false;
  if (o.ignore_outgoing) {
    const int one = 1;
    const int fd = pcap_fileno(p.get());
    kernel_ignores_outgoing = fd >= 0 && setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) == 0;
  }
  pcap_setdirection(p.get(), PCAP_D_IN);
  if (pcap_setnonblock(p.get(), 1, err) != 0)
    throw common::SetupError("cannot capture on '" + o.interface + "': " + err);
  return std::make_unique<PcapSource>(std::move(p), true, o.timeout_ms, kernel_ignores_outgoing);
}

std::unique_ptr<PacketSource> open_file(const std::string& path, const std::string& filter) {
  char err[PCAP_ERRBUF_SIZE] = {};
  PcapPtr p(pcap_open_offline(path.c_str(), err));
  if (!p) throw std::runtime_error("cannot read pcap file '" + path + "': " + err);
  apply_filter(p.get(), filter);
  return std::make_unique<PcapSource>(std::move(p), false, 0);
}


}  // namespace portauth::capture
