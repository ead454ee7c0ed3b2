// The AF_XDP back end of a build without libxdp-dev/libbpf-dev: asking for it says so.
#include "common/setup_error.h"
#include "scanner/xdp_sink.h"

namespace portauth::scanner {

struct XdpSink::State {};

XdpSink::XdpSink(const std::string&, const Mac&, std::optional<Mac>, std::optional<Mac>) {
  throw common::SetupError(
      "this portauth was built without AF_XDP support (libxdp-dev and libbpf-dev were missing); use --send-mode "
      "ring or raw");
}
XdpSink::~XdpSink() = default;
size_t XdpSink::send(const OutPacket*, size_t) { return 0; }
void XdpSink::reclaim() {}
bool XdpSink::kick() { return false; }
bool XdpSink::kick_and_wait() { return false; }

}  // namespace portauth::scanner
