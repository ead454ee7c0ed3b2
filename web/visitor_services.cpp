#include "web/visitor_services.h"

#include <chrono>

#include "service/fd_limit.h"
#include "service/session.h"

namespace portauth::web {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

VisitorServices::VisitorServices(const ScanTarget& target, VisitorServiceOptions options)
    : target_(target.address()), options_(std::move(options)) {}

double VisitorServices::bound_seconds() const {
  return double(service::Timing::from_timeout(options_.timeout_seconds).lifetime_ns) / 1e9;
}

void VisitorServices::submit(uint16_t port) {
  if (!engine_) {
    // Made at the first open port: a scan that finds nothing open starts no thread.
    service::ConnEngine::Options o;
    o.max_connections = service::fd_budget(options_.concurrency).connections;
    o.timing = service::Timing::from_timeout(options_.timeout_seconds);
    o.link_scope = options_.link_scope;
    engine_ = std::make_unique<service::ConnEngine>(o);
  }
  service::ConnEngine::Job job;
  job.id = port;  // one scan, one address: the port is the key
  job.addr = target_;
  job.port = port;
  if (options_.port_names) job.port_names = options_.port_names(port);
  engine_->submit(std::move(job));
  ++submitted_;
}

void VisitorServices::take_done(const OnFound& each) {
  if (!engine_) return;
  for (auto& d : engine_->take_done()) {
    switch (d.info.answer) {
      case service::Answer::kIdentified: ++identified_; break;
      case service::Answer::kSilent: ++silent_; break;
      case service::Answer::kTcpwrapped: ++tcpwrapped_; break;
      case service::Answer::kUnrecognised: ++unrecognised_; break;
      default: ++unfinished_; break;
    }
    each(Found{uint16_t(d.id), std::make_shared<const service::ServiceInfo>(std::move(d.info))});
  }
}

void VisitorServices::finish(const OnFound& each) {
  if (!engine_) return;
  const auto start = std::chrono::steady_clock::now();
  // One lifetime for everything still pending, not one per wave of `concurrency` ports as the
  // command line allows: a visitor with a thousand silent ports must not hold a scan slot for
  // minutes. Sessions started during the SYN scan have had part of their lifetime already.
  const double bound = bound_seconds();
  while (!engine_->wait_idle(50)) {
    take_done(each);
    if (seconds_since(start) >= bound) engine_->abort_all();
  }
  take_done(each);
  extra_seconds_ = seconds_since(start);
}

void VisitorServices::amend(output::ScanSummary& s) const {
  s.service_scan = true;
  s.services_identified = identified_;
  s.services_silent = silent_;
  s.services_tcpwrapped = tcpwrapped_;
  s.services_unrecognised = unrecognised_;
  s.services_unfinished = unfinished_;
  s.service_connections = engine_ ? engine_->stats().connections : 0;
  s.service_extra_seconds = extra_seconds_;
}

}  // namespace portauth::web
