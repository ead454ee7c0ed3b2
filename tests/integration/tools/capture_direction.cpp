// capture_direction IFACE DEST_IP COUNT [--keep-outgoing]: opens the live capture exactly as a
// scan does (capture::open_live, no filter), sends COUNT UDP datagrams to DEST_IP:9 from this
// namespace, and reads for half a second. Prints one JSON line: how many frames the capture
// delivered that we sent (outgoing) and that came in, the kernel's count of frames it put in the
// ring (pcap "received"), and whether the kernel was told to ignore outgoing frames.
// --keep-outgoing opens the capture the old way (PACKET_IGNORE_OUTGOING not set): the kernel then
// counts our own datagrams too, which is how tests/integration/test_capture_direction.py knows
// the check can fail. Used only by that test, inside a lab namespace.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "capture/packet_source.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: capture_direction IFACE DEST_IP COUNT [--keep-outgoing]\n");
    return 2;
  }
  portauth::capture::LiveOptions o;
  o.interface = argv[1];
  o.filter = "udp or icmp";
  o.buffer_bytes = 4 << 20;
  o.ignore_outgoing = !(argc > 4 && std::strcmp(argv[4], "--keep-outgoing") == 0);
  auto source = portauth::capture::open_live(o);
  const int count = std::atoi(argv[3]);
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(9);
  inet_pton(AF_INET, argv[2], &to.sin_addr);
  for (int i = 0; i < count; ++i) sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  close(fd);
  struct Seen {
    uint32_t dest;
    long out = 0, in = 0;
  } seen{to.sin_addr.s_addr};
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (std::chrono::steady_clock::now() < until)
    source->dispatch(
        [](void* ctx, const uint8_t* frame, size_t caplen) {
          auto* s = static_cast<Seen*>(ctx);
          if (caplen < 34 || frame[12] != 0x08 || frame[13] != 0x00) return;
          uint32_t dst;
          std::memcpy(&dst, frame + 14 + 16, 4);
          (dst == s->dest ? s->out : s->in)++;  // to DEST_IP: one of ours; else an answer (ICMP)
        },
        &seen);
  const auto c = source->counters();
  std::printf("{\"delivered_outgoing\": %ld, \"delivered_incoming\": %ld, \"kernel_received\": %llu, "
              "\"kernel_ignores_outgoing\": %s}\n",
              seen.out, seen.in, static_cast<unsigned long long>(c.received),
              source->kernel_ignores_outgoing() ? "true" : "false");
  return 0;
}
