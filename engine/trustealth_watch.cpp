#include "engine/trustealth_watch.h"

#include <random>
#include <stdexcept>

#include "probe/icmp_echo.h"
#include "scanner/raw_socket_sink.h"

namespace portauth::engine {
namespace {

uint16_t random_echo_id() {
  std::random_device rd;
  return uint16_t(rd());
}

// libnet's echo request from our address of `family`'s source, or nothing when the scan has
// no target of that family.
std::vector<uint8_t> echo_template(const config::Address& source) {
  if (source.is_zero()) return {};
  return probe::build_icmp_echo({.source_ip = source, .destination_ip = source});
}

std::bitset<65536> make_bits(const std::vector<uint16_t>& ports) {
  std::bitset<65536> bits;
  for (uint16_t p : ports) bits.set(p);
  return bits;
}

}  // namespace

TrustealthWatch::TrustealthWatch(const config::ScanPlan& plan, const scanner::RouteChoice& route,
                                 uint16_t source_port_first, uint16_t source_port_count,
                                 const std::vector<uint16_t>& canary_ports)
    : plan_(plan),
      route_(route),
      interface_(route.interface),
      echo_id_(random_echo_id()),
      echo_space_(plan.targets, {0}, plan.seed),
      echo_(echo_template(route.source_v4), echo_template(route.source_v6), echo_space_, probe::CookieKey::random(),
            {echo_id_, 1}),
      canaries_(make_bits(canary_ports)),
      watch_(plan.targets, {route.source_v4, route.source_v6, echo_id_, source_port_first, source_port_count, &echo_,
                            &canaries_}) {
  if (plan.targets.count() > kMaxTrustealthTargets)
    throw std::invalid_argument("TruStealth checks are for at most " + std::to_string(kMaxTrustealthTargets) +
                                " addresses (" + std::to_string(plan.targets.count()) + " given)");
}

TrustealthWatch::~TrustealthWatch() = default;

std::string TrustealthWatch::capture_filter(const std::string& reply_filter) const {
  // The echo module's own filter is inside the host watch's (every frame from a target); it is
  // named anyway, so that the pings' replies do not depend on how wide the watch looks.
  return "(" + reply_filter + ") or " + echo_.capture_filter() + " or (" + capture::host_watch_filter(plan_.targets) +
         ")";
}

void TrustealthWatch::open() {
  const uint64_t v4 = plan_.targets.count_v4();
  if (!plan_.offline())
    socket_ = std::make_unique<scanner::RawSocketSink>(interface_, v4 > 0, v4 < plan_.targets.count());
}

void TrustealthWatch::on_pass(unsigned pass) {
  if (int(pass) <= last_pass_) return;
  last_pass_ = int(pass);
  ping();
}

void TrustealthWatch::ping() {
  if (!socket_) return;
  uint8_t packet[probe::kIcmp6EchoPacketSize];
  for (uint64_t slot = 0; slot < echo_space_.slots(); ++slot) {
    const probe::ProbeTarget target = echo_space_.at(slot);
    const size_t len = echo_.write(packet, target, echo_id_);
    const scanner::OutPacket out{packet, uint16_t(len), target.addr};
    echo_requests_ += socket_->send(&out, 1);  // a failed send is simply not counted
  }
}

void TrustealthWatch::fill(output::ScanSummary& s) const {
  s.trustealth = true;
  s.frames_from_targets = watch_.stats().frames_from_targets.load();
  s.echo_replies = watch_.stats().echo_replies.load();
  s.echo_requests = echo_requests_;
}

}  // namespace portauth::engine
