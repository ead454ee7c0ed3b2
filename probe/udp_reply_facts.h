// What a UDP service's reply says, in words, and how much larger than the probe it was.
// Pure and bounded: it reads the reply's first bytes as the capture thread kept them
// (reply_bytes.h), on the main thread, once per open UDP port; any bytes in, never a read
// past them, never a throw.
//
//   summary        "NTP answered: server mode, stratum 8, version 4"; "SNMP answered with
//                  community public: sysDescr 'Linux lab 6.1.0'"; "DNS answered: NOERROR,
//                  recursion available (an open resolver), 13 answers"
//   amplification  reply payload bytes / probe payload bytes (the measured bandwidth
//                  amplification factor: what a spoofed request makes this host send a
//                  victim); 0 when the probe was empty
//   risk           "" or what makes the reply dangerous: a factor of kAmplifying or more, an
//                  open resolver, a readable SNMP community, ...
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace portauth::probe {

struct ReplyFacts {
  std::string protocol;      // "NTP", or "" for a port without a known payload
  std::string summary;
  uint32_t reply_bytes = 0;  // the reply's UDP payload
  uint32_t probe_bytes = 0;  // the probe's UDP payload
  double amplification = 0;
  std::string risk;
};

// A reply at least this many times larger than its probe is reported as an amplification risk.
inline constexpr double kAmplifying = 2.0;

// `kept`: the reply's first bytes; `payload_len`: its whole payload length.
ReplyFacts explain_udp_reply(uint16_t port, std::span<const uint8_t> kept, size_t payload_len);

}  // namespace portauth::probe
