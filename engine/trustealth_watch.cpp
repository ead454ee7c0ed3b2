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

}  // namespace

TrustealthWatch::TrustealthWatch(const config::ScanPlan& plan, const scanner::RouteChoice& route,
                                 uint16_t source_port_first, uint16_t source_port_count)
    : plan_(plan),
      route_(route),
      interface_(route.interface),
      echo_id_(random_echo_id()),
      watch_(plan.targets, {route.source_v4, route.source_v6, echo_id_, source_port_first, source_port_count}) {
  if (plan.targets.count() > kMaxTrustealthTargets)
    throw std::invalid_argument("TruStealth checks are for at most " + std::to_string(kMaxTrustealthTargets) +
                                " addresses (" + std::to_string(plan.targets.count()) + " given)");
}

TrustealthWatch::~TrustealthWatch() = default;

std::string TrustealthWatch::capture_filter(const std::string& reply_filter) const {
  return "(" + reply_filter + ") or (" + capture::host_watch_filter(plan_.targets) + ")";
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
  ++sequence_;
  for (const auto& range : plan_.targets.ranges()) {
    // At most kMaxTrustealthTargets addresses: the 128-bit walk stays short.
    for (config::Uint128 a = range.first.value; a <= range.last.value; ++a) {
      const config::Address addr{a};
      const auto packet = probe::build_icmp_echo(
          {.source_ip = route_.source_for(addr), .destination_ip = addr, .id = echo_id_, .sequence = sequence_});
      const scanner::OutPacket out{packet.data(), uint16_t(packet.size()), addr};
      echo_requests_ += socket_->send(&out, 1);  // a failed send is simply not counted
      if (a == range.last.value) break;  // the last address of all: ++a would wrap
    }
  }
}

void TrustealthWatch::fill(output::ScanSummary& s) const {
  s.trustealth = true;
  s.frames_from_targets = watch_.stats().frames_from_targets.load();
  s.echo_replies = watch_.stats().echo_replies.load();
  s.echo_requests = echo_requests_;
}

}  // namespace portauth::engine
