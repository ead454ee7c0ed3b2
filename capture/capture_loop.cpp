#include "capture/capture_loop.h"

#include <sched.h>

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
  if (!table_.record(v.slot, uint8_t(v.reason))) {
    stats_.duplicates.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  stats_.accepted.fetch_add(1, std::memory_order_relaxed);
  // Before the result is pushed: whoever pops it sees the host's evidence up to this answer.
  if (evidence_) evidence_->record(reply, v.reason, reply.kind == probe::ReplyKind::kSynAck ? &facts : nullptr);
  if (observer_) observer_->on_answer(reply.target_ip, v.slot, reply.our_port);
  const probe::ScanResult result{reply.target_ip, reply.target_port, v.reason, reply.ttl};
  // The main thread drains every few milliseconds, and keeps draining until this thread
  // has exited; if it ever falls behind, wait for room rather than lose a result (the
  // kernel ring buffers replies meanwhile).
  while (!results_.try_push(result)) sched_yield();
}

}  // namespace portauth::capture
