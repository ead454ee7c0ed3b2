// A fixed scan for the writer tests: 198.18.0.2 and 198.18.0.3, results in arrival order
// (open and closed first, stealth at the end, as the scanner delivers them).
#pragma once
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "output/report.h"

namespace portauth::output::testing {

using probe::Reason;
using probe::ScanResult;

constexpr config::Address kHostA = config::Address::v4((198u << 24) | (18u << 16) | 2);  // 198.18.0.2
constexpr config::Address kHostB = config::Address::v4((198u << 24) | (18u << 16) | 3);  // 198.18.0.3

inline const Annotation& annotation(uint16_t port) {
  static const Annotation ssh{"ssh", "Secure Shell", "medium", "Encrypted remote login & file copy."};
  static const Annotation http{"http", "Hypertext Transfer Protocol", "low", "The web, \"plain\"."};
  static const Annotation ident{"ident", "Identification Protocol", "low", ""};
  static const Annotation rpc{"rpcbind", "ONC RPC port mapper, with, commas", "high", "</script><b>x</b>"};
  static const Annotation telnet{"telnet", "Telnet", "high", "Clear-text remote login."};
  static const Annotation none{};
  switch (port) {
    case 22: return ssh;
    case 80: return http;
    case 113: return ident;
    case 111: return rpc;
    case 23: return telnet;
    default: return none;
  }
}

struct Delivered {
  ScanResult r;
  const Annotation* a;
};

// Host A: 22 and 80 open, 113 closed by RST, 111 by ICMP port unreachable, 7000 by ICMP net
// unreachable, 23 stealth. Host B: 22 stealth, 80 open, 113 closed.
inline std::vector<Delivered> small_scan() {
  std::vector<ScanResult> rs = {
      {kHostA, 80, Reason::kSynAck, 64},          {kHostB, 80, Reason::kSynAck, 63},
      {kHostA, 113, Reason::kRst, 64},            {kHostA, 22, Reason::kSynAck, 64},
      {kHostA, 111, Reason::kIcmpPortUnreach, 64}, {kHostA, 7000, Reason::kIcmpNetUnreach, 64},
      {kHostB, 113, Reason::kRst, 63},            {kHostB, 111, Reason::kRst, 63},
      {kHostB, 7000, Reason::kRst, 63},           {kHostB, 23, Reason::kRst, 63},
      {kHostA, 23, Reason::kNoResponse, 0},        {kHostB, 22, Reason::kNoResponse, 0},
  };
  std::vector<Delivered> out;
  for (const auto& r : rs) out.push_back({r, &annotation(r.port)});
  return out;
}

inline ScanInfo small_info() {
  ScanInfo info;
  info.start_unix = 1795924832;  // Sun Nov 29 04:00:32 2026 UTC
  info.command_line = "portauth scan 198.18.0.2-3 -p 22,23,80,111,113,7000 --allow 198.18.0.0/15 -oX a&b.xml";
  info.ports = {22, 23, 80, 111, 113, 7000};
  info.address_count = 2;
  info.probe_count = 12;
  return info;
}

inline ScanSummary small_summary() {
  ScanSummary s;
  s.open = 3;
  s.closed = 7;
  s.stealth = 2;
  s.probed = 12;
  s.seconds = 1.53;
  s.source_ip = "198.18.0.1";
  s.interface = "veth-scan";
  return s;
}

// Runs a whole scan through a writer and returns what it wrote.
template <class Writer>
std::string run_writer(const ScanInfo& info, const std::vector<Delivered>& results, const ScanSummary& summary) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  {
    Writer w(f);
    w.begin(info);
    for (const auto& d : results) w.result(d.r, *d.a, {});
    w.flush();
    w.finish(summary);
  }
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

// Times in the reports are local: pin the zone so expected texts are fixed.
inline void use_utc() {
  setenv("TZ", "UTC", 1);
  tzset();
}

}  // namespace portauth::output::testing
