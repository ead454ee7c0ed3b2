#include "verdict/same_service.h"

#include <algorithm>
#include <set>
#include <vector>

namespace portauth::verdict {
namespace {

constexpr size_t kBannerShown = 48;  // bytes of a banner a phrase quotes
constexpr size_t kLabelShown = 120;  // bytes of a name and product a phrase shows

bool answered(const ServiceSeen& s) { return !s.name.empty() || !s.banner.empty(); }

// What makes two answers the same: the name and product when something was identified, else
// the bytes. The same service on every port compares equal on one or the other.
std::string named_key(const ServiceSeen& s) { return s.name + (s.product.empty() ? "" : " " + s.product); }
std::string key(const ServiceSeen& s) { return s.name.empty() ? "\x01" + s.banner : named_key(s); }

// A banner's first line, printable (other bytes as '.'), cut at kBannerShown bytes.
std::string quoted(const std::string& banner) {
  std::string out;
  for (char c : banner) {
    if (c == '\r' || c == '\n') break;
    if (out.size() == kBannerShown) return out + "...";
    out += c >= 0x20 && c < 0x7f ? c : '.';
  }
  return out;
}

// A name and product as the verdict line shows them: printable ASCII only (they come from a
// stranger's bytes; the identifiers clean them already, the line does not rely on it), capped.
std::string shown(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (out.size() == kLabelShown) return out + "...";
    out += c >= 0x20 && c < 0x7f ? c : '?';
  }
  return out;
}

}  // namespace

void add_service_evidence(HostVerdict& v, std::span<const ServiceSeen> seen) {
  if (v.kind != VerdictKind::kAnswersAll) return;
  v.services_identified = true;
  std::vector<uint16_t> canaries, ports;
  std::vector<const ServiceSeen*> answers;
  bool canary_answered = false, port_answered = false;
  for (const auto& s : seen) {
    (s.canary ? canaries : ports).push_back(s.port);
    if (!answered(s)) continue;
    answers.push_back(&s);
    (s.canary ? canary_answered : port_answered) = true;
  }
  std::sort(canaries.begin(), canaries.end());
  std::sort(ports.begin(), ports.end());
  if (!canaries.empty()) v.evidence.push_back({"service_canaries_tried", canaries, ""});
  if (!ports.empty()) v.evidence.push_back({"service_ports_sampled", ports, ""});
  if (answers.size() < kMinServiceAnswers || !canary_answered || !port_answered) return;
  v.evidence.push_back({"services_compared", int64_t(answers.size()), ""});

  const ServiceSeen& first = *answers.front();
  const bool same_name = std::all_of(answers.begin(), answers.end(), [&](const ServiceSeen* s) {
    return !s->name.empty() && named_key(*s) == named_key(first);
  });
  const bool same_bytes = std::all_of(answers.begin(), answers.end(), [&](const ServiceSeen* s) {
    return !s->banner.empty() && s->banner == first.banner;
  });
  if (same_name || same_bytes) {
    const std::string label = same_name ? shown(named_key(first)) : "banner \"" + quoted(first.banner) + "\"";
    v.evidence.push_back({"same_service", label, label + " behind canaries and ports"});
    return;
  }
  std::set<std::string> kinds;
  for (const ServiceSeen* s : answers) kinds.insert(key(*s));
  const std::string n = std::to_string(answers.size());
  v.evidence.push_back({"services_differ", int64_t(kinds.size()),
                        kinds.size() == answers.size()
                            ? "different banners on every port tried (" + n + "): a port spoofer?"
                            : std::to_string(kinds.size()) + " different services on the " + n + " ports tried"});
}

}  // namespace portauth::verdict
