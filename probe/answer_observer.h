// Told of every fresh answer the capture loop accepts (after the table's CAS said it is the
// first), on the capture thread: the rate controller counts answers per destination and
// times sampled probes (scanner/rate_controller.h). Must not block, allocate or throw.
#pragma once
#include <cstdint>

#include "config/address.h"
#include "config/proto.h"

namespace portauth::probe {

class AnswerObserver {
 public:
  virtual ~AnswerObserver() = default;
  // `our_port`: the source port the answered probe left from. A retry pass sends from another
  // port (scanner/sender.h), so it tells which copy of a re-sent probe was answered.
  // `paced`: false for an answer the host rate-limits on purpose whatever our rate (an ICMP
  // error to a UDP probe: Linux sends one a second after a burst of 6): it times the round
  // trip but says nothing about congestion, so it must not move the rate.
  // `proto`: the protocol of the answered probe (a SYN-ACK, an RST or an ICMP error to a SYN is
  // kTcp; a UDP reply or an ICMP error to a UDP probe kUdp).
  virtual void on_answer(const config::Address& addr, uint64_t slot, uint16_t our_port, bool paced,
                         config::Proto proto) noexcept = 0;
};

}  // namespace portauth::probe
