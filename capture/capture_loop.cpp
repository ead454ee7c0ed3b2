#include "capture/capture_loop.h"

#include <sched.h>

#include <algorithm>
#include <cstring>

#include "capture/reply_parser.h"

namespace portauth::capture {

void CaptureLoop::run(const std::atomic<bool>& stop) {
  linktype_ = source_.linktype();
  while (!stop.load(std::memory_order_relaxed)) {
    const int n = source_.dispatch(
        [](void* self, const uint8_t* frame, size_t caplen) { static_cast<CaptureLoop*>(self)->handle(frame, caplen); },
        this);
    if (n < 0) break;
  }
}

void CaptureLoop::handle(const uint8_t* frame, size_t caplen) {
  stats_.frames.fetch_add(1, std::memory_order_relaxed);
  if (linktype_ < 0) linktype_ = source_.linktype();
  if (watch_) watch_->observe(linktype_, frame, caplen);
  probe::Reply reply;
  probe::SynAckFacts facts;
  const ParseStatus status = parse_reply(linktype_, frame, caplen, reply, evidence_ ? &facts : nullptr);
  if (status != ParseStatus::kOk) {
    (status == ParseStatus::kNotAReply ? stats_.not_replies : stats_.malformed).fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const probe::Verdict v = module_.classify(reply);
  if (v.reject != probe::Reject::kNone) {
    (v.reject == probe::Reject::kIcmpCode    ? stats_.icmp_ignored
     : v.reject == probe::Reject::kOtherKind ? stats_.not_replies
                                             : stats_.rejected)
        .fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // ICMP errors to UDP probes are rate-limited by the host on purpose: not a congestion signal
  // for the controller, but each one (repeats too) is a token the ICMP meter counts.
  const bool paced = reply.proto != 17 || reply.kind == probe::ReplyKind::kUdp;
  if (!paced && limited_observer_) limited_observer_->on_answer(reply.target_ip, v.slot, reply.our_port, false, v.proto);
  if (!table_.record(v.slot, uint8_t(v.reason))) {
    stats_.duplicates.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  stats_.accepted.fetch_add(1, std::memory_order_relaxed);
  // Before the result is pushed: whoever pops it sees the host's evidence up to this answer.
  if (evidence_ && v.proto == config::Proto::kTcp)
    evidence_->record(reply, v.reason, reply.kind == probe::ReplyKind::kSynAck ? &facts : nullptr);
  if (observer_) observer_->on_answer(reply.target_ip, v.slot, reply.our_port, paced, v.proto);
  probe::ScanResult result{reply.target_ip, v.other_port ? v.port : reply.target_port, v.reason, reply.ttl, v.proto};
  if (bytes_ && reply.kind == probe::ReplyKind::kUdp) {
    // Pushed before the result, so that the main thread finds them when the result says so.
    probe::ReplyBytes b;
    b.payload_len = uint16_t(reply.udp_len - 8);
    b.kept = uint16_t(std::min<size_t>(reply.payload_len, probe::ReplyBytes::kKeep));
    std::memcpy(b.bytes, reply.payload, b.kept);
    while (!bytes_->try_push(b)) sched_yield();
    result.has_bytes = true;
  }
  // The main thread drains every few milliseconds, and keeps draining until this thread
  // has exited; if it ever falls behind, wait for room rather than lose a result (the
  // kernel ring buffers replies meanwhile).
  while (!results_.try_push(result)) sched_yield();
}

}  // namespace portauth::capture
