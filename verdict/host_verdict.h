// A verdict on a host that lies: what the host is doing, named exactly, with the evidence it
// rests on. Made by the one classifier (verdict/classify.h); every report reads it and none
// re-derives it. Lives beside the per-port results, never inside them.
//
//   syn-proxy    SYN-ACKs built by a middlebox on the host's behalf (Linux SYNPROXY: window 0,
//                the options of its rule, SYN-cookie sequence numbers); only the ports where a
//                connection reaches a backend are services
//   tarpit       every SYN-ACK offers a tiny window and no option (LaBrea, xt_TARPIT), or a
//                window that stays 0: connections are accepted to be held, not served
//   answers-all  a real TCP stack answers every port, canaries included (a redirect of every
//                port to one listener, portspoof): the open ports say nothing
//   rate-block   the host answered, then went silent to us after a burst and answered again
//                later: a defence that blocks a source above some rate; the scan paced itself
//                to what the host tolerates and re-probed what fell into the silence
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "config/address.h"

namespace portauth::verdict {

enum class VerdictKind : uint8_t { kSynProxy, kTarpit, kAnswersAll, kRateBlock };

// "syn-proxy", "tarpit", "answers-all", "rate-block".
const char* verdict_name(VerdictKind kind);

// One fact a verdict rests on: a key and a value for JSON, and how the report's one line says
// it ("" when the line leaves it out).
struct EvidenceItem {
  using Value = std::variant<bool, int64_t, double, std::string, std::vector<uint16_t>>;
  std::string key;
  Value value;
  std::string phrase;
};

struct HostVerdict {
  config::Address addr;
  VerdictKind kind = VerdictKind::kAnswersAll;
  std::vector<EvidenceItem> evidence;  // never empty: no verdict without evidence
  uint64_t open_ports = 0;             // open as the SYN scan saw them (SYN-ACKs), canaries not counted
  // The open ports that reach a service: for a syn-proxy, those where a kernel connection got
  // data or was held with an open window (or, with -sV, those with a probed service).
  std::vector<uint16_t> service_ports;
  bool services_checked = false;       // service_ports was established (connect check or -sV)
  // -sV ran on this host: its identification of service_ports (service/service_stage.h), or the
  // hook in verdict/classify.h (services seen on its ports).
  bool services_identified = false;
  // answers-all: the canary ports that answered SYN-ACK (the scan's and the follow-ups'), sorted:
  // what -sV tries beside a sample of the open ports (verdict/same_service.h). Empty otherwise.
  std::vector<uint16_t> canary_ports;
  double cost_seconds = 0;             // time the verdict cost the scan (follow-ups, silences, pacing)

  // Whether the host's open ports are its own (rate-block) or the liar's (every other kind):
  // reports collapse the open ports of a host that answers for ports it does not serve.
  bool collapses_open_ports() const { return kind != VerdictKind::kRateBlock; }
};

// The one line a report leads with, e.g.
//   "answers on every port: SYN proxy (window 0, SYN cookies); 3 ports reach a service: 22 80 443"
std::string verdict_line(const HostVerdict& v);
// What reports add about the open ports of a flagged host: without -sV, that they are
// unverified; with it (services_identified), which of them -sV tried; or "".
std::string unverified_note(const HostVerdict& v);
// A value as report text ("0", "true", "22 80 443").
std::string evidence_text(const EvidenceItem::Value& value);

// The verdict for `addr` in `verdicts`, or null.
const HostVerdict* find_verdict(const std::vector<HostVerdict>& verdicts, const config::Address& addr);

}  // namespace portauth::verdict
