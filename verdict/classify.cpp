#include "verdict/classify.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace portauth::verdict {
namespace {

using Items = std::vector<EvidenceItem>;

uint32_t load(const std::atomic<uint32_t>& x) { return x.load(std::memory_order_relaxed); }

// The canaries answered with SYN-ACKs: at least one, and at least 9 in 10 of their answers
// (every one of up to ten): an honest host answers a canary with an RST or not at all.
bool canaries_open(uint32_t syn_acks, uint32_t others) { return syn_acks > 0 && uint64_t(syn_acks) * 10 >= uint64_t(syn_acks + others) * 9; }

bool every_syn_ack(const HostEvidence& e, const std::atomic<uint32_t>& count) {
  const uint32_t n = load(e.syn_acks);
  return n > 0 && load(count) == n;
}

std::string options_text(const probe::SynAckFacts& f) {
  char letters[probe::SynAckFacts::kMaxOrder + 1];
  probe::option_letters(f, letters);
  return letters[0] ? letters : "none";
}

void add(Items& items, std::string key, EvidenceItem::Value value, std::string phrase = "") {
  items.push_back({std::move(key), std::move(value), std::move(phrase)});
}

// The canary evidence, scan and follow-up together: "canaries 11/11 open".
struct CanaryTally {
  uint64_t syn_acks = 0, answered = 0;
};
CanaryTally canary_tally(const HostEvidence& e, const FollowUps* f) {
  CanaryTally t{load(e.canary_syn_acks), uint64_t(load(e.canary_syn_acks)) + load(e.canary_others)};
  if (f) {
    t.syn_acks += f->canary_syn_acks;
    t.answered += f->canary_syn_acks + f->canary_others;
  }
  return t;
}
void add_canaries(Items& items, const CanaryTally& t, bool phrase) {
  if (t.answered == 0) return;
  add(items, "canaries_open", int64_t(t.syn_acks));
  add(items, "canaries_answered", int64_t(t.answered),
      phrase ? "canaries " + std::to_string(t.syn_acks) + "/" + std::to_string(t.answered) + " open" : "");
}

bool cookies_proven(const FollowUps* f) { return f && f->cookie_moved_by_delta > 0; }

void add_cookies(Items& items, const FollowUps& f) {
  add(items, "syn_cookies", true, "SYN cookies");
  add(items, "cookie_pairs_moved_by_delta", int64_t(f.cookie_moved_by_delta));
  add(items, "cookie_pairs_answered", int64_t(f.cookie_answered));
}

void add_shape(Items& items, const HostEvidence& e) {
  add(items, "window", int64_t(e.first.window));
  add(items, "options", options_text(e.first));
  if (e.first.mss) add(items, "mss", int64_t(e.first.mss));
  if (e.first.wscale != probe::SynAckFacts::kNoWscale) add(items, "wscale", int64_t(e.first.wscale));
  add(items, "ttl", int64_t(e.first.ttl));
  add(items, "syn_acks", int64_t(load(e.syn_acks)));
  add(items, "syn_ack_shapes_differing", int64_t(e.shape_changes));
}

void add_block(Items& items, const BlockRecord& b, bool phrase) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%u silence%s, %.1f s", b.silences, b.silences == 1 ? "" : "s", b.silent_seconds);
  add(items, "silences", int64_t(b.silences), phrase ? buf : "");
  add(items, "silent_seconds", b.silent_seconds);
  add(items, "answered_again", b.answered_again, phrase && !b.answered_again ? "never answered again" : "");
  std::snprintf(buf, sizeof buf, "tolerates ~%.0f SYN/s", b.tolerated_pps);
  add(items, "tolerated_pps", b.tolerated_pps, phrase && b.tolerated_pps > 0 ? buf : "");
  add(items, "answers_before_silence", int64_t(b.answers_before));
  add(items, "probes_resent", int64_t(b.probes_resent),
      phrase && b.probes_resent ? std::to_string(b.probes_resent) + " probes re-sent" : "");
  add(items, "probes_deferred", int64_t(b.probes_deferred));
  add(items, "cost_seconds", b.cost_seconds);
}

// The ports where connecting reached a backend, from the connect check.
std::vector<uint16_t> reached(const FollowUps& f) {
  std::vector<uint16_t> ports;
  for (const auto& c : f.connects)
    if (c.outcome == ConnectOutcome::kReached) ports.push_back(c.port);
  std::sort(ports.begin(), ports.end());
  return ports;
}

void set_services(HostVerdict& v, const ClassifyInput& in) {
  v.services_identified = in.services_ran;
  if (in.services_ran) {
    std::set<uint16_t> ports;
    for (const auto& s : in.services)
      if (!s.name.empty()) ports.insert(s.port);
    v.service_ports.assign(ports.begin(), ports.end());
    v.services_checked = true;
  } else if (in.follow_ups && !in.follow_ups->connects.empty()) {
    v.service_ports = reached(*in.follow_ups);
    v.services_checked = true;
  }
}

// The canary ports that answered SYN-ACK, the scan's and the follow-ups', sorted.
std::vector<uint16_t> open_canary_ports(const ClassifyInput& in) {
  std::vector<uint16_t> ports(in.canary_syn_acks.begin(), in.canary_syn_acks.end());
  if (in.follow_ups) ports.insert(ports.end(), in.follow_ups->canaries_open.begin(), in.follow_ups->canaries_open.end());
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

}  // namespace

Suspicion suspicion(const HostEvidence& e, unsigned canaries_expected) {
  if (load(e.zero_window) > 0 || load(e.tiny_bare) > 0) return Suspicion::kSuspect;
  const uint32_t syn = load(e.canary_syn_acks), other = load(e.canary_others);
  if (canaries_open(syn, other)) return Suspicion::kSuspect;
  return syn + other < canaries_expected ? Suspicion::kPending : Suspicion::kClear;
}

FollowUpPlan plan_follow_ups(const HostEvidence& e) {
  FollowUpPlan p;
  if (load(e.syn_acks) == 0) return p;
  if (every_syn_ack(e, e.tiny_bare)) return p;  // the SYN-ACKs speak for themselves
  const bool open_canaries = canaries_open(load(e.canary_syn_acks), load(e.canary_others));
  if (open_canaries) {
    p.cookie = true;
    p.more_canaries = 8;
  }
  if (load(e.zero_window) > 0) {
    p.cookie = true;
    p.connect = true;
  }
  return p;
}

bool connect_wanted(const HostEvidence& e, const FollowUps& f) {
  return load(e.zero_window) > 0 || cookies_proven(&f);
}

const char* connect_outcome_name(ConnectOutcome o) {
  switch (o) {
    case ConnectOutcome::kReached: return "reached";
    case ConnectOutcome::kHeldZeroWindow: return "held-zero-window";
    case ConnectOutcome::kResetAfterHandshake: return "reset-after-handshake";
    case ConnectOutcome::kRefused: return "refused";
    case ConnectOutcome::kNoAnswer: return "no-answer";
  }
  return "";
}

std::optional<HostVerdict> classify(const ClassifyInput& in) {
  HostVerdict v;
  v.addr = in.addr;
  v.open_ports = in.open_ports;
  const FollowUps* f = in.follow_ups;
  bool decided = false;
  if (const HostEvidence* e = in.evidence; e && load(e->syn_acks) > 0) {
    const CanaryTally canaries = canary_tally(*e, f);
    const bool open_canaries = canaries_open(uint32_t(canaries.syn_acks), uint32_t(canaries.answered - canaries.syn_acks)) &&
                               (!f || f->canary_others == 0);
    const bool proven_everywhere = open_canaries && canaries.syn_acks >= kMinCanaryProof;
    if (every_syn_ack(*e, e->tiny_bare)) {
      v.kind = VerdictKind::kTarpit;
      add(v.evidence, "window", int64_t(e->window_max), "window " + std::to_string(e->window_max));
      add(v.evidence, "options", std::string("none"), "no TCP options");
      add(v.evidence, "syn_acks", int64_t(load(e->syn_acks)));
      add(v.evidence, "every_port", open_canaries);
      add_canaries(v.evidence, canaries, false);
      decided = true;
    } else if (cookies_proven(f) && (every_syn_ack(*e, e->zero_window) || open_canaries)) {
      v.kind = VerdictKind::kSynProxy;
      if (every_syn_ack(*e, e->zero_window)) add(v.evidence, "window", int64_t(0), "window 0");
      else add(v.evidence, "window", int64_t(e->first.window));
      add_cookies(v.evidence, *f);
      add(v.evidence, "options", options_text(e->first));
      add(v.evidence, "syn_acks", int64_t(load(e->syn_acks)));
      add_canaries(v.evidence, canaries, false);
      set_services(v, in);
      if (!f->connects.empty()) add(v.evidence, "connections_checked", int64_t(f->connects.size()));
      decided = true;
    } else if (f && every_syn_ack(*e, e->zero_window) && !f->connects.empty() &&
               std::all_of(f->connects.begin(), f->connects.end(),
                           [](const ConnectResult& c) { return c.outcome == ConnectOutcome::kHeldZeroWindow; })) {
      v.kind = VerdictKind::kTarpit;
      add(v.evidence, "window", int64_t(0), "window 0");
      add(v.evidence, "window_stays_zero", true, "the window stays 0");
      add(v.evidence, "connections_held", int64_t(f->connects.size()));
      add(v.evidence, "syn_cookies", false);
      add(v.evidence, "every_port", open_canaries);
      add_canaries(v.evidence, canaries, false);
      decided = true;
    } else if (proven_everywhere && !cookies_proven(f)) {
      v.kind = VerdictKind::kAnswersAll;
      add_canaries(v.evidence, canaries, true);
      add_shape(v.evidence, *e);
      if (e->shape_changes == 0) v.evidence.back().phrase = "the same SYN-ACK on every port";
      if (f && f->cookie_answered > 0) add(v.evidence, "syn_cookies", false);
      v.canary_ports = open_canary_ports(in);
      if (in.services_ran) add_service_evidence(v, in.services);
      decided = true;
    }
  }
  if (in.block) {
    if (!decided) {
      v.kind = VerdictKind::kRateBlock;
      add_block(v.evidence, *in.block, true);
      decided = true;
    } else {
      add_block(v.evidence, *in.block, false);
    }
    v.cost_seconds += in.block->cost_seconds;
  }
  if (!decided || v.evidence.empty()) return std::nullopt;
  if (f) v.cost_seconds += f->seconds;
  return v;
}

}  // namespace portauth::verdict
