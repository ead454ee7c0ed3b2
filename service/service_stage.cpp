#include "service/service_stage.h"

#include <algorithm>
#include <chrono>

namespace portauth::service {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

ServiceStage::ServiceStage(std::vector<output::ResultWriter*> writers, StageOptions options)
    : writers_(std::move(writers)), options_(std::move(options)) {}

void ServiceStage::begin(const output::ScanInfo& info) {
  budget_ = fd_budget(options_.concurrency);
  ConnEngine::Options o;
  o.max_connections = budget_.connections;
  o.timing = Timing::from_timeout(options_.timeout_seconds);
  o.link_scope = options_.link_scope;
  engine_ = std::make_unique<ConnEngine>(o);
  ports_ = info.ports;
  output::ScanInfo with = info;
  with.service_scan = true;
  for (auto* w : writers_) w->begin(with);
}

void ServiceStage::result(const probe::ScanResult& r, const output::Annotation& a, const output::PortFacts& f) {
  // Identification connects over TCP: a UDP port (its reply already explained, f.reply) and
  // every port that is not open go straight through; so does an open port of a host that
  // answers for ports it does not serve, unless a connection to it reached a service.
  if (r.proto != config::Proto::kTcp || r.state() != probe::PortState::kOpen) {
    for (auto* w : writers_) w->result(r, a, f);
    return;
  }
  Role role = Role::kPort;
  if (const verdict::HostVerdict* v = f.host_verdict.get();
      v && v->collapses_open_ports() &&
      !std::binary_search(v->service_ports.begin(), v->service_ports.end(), r.port)) {
    const auto it = v->kind == verdict::VerdictKind::kAnswersAll ? samples_.find(r.addr) : samples_.end();
    const std::optional<Role> sampled = it != samples_.end() ? sample(it->second, r.port) : std::nullopt;
    if (!sampled) {
      ++not_tried_;
      for (auto* w : writers_) w->result(r, a, f);
      return;
    }
    role = *sampled;
  }
  submit(r, &a, f, role);
}

void ServiceStage::submit(const probe::ScanResult& r, const output::Annotation* a, const output::PortFacts& f, Role role) {
  const uint64_t id = next_id_++;
  held_.emplace(id, Held{r, a, f, role});
  ConnEngine::Job job;
  job.id = id;
  job.addr = r.addr;
  job.port = r.port;
  if (options_.port_names) job.port_names = options_.port_names(r.port);
  else if (a && !a->service.empty()) job.port_names = {a->service};
  engine_->submit(std::move(job));
}

std::optional<ServiceStage::Role> ServiceStage::sample(Sample& s, uint16_t port) {
  if (std::binary_search(s.covered.begin(), s.covered.end(), port)) return Role::kCanary;
  // The slice of the scan's port list (its canaries left out) the port falls in.
  const uint64_t below = uint64_t(std::lower_bound(ports_.begin(), ports_.end(), port) - ports_.begin()) -
                         uint64_t(std::lower_bound(s.covered.begin(), s.covered.end(), port) - s.covered.begin());
  const uint64_t n = ports_.size() > s.covered.size() ? ports_.size() - s.covered.size() : 1;
  const uint32_t bit = uint32_t{1} << std::min<uint64_t>(below * verdict::kSampledPorts / n, verdict::kSampledPorts - 1);
  if (s.slices & bit) return std::nullopt;
  s.slices |= bit;
  return Role::kSampled;
}

void ServiceStage::deliver() {
  if (!engine_) return;
  for (auto& d : engine_->take_done()) {
    const auto it = held_.find(d.id);
    if (it == held_.end()) continue;
    const Held& h = it->second;
    if (h.role != Role::kPort)
      if (const auto sit = samples_.find(h.r.addr); sit != samples_.end())
        sit->second.seen.push_back({h.r.port, d.info.answer == Answer::kIdentified ? d.info.name : "",
                                    d.info.answer == Answer::kIdentified ? product_line(d.info) : "", d.info.banner,
                                    h.role == Role::kCanary});
    if (!h.a) {  // a canary tried for the comparison: not a port of the scan
      held_.erase(it);
      continue;
    }
    switch (d.info.answer) {
      case Answer::kIdentified: ++identified_; break;
      case Answer::kSilent: ++silent_; break;
      case Answer::kTcpwrapped: ++tcpwrapped_; break;
      case Answer::kUnrecognised: ++unrecognised_; break;
      default: ++unfinished_; break;
    }
    output::PortFacts f = it->second.facts;
    f.service = std::make_shared<const ServiceInfo>(std::move(d.info));
    for (auto* w : writers_) w->result(it->second.r, *it->second.a, f);
    held_.erase(it);
  }
}

void ServiceStage::host_verdict(const verdict::HostVerdict& v) {
  for (auto* w : writers_) w->host_verdict(v);
  if (v.kind != verdict::VerdictKind::kAnswersAll || !engine_ || samples_.count(v.addr)) return;
  // Its canaries: those that are ports of the scan first (their results come, and are reported
  // identified), then the others, tried now.
  Sample& s = samples_[v.addr];
  std::vector<uint16_t> others;
  for (uint16_t p : v.canary_ports) {
    if (s.covered.size() + others.size() >= verdict::kCanariesTried) break;
    (std::binary_search(ports_.begin(), ports_.end(), p) ? s.covered : others).push_back(p);
  }
  probe::ScanResult r;
  r.addr = v.addr;
  r.proto = config::Proto::kTcp;
  for (uint16_t p : others) {
    r.port = p;
    submit(r, nullptr, {}, Role::kCanary);
  }
}

void ServiceStage::canary_result(const probe::ScanResult& r, const output::Annotation& a, const output::PortFacts& f) {
  for (auto* w : writers_) w->canary_result(r, a, f);
}

void ServiceStage::flush() {
  deliver();
  for (auto* w : writers_) w->flush();
}

void ServiceStage::finish(const output::ScanSummary& summary) {
  const auto start = std::chrono::steady_clock::now();
  if (engine_ && !held_.empty()) {
    // At most one session lifetime per wave of `concurrency` ports still waiting, plus slack.
    const Timing t = Timing::from_timeout(options_.timeout_seconds);
    const size_t waves = (engine_->outstanding() + budget_.connections - 1) / budget_.connections;
    const double bound = double(t.lifetime_ns) / 1e9 * double(std::max<size_t>(1, waves)) + 2.0;
    const int signals_at_start = options_.interrupts ? options_.interrupts->load() : 0;
    if (options_.waiting) options_.waiting(engine_->outstanding(), summary.interrupted ? 2.0 : bound);
    double grace_until = summary.interrupted ? 2.0 : bound;
    auto last_flush = start;
    while (!engine_->wait_idle(50)) {
      const double waited = seconds_since(start);
      const int signals = options_.interrupts ? options_.interrupts->load() - signals_at_start : 0;
      if (signals >= 2 || (summary.interrupted && signals >= 1)) grace_until = 0;
      else if (signals == 1) grace_until = std::min(grace_until, waited + 2.0);
      if (waited >= grace_until) engine_->abort_all();
      if (std::chrono::steady_clock::now() - last_flush > std::chrono::milliseconds(200)) {
        flush();
        last_flush = std::chrono::steady_clock::now();
      }
    }
  }
  deliver();
  extra_seconds_ = seconds_since(start);
  output::ScanSummary s = summary;
  amend(s);
  for (auto* w : writers_) w->finish(s);
}

void ServiceStage::amend(output::ScanSummary& s) const {
  s.service_scan = true;
  s.services_identified = identified_;
  s.services_silent = silent_;
  s.services_tcpwrapped = tcpwrapped_;
  s.services_unrecognised = unrecognised_;
  s.services_unfinished = unfinished_;
  s.services_not_tried = not_tried_;
  for (auto& v : s.host_verdicts) {
    if (v.collapses_open_ports()) v.services_identified = true;
    if (const auto it = samples_.find(v.addr); it != samples_.end()) verdict::add_service_evidence(v, it->second.seen);
  }
  s.service_connections = engine_ ? engine_->stats().connections : 0;
  s.service_extra_seconds = extra_seconds_;
}

}  // namespace portauth::service
