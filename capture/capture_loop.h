// The capture thread's loop: frames from a PacketSource -> parse -> the probe module's
// classify() -> one CAS in the ProbeTable -> a ScanResult pushed to the main thread. Per frame: no allocation, no
// lock, no exception; everything that is not a fresh answer only bumps a counter.
#pragma once
#include <atomic>
#include <cstdint>

#include "capture/host_watch.h"
#include "capture/packet_source.h"
#include "probe/answer_observer.h"
#include "probe/reply_classifier.h"
#include "probe/probe_table.h"
#include "probe/reply_bytes.h"
#include "probe/scan_result.h"
#include "capture/spsc_queue.h"
#include "verdict/host_evidence.h"

namespace portauth::capture {

struct CaptureStats {
  std::atomic<uint64_t> frames{0};
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> duplicates{0};   // valid, but the probe was already answered
  std::atomic<uint64_t> malformed{0};    // truncated, not IPv4, unsupported link
  std::atomic<uint64_t> not_replies{0};  // other traffic the filter let through
  std::atomic<uint64_t> rejected{0};     // failed validation: forged, stray, another scan's
  std::atomic<uint64_t> icmp_ignored{0}; // unreachable codes that say nothing of the port
};

class CaptureLoop {
 public:
  CaptureLoop(PacketSource& source, const probe::ReplyClassifier& module, probe::ProbeTable& table,
              SpscQueue<probe::ScanResult>& results)
      : source_(source), module_(module), table_(table), results_(results) {}

  // Also shows every frame to `watch` (TruStealth mode) before parsing it; null: no watch.
  // Set before run(); the watch must outlive the loop.
  void set_host_watch(HostWatch* watch) { watch_ = watch; }
  // Tells `observer` of every fresh answer (the rate controller); null: nobody. Set before run().
  void set_answer_observer(probe::AnswerObserver* observer) { observer_ = observer; }
  // Keeps evidence per host (verdict/host_evidence.h) from every fresh answer to a TCP probe,
  // SYN-ACK facts included (answers to UDP probes say nothing about SYN-ACKs, and a UDP port
  // may share a canary's number); null: none (SYN-ACK options are then not even parsed). Set
  // before run().
  void set_evidence(verdict::EvidenceTable* evidence) { evidence_ = evidence; }
  // Tells `observer` of every accepted ICMP error to a UDP probe, a repeat for an answered
  // probe included (each is a token of the host's ICMP rate limit: scanner/icmp_rate_meter.h);
  // null: nobody. Set before run().
  void set_limited_observer(probe::AnswerObserver* observer) { limited_observer_ = observer; }
  // Copies the first bytes of every UDP reply that makes a result into `bytes`, just before
  // the result (which says has_bytes); null: none kept. Set before run().
  void set_reply_bytes(SpscQueue<probe::ReplyBytes>* bytes) { bytes_ = bytes; }

  // Runs until `stop` is set or the source is exhausted.
  void run(const std::atomic<bool>& stop);
  // One frame; public for tests and benchmarks.
  void handle(const uint8_t* frame, size_t caplen);

  const CaptureStats& stats() const { return stats_; }

 private:
  PacketSource& source_;
  const probe::ReplyClassifier& module_;
  probe::ProbeTable& table_;
  SpscQueue<probe::ScanResult>& results_;
  int linktype_ = -1;
  HostWatch* watch_ = nullptr;
  probe::AnswerObserver* observer_ = nullptr;
  verdict::EvidenceTable* evidence_ = nullptr;
  probe::AnswerObserver* limited_observer_ = nullptr;
  SpscQueue<probe::ReplyBytes>* bytes_ = nullptr;
  CaptureStats stats_;
};

}  // namespace portauth::capture
