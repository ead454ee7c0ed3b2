// A probe module: one kind of probe and the rule that recognises its answers, both halves in
// one object (ZMap's probe modules: make_packet / validate_packet / process_packet, in C++).
//
//   sending side   max_len(), write(): the probe for one (address, port) from one source port,
//                  patched into a template built once; the cookie goes into the probe here
//   capture side   capture_filter(): the BPF expression for its replies (and nothing of ours);
//                  classify(): is this parsed reply an answer to one of our probes, which
//                  slot, and what does it say (probe/reason.h)
//
// Contract: a module is built once per scan and then only read, by the sender thread
// (write) and the capture thread (classify) at once: both are const, allocation-free,
// lock-free and never throw. The sender and the capture loop know nothing of TCP.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "probe/probe_space.h"
#include "probe/reply.h"
#include "probe/reply_classifier.h"

namespace portauth::probe {

class ProbeModule : public ReplyClassifier {
 public:

  virtual const char* name() const = 0;
  // The longest probe write() produces; the sender sizes its batch buffers by it.
  virtual size_t max_len() const = 0;
  // Writes the probe for `target` from `source_port` into out[0..max_len()); returns its
  // length. A module that derives its source port from the probe (source_port() below)
  // ignores the argument.
  virtual size_t write(uint8_t* out, const ProbeTarget& target, uint16_t source_port) const noexcept = 0;
  // The source port the probe to `target` leaves from when the sender offers `offered` (its
  // port for this slot and pass): `offered`, unless the module puts part of its cookie there
  // (the UDP probe: a UDP header has no sequence number to carry it).
  virtual uint16_t source_port(const ProbeTarget& /*target*/, uint16_t offered) const noexcept { return offered; }
  virtual std::string capture_filter() const = 0;
};

}  // namespace portauth::probe
