#include "engine/follow_ups.h"

#include <algorithm>
#include <random>
#include <tuple>

#include "capture/reply_parser.h"
#include "probe/cookie.h"
#include "probe/wire_bytes.h"

namespace portauth::engine {
namespace {

enum class Kind : uint8_t { kCookieFirst, kCookieSecond, kCanary };

struct Sent {
  size_t host;  // index into the suspects
  uint16_t port, sport;
  uint32_t seq;
  Kind kind;
  bool answered = false;
  bool syn_ack = false;
  uint32_t isn = 0;
};

using Key = std::tuple<config::Address, uint16_t, uint16_t>;  // target, port, our source port

// Where the TCP header starts in a probe the module wrote (IPv4 or IPv6, no extension header).
size_t tcp_offset(const uint8_t* p) { return (p[0] >> 4) == 6 ? 40 : size_t(p[0] & 0x0f) * 4; }

// Rewrites a written SYN's sequence number, updating its checksum incrementally (RFC 1624,
// eqn. 3: HC' = ~(~HC + ~m + m') for each 16-bit word changed).
void patch_seq(uint8_t* p, uint32_t seq) {
  uint8_t* tcp = p + tcp_offset(p);
  uint64_t sum = uint16_t(~probe::wire::get16(tcp + 16));
  for (int half = 0; half < 2; ++half) {
    sum += uint16_t(~probe::wire::get16(tcp + 4 + 2 * half));
    sum += uint16_t(half == 0 ? seq >> 16 : seq & 0xffff);
  }
  probe::wire::put32(tcp + 4, seq);
  probe::wire::put16(tcp + 16, probe::wire::fold(sum));
}

uint32_t seq_of(const uint8_t* p) {
  const uint8_t* tcp = p + tcp_offset(p);
  return uint32_t(probe::wire::get16(tcp + 4)) << 16 | probe::wire::get16(tcp + 6);
}

struct Matcher {
  std::vector<Sent>* sent;
  std::map<Key, std::vector<size_t>>* index;
  int linktype;
  size_t open = 0;  // still unanswered

  void handle(const uint8_t* frame, size_t caplen) {
    probe::Reply r;
    probe::SynAckFacts facts;
    if (capture::parse_reply(linktype, frame, caplen, r, &facts) != capture::ParseStatus::kOk) return;
    const auto it = index->find({r.target_ip, r.target_port, r.our_port});
    if (it == index->end()) return;
    for (size_t i : it->second) {
      Sent& s = (*sent)[i];
      if (s.answered) continue;
      bool ours = false;
      switch (r.kind) {
        case probe::ReplyKind::kSynAck: ours = r.ack == s.seq + 1; break;
        case probe::ReplyKind::kRst: ours = r.ack_flag && (r.ack == s.seq || r.ack == s.seq + 1); break;
        case probe::ReplyKind::kIcmpUnreachable:
        case probe::ReplyKind::kIcmp6Unreachable: ours = r.proto == 6 && r.quoted_seq == s.seq; break;
        case probe::ReplyKind::kEchoReply:
        case probe::ReplyKind::kUdp: break;  // the follow-ups send SYNs only
      }
      if (!ours) continue;
      s.answered = true;
      s.syn_ack = r.kind == probe::ReplyKind::kSynAck;
      if (s.syn_ack) s.isn = facts.isn;
      --open;
      return;
    }
  }
};

}  // namespace

FollowUpRun run_follow_ups(const ScanSetup& setup, Wire& wire, scanner::Clock& clock, const std::vector<Suspect>& suspects,
                           ConnectChecker* connect, uint64_t wait_ns) {
  FollowUpRun run;
  if (suspects.empty()) return run;
  const uint64_t start = clock.now_ns();
  std::random_device rd;
  const uint32_t delta = (uint32_t{1} << 24) + rd() % ((uint32_t{1} << 30) - (uint32_t{1} << 24));
  const probe::ProbeModule& module = setup.module();
  std::vector<uint8_t> buffer(module.max_len());
  std::vector<Sent> sent;
  std::map<Key, std::vector<size_t>> index;
  uint32_t next_sport = 0;
  auto sport = [&] {
    return uint16_t(setup.sender_config.source_port_first + next_sport++ % setup.sender_config.source_port_count);
  };
  auto send = [&](size_t host, uint16_t port, uint16_t from, Kind kind, const uint32_t* seq) {
    const probe::ProbeTarget t{suspects[host].addr, port};
    const size_t len = module.write(buffer.data(), t, from);
    if (seq) patch_seq(buffer.data(), *seq);
    const scanner::OutPacket packet{buffer.data(), uint16_t(len), t.addr};
    if (wire.sink->send(&packet, 1) != 1) return;
    ++run.probes;
    index[{t.addr, port, from}].push_back(sent.size());
    sent.push_back({host, port, from, seq_of(buffer.data()), kind});
  };

  // SYN cookies, first halves; then fresh canaries; then, kPairGapNs after the first halves,
  // the second halves from the same source ports.
  std::vector<size_t> firsts;
  for (size_t h = 0; h < suspects.size(); ++h) {
    const Suspect& s = suspects[h];
    if (!s.plan.cookie) continue;
    for (size_t i = 0; i < s.open_ports.size() && i < 2; ++i) {
      firsts.push_back(sent.size());
      send(h, s.open_ports[i], sport(), Kind::kCookieFirst, nullptr);
    }
  }
  const uint64_t firsts_sent = clock.now_ns();
  for (size_t h = 0; h < suspects.size(); ++h) {
    const Suspect& s = suspects[h];
    if (!s.plan.more_canaries) continue;
    const uint64_t salt = s.addr.hi() * 0x9e3779b97f4a7c15ULL ^ s.addr.lo();
    for (uint16_t port : verdict::more_canaries(setup.plan.canary_pool, setup.plan.ports, setup.canaries.ports,
                                                s.plan.more_canaries, setup.plan.seed ^ salt))
      send(h, port, sport(), Kind::kCanary, nullptr);
  }
  clock.sleep_until_ns(firsts_sent + kPairGapNs);
  for (size_t i : firsts) {
    if (i >= sent.size()) continue;
    const Sent first = sent[i];
    const uint32_t seq = first.seq + delta;
    send(first.host, first.port, first.sport, Kind::kCookieSecond, &seq);
  }

  Matcher m{&sent, &index, wire.source->linktype(), sent.size()};
  const uint64_t deadline = clock.now_ns() + wait_ns;
  while (m.open > 0 && clock.now_ns() < deadline) {
    const int n = wire.source->dispatch(
        [](void* ctx, const uint8_t* frame, size_t caplen) { static_cast<Matcher*>(ctx)->handle(frame, caplen); }, &m);
    if (n < 0) break;
  }

  for (size_t h = 0; h < suspects.size(); ++h) run.results[suspects[h].addr];
  for (size_t i = 0; i < sent.size(); ++i) {
    const Sent& s = sent[i];
    verdict::FollowUps& f = run.results[suspects[s.host].addr];
    if (s.kind == Kind::kCanary) {
      f.canaries.push_back(s.port);
      if (s.answered) (s.syn_ack ? f.canary_syn_acks : f.canary_others)++;
      if (s.answered && s.syn_ack) f.canaries_open.push_back(s.port);
    } else if (s.kind == Kind::kCookieFirst) {
      ++f.cookie_pairs;
    }
  }
  // Pair each second half with its first: same host, port and source port.
  for (size_t i : firsts) {
    const Sent& a = sent[i];
    const auto it = index.find({suspects[a.host].addr, a.port, a.sport});
    for (size_t j : it->second) {
      const Sent& b = sent[j];
      if (b.kind != Kind::kCookieSecond || !a.syn_ack || !b.syn_ack) continue;
      verdict::FollowUps& f = run.results[suspects[a.host].addr];
      ++f.cookie_answered;
      if (b.isn - a.isn == delta) ++f.cookie_moved_by_delta;
    }
  }

  // Connections, to the hosts whose answers call for them.
  if (connect) {
    std::vector<probe::ProbeTarget> targets;
    std::vector<size_t> owner;
    for (size_t h = 0; h < suspects.size(); ++h) {
      const Suspect& s = suspects[h];
      const verdict::HostEvidence* e = setup.evidence.find(s.addr);
      if (!e || !verdict::connect_wanted(*e, run.results[s.addr])) continue;
      for (uint16_t port : s.open_ports) {
        if (targets.size() >= kMaxConnects) break;
        targets.push_back({s.addr, port});
        owner.push_back(h);
      }
    }
    if (!targets.empty()) {
      const uint64_t handshake = std::max<uint64_t>(500'000'000, 2 * wait_ns);
      const uint64_t hold = std::max<uint64_t>(100'000'000, wait_ns);
      const auto outcomes = connect->check(targets, handshake, hold);
      run.connections = targets.size();
      for (size_t i = 0; i < targets.size() && i < outcomes.size(); ++i)
        run.results[suspects[owner[i]].addr].connects.push_back({targets[i].port, outcomes[i]});
    }
  }
  run.seconds = double(clock.now_ns() - start) / 1e9;
  for (auto& [addr, f] : run.results) f.seconds = run.seconds;
  return run;
}

}  // namespace portauth::engine
