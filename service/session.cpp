#include "service/session.h"

#include <algorithm>

namespace portauth::service {
namespace {

constexpr uint64_t kMs = 1'000'000;

const Identifier* http() { return find_identifier("http"); }
const Identifier* tls_records() { return find_identifier("ssl"); }
const Identifier* redis() { return find_identifier("redis"); }

// The last line is a reply line announcing more ("220-...", RFC 5321 4.2.1, RFC 959 4.2).
bool continuation_pending(std::string_view b) {
  if (b.empty() || b.back() != '\n') return false;
  b.remove_suffix(1);
  const size_t start = b.rfind('\n');
  const std::string_view last = start == std::string_view::npos ? b : b.substr(start + 1);
  return last.size() >= 4 && last[0] >= '0' && last[0] <= '9' && last[1] >= '0' && last[1] <= '9' && last[2] >= '0' &&
         last[2] <= '9' && last[3] == '-';
}

}  // namespace

Timing Timing::from_timeout(double seconds) {
  Timing t;
  const auto ns = uint64_t(std::max(0.05, seconds) * 1e9);
  t.connect_ns = ns;
  t.long_greeting_ns = ns;
  t.reply_ns = std::max<uint64_t>(ns / 2, 50 * kMs);
  t.greeting_ns = std::min<uint64_t>(2000 * kMs, ns / 2);
  t.short_greeting_ns = std::min<uint64_t>(300 * kMs, ns / 4);
  t.quiet_ns = std::min<uint64_t>(200 * kMs, ns / 10);
  t.lifetime_ns = 5 * ns;
  return t;
}

Session::Session(SessionTarget target, const Timing& timing, uint64_t now_ns)
    : target_(std::move(target)), timing_(timing), start_ns_(now_ns) {
  expect_ = expectation_for(target_.port_names);
  plan(now_ns);
  next_try(now_ns);
}

// The attempts, in order (see the header): the expected service first.
void Session::plan(uint64_t) {
  const Identifier* expected = expect_ ? expect_->family : nullptr;
  if (expect_ && expect_->tls) {
    tries_.push_back({true, nullptr});
    tries_.push_back({false, nullptr});
    tries_.push_back({false, http()});
    return;
  }
  tries_.push_back({false, nullptr});
  if (expected && !expected->speaks_first() && expected != tls_records()) tries_.push_back({false, expected});
  tries_.push_back({true, nullptr});
  if (expected != http()) tries_.push_back({false, http()});
  // Redis's INFO last: Redis closes without a word on an HTTP request (it takes "Host:" for an
  // attack), and memcached answers it with ERROR lines, so this one probe finds both.
  if (expected != redis()) tries_.push_back({false, redis()});
}

void Session::set_phase(Phase p, uint64_t now, uint64_t wait_ns) {
  phase_ = p;
  phase_end_ = now + wait_ns;
  deadline_ = std::min(phase_end_, start_ns_ + timing_.lifetime_ns);
}

void Session::next_try(uint64_t now) {
  if (done_) return;
  if (tries_.empty()) {
    finish(now, Answer::kSilent);  // finish() turns this into what was learned (TLS, a banner)
    return;
  }
  current_ = tries_.front();
  tries_.pop_front();
  begin_try(now);
}

void Session::begin_try(uint64_t now) {
  inside_tls_ = false;
  if (connected_ && fresh_) {
    on_connected(now);  // reuse the connection nobody has spoken on yet
    return;
  }
  commands_.push_back({Op::kOpen});
  connected_ = false;
  ++connections_;
  set_phase(Phase::kConnecting, now, timing_.connect_ns);
}

void Session::on_connected(uint64_t now) {
  if (done_) return;
  connected_ = true;
  fresh_ = true;
  buffer_.clear();
  if (current_.tls) {
    tls_tried_ = true;
    fresh_ = false;
    commands_.push_back({Op::kStartTls});
    // The ClientHello is a probe like any other: a TLS server answers it at once.
    set_phase(Phase::kHandshake, now, timing_.reply_ns);
  } else if (current_.probe) {
    send_probe(now, current_.probe);
  } else {
    uint64_t wait = timing_.greeting_ns;
    if (expect_ && !expect_->tls) wait = expect_->family->speaks_first() ? timing_.long_greeting_ns : timing_.short_greeting_ns;
    start_greeting(now, wait);
  }
}

void Session::start_greeting(uint64_t now, uint64_t wait_ns) {
  buffer_.clear();
  sent_ = nullptr;
  set_phase(Phase::kGreeting, now, wait_ns);
}

void Session::send_probe(uint64_t now, const Identifier* id) {
  std::string bytes = id->probe(target_.ctx);
  if (bytes.empty()) {
    next_try(now);
    return;
  }
  commands_.push_back({Op::kSend, std::move(bytes)});
  fresh_ = false;
  sent_ = id;
  buffer_.clear();
  set_phase(Phase::kReply, now, timing_.reply_ns);
}

void Session::on_connect_failed(uint64_t now, bool refused) {
  if (done_) return;
  connected_ = false;
  // The first connection decides whether the port still takes connections; a later failure
  // ends the session with what the earlier ones learned.
  if (connections_ <= 1) finish(now, refused ? Answer::kRefused : Answer::kNoConnection);
  else finish(now, Answer::kSilent);
}

void Session::on_tls_done(uint64_t now, TlsFacts facts) {
  if (done_) return;
  tls_ = std::move(facts);
  inside_tls_ = true;
  // A server-first protocol expected inside (imaps, pop3s, smtps) greets at once.
  const Identifier* inner = expect_ && expect_->tls ? expect_->family : nullptr;
  start_greeting(now, inner && inner->speaks_first() ? timing_.long_greeting_ns : timing_.short_greeting_ns);
}

void Session::on_tls_failed(uint64_t now, std::string_view raw, bool closed) {
  if (done_) return;
  inside_tls_ = false;
  fresh_ = false;
  if (closed) connected_ = false;
  if (!raw.empty()) {
    // A plaintext service answered our ClientHello: its greeting, or its complaint.
    buffer_.assign(raw.substr(0, kReplyCap));
    sent_ = nullptr;
    phase_ = Phase::kReply;
    conclude(now);
    return;
  }
  next_try(now);
}

void Session::on_data(uint64_t now, std::string_view bytes) {
  if (done_ || (phase_ != Phase::kGreeting && phase_ != Phase::kReply && phase_ != Phase::kFollowup)) return;
  fresh_ = false;
  const size_t room = kReplyCap - std::min(kReplyCap, buffer_.size());
  buffer_.append(bytes.substr(0, room));
  if (buffer_.size() >= kReplyCap) {
    conclude(now);
    return;
  }
  // The answer is complete once the bytes stop for quiet_ns, within one more reply wait.
  deadline_ = std::min({now + timing_.quiet_ns, phase_end_ + timing_.reply_ns, start_ns_ + timing_.lifetime_ns});
}

void Session::on_closed(uint64_t now) {
  if (done_) return;
  connected_ = false;
  switch (phase_) {
    case Phase::kConnecting:
      on_connect_failed(now, true);
      return;
    case Phase::kHandshake:
      on_tls_failed(now, {}, true);
      return;
    case Phase::kGreeting:
      if (!buffer_.empty()) break;
      // Closed before a single byte, before we said anything, on a port that never spoke:
      // TCP wrappers' behaviour (nmap's tcpwrapped).
      if (!inside_tls_ && !tls_ && unrecognised_.empty()) {
        finish(now, Answer::kTcpwrapped);
        return;
      }
      inside_tls_ ? finish(now, Answer::kSilent) : next_try(now);
      return;
    case Phase::kReply:
      if (!buffer_.empty()) break;
      inside_tls_ ? finish(now, Answer::kSilent) : next_try(now);
      return;
    case Phase::kFollowup:
      break;
    case Phase::kDone:
      return;
  }
  conclude(now);
}

void Session::on_timer(uint64_t now) {
  if (done_ || now < deadline_) return;
  if (now >= start_ns_ + timing_.lifetime_ns) {
    abort(now);
    return;
  }
  switch (phase_) {
    case Phase::kConnecting:
      on_connect_failed(now, false);
      return;
    case Phase::kHandshake:
      on_tls_failed(now, {}, false);
      return;
    case Phase::kGreeting:
    case Phase::kReply:
    case Phase::kFollowup:
      if (!buffer_.empty()) {
        // A multi-line greeting still going ("220-..." without its "220 " line): say nothing
        // until it ends. Speaking first is what an SMTP pregreet test punishes (Postfix's
        // postscreen sends "220-" and blocks a client that talks before the rest).
        if (phase_ == Phase::kGreeting && continuation_pending(buffer_) && now < phase_end_ + timing_.reply_ns) {
          deadline_ = std::min(phase_end_ + timing_.reply_ns, start_ns_ + timing_.lifetime_ns);
          return;
        }
        conclude(now);
        return;
      }
      if (phase_ == Phase::kFollowup) {
        identified(now, std::move(*match_));  // no answer to the follow-up: conclude from the first
        return;
      }
      if (phase_ == Phase::kGreeting && inside_tls_) {
        // Nothing greeted inside TLS: ask the expected client-first protocol, or HTTP.
        const Identifier* inner = expect_ && expect_->tls ? expect_->family : nullptr;
        send_probe(now, inner && !inner->speaks_first() && inner != tls_records() ? inner : http());
        return;
      }
      if (phase_ == Phase::kReply && inside_tls_) {
        finish(now, Answer::kSilent);
        return;
      }
      if (phase_ == Phase::kReply) fresh_ = false;
      next_try(now);
      return;
    case Phase::kDone:
      return;
  }
}

void Session::conclude(uint64_t now) {
  const std::string bytes = std::move(buffer_);
  buffer_.clear();
  if (phase_ == Phase::kFollowup && match_) {
    match_->by->refine(match_->id, bytes);
    identified(now, std::move(*match_));
    return;
  }
  auto m = match_any(bytes, sent_);
  if (m && m->by == tls_records()) {
    // TLS records where plaintext was expected: the port speaks TLS; shake hands.
    if (!tls_tried_) {
      tries_.push_front({true, nullptr});
      next_try(now);
      return;
    }
    m.reset();
  }
  if (!m) {
    if (unrecognised_.empty()) unrecognised_ = bytes.substr(0, kBannerCap);
    // A service that speaks first in a language we do not know will not learn ours.
    if ((phase_ == Phase::kGreeting && !inside_tls_) || inside_tls_) finish(now, Answer::kUnrecognised);
    else next_try(now);
    return;
  }
  result_.banner = bytes.substr(0, kBannerCap);
  const std::string more = connected_ ? m->by->followup(m->id, target_.ctx) : std::string();
  if (!more.empty()) {
    commands_.push_back({Op::kSend, more});
    match_ = std::move(m);
    set_phase(Phase::kFollowup, now, timing_.reply_ns);
    return;
  }
  identified(now, std::move(*m));
}

void Session::identified(uint64_t now, Matched m) {
  match_.reset();
  result_.name = std::move(m.id.name);
  result_.product = std::move(m.id.product);
  result_.version = std::move(m.id.version);
  result_.extrainfo = std::move(m.id.extrainfo);
  result_.hostname = std::move(m.id.hostname);
  result_.ostype = std::move(m.id.ostype);
  result_.details = std::move(m.id.details);
  result_.conf = m.id.conf;
  result_.rule = std::string(m.id.rule);
  result_.ssl_tunnel = inside_tls_;
  if (connected_ && !m.by->goodbye().empty()) commands_.push_back({Op::kSend, std::string(m.by->goodbye())});
  finish(now, Answer::kIdentified);
}

void Session::abort(uint64_t now) {
  if (done_) return;
  if (match_) {
    identified(now, std::move(*match_));
    return;
  }
  if (!buffer_.empty() && (phase_ == Phase::kGreeting || phase_ == Phase::kReply)) {
    conclude(now);
    if (done_) return;
  }
  finish(now, Answer::kUnfinished);
}

void Session::finish(uint64_t now, Answer answer) {
  if (done_) return;
  // Without a match, say what was learned: a TLS server (nothing known inside), or bytes no
  // rule knows. Silence and tcpwrapped stay as they are: never a guessed name.
  if (answer == Answer::kSilent || answer == Answer::kUnfinished || answer == Answer::kUnrecognised) {
    if (tls_) {
      answer = Answer::kIdentified;
      result_.name = "ssl";
      result_.rule = "ssl.handshake";
      result_.conf = 10;
      if (!unrecognised_.empty()) result_.details.emplace_back("inside", "unrecognised");
    } else if (!unrecognised_.empty()) {
      answer = Answer::kUnrecognised;
    }
  }
  result_.answer = answer;
  result_.tls = tls_;
  if (result_.banner.empty()) result_.banner = unrecognised_;
  switch (answer) {
    case Answer::kIdentified: result_.probed = true; break;
    case Answer::kTcpwrapped:
      result_.probed = true;
      result_.name = "tcpwrapped";
      result_.conf = 8;
      break;
    case Answer::kUnrecognised:
    case Answer::kSilent:
      result_.probed = true;
      result_.conf = 10;
      break;
    case Answer::kRefused:
    case Answer::kNoConnection:
    case Answer::kUnfinished:
      // Only the port number speaks: the database's name, as nmap's method="table".
      result_.probed = false;
      result_.conf = 3;
      for (const auto& n : target_.port_names)
        if (!n.empty()) {
          result_.name = n;
          break;
        }
      break;
  }
  if (connected_) commands_.push_back({Op::kClose});
  connected_ = false;
  result_.seconds = double(now - start_ns_) / 1e9;
  phase_ = Phase::kDone;
  done_ = true;
}

}  // namespace portauth::service
