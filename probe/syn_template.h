// Builds the SYN template with libnet, once per scan. libnet runs in LIBNET_NONE mode
// (construct only, no injection), so this needs no privileges and opens no socket; the
// bytes are then patched per probe by SynPacket.
//
// The SYN is shaped like nmap's -sS probe: window 1024, one MSS option (1460), no DF,
// TTL 64. Some stacks and middleboxes drop option-less SYNs, so the MSS option stays.
#pragma once
#include <cstdint>
#include <vector>

#include "config/address.h"

namespace portauth::probe {

struct SynTemplateOptions {
  uint32_t source_ip = 0;  // host order
  uint8_t ttl = 64;
  uint16_t window = 1024;
  uint16_t mss = 1460;
};

// Returns a complete IPv4+TCP packet (44 bytes) with zero destination, ports and sequence.
// Throws std::runtime_error with libnet's message if libnet fails.
std::vector<uint8_t> build_syn_template(const SynTemplateOptions& options);

// The IPv6 twin (libnet_build_ipv6): hop limit `ttl`, traffic class and flow label 0, the
// same TCP header and MSS option (1440: 1460 less the 20 bytes IPv6 adds). 64 bytes.
struct Syn6TemplateOptions {
  config::Address source_ip;
  uint8_t hop_limit = 64;
  uint16_t window = 1024;
  uint16_t mss = 1440;
};
std::vector<uint8_t> build_syn6_template(const Syn6TemplateOptions& options);

}  // namespace portauth::probe
