#include "output/nmap_view.h"

#include <algorithm>
#include <ctime>

#include "common/version.h"

namespace portauth::output {
namespace {

using probe::Reason;

// nmap's reason_sort(): Simon Tatham's bottom-up merge sort of a linked list by descending
// count that takes the right-hand run's element on a tie, run over a list whose head is a
// dummy with count 0. Replayed here so that equal counts come out in the order nmap prints.
std::vector<ReasonGroup> nmap_reason_order(std::vector<ReasonGroup> groups) {
  struct Item {
    size_t count;
    long index;  // -1: nmap's dummy head
  };
  std::vector<Item> list{{0, -1}};
  for (size_t i = 0; i < groups.size(); ++i) list.push_back({groups[i].ports.size(), long(i)});
  for (size_t insize = 1;; insize *= 2) {
    std::vector<Item> out;
    out.reserve(list.size());
    size_t merges = 0;
    for (size_t p = 0; p < list.size();) {
      ++merges;
      const size_t p_end = std::min(p + insize, list.size());
      size_t q = p_end;
      const size_t q_end = std::min(q + insize, list.size());
      while (p < p_end || q < q_end) {
        if (p == p_end) out.push_back(list[q++]);
        else if (q == q_end) out.push_back(list[p++]);
        else if (list[q].count < list[p].count) out.push_back(list[p++]);
        else out.push_back(list[q++]);
      }
      p = q_end;
    }
    list.swap(out);
    if (merges <= 1) break;
  }
  std::vector<ReasonGroup> sorted;
  for (const Item& it : list)
    if (it.index >= 0) sorted.push_back(std::move(groups[size_t(it.index)]));
  return sorted;
}

}  // namespace

NmapState nmap_state(Reason r, config::Proto proto) {
  if (proto == config::Proto::kUdp) {
    switch (r) {
      case Reason::kUdpResponse: return NmapState::kOpen;
      case Reason::kIcmpPortUnreach:
      case Reason::kPortUnreach: return NmapState::kClosed;
      case Reason::kNone:
      case Reason::kNoResponse: return NmapState::kOpenFiltered;
      default: return NmapState::kFiltered;
    }
  }
  switch (r) {
    case Reason::kSynAck: return NmapState::kOpen;
    case Reason::kRst: return NmapState::kClosed;
    default: return NmapState::kFiltered;  // no answer, or an ICMP unreachable
  }
}

std::string_view nmap_state_name(NmapState s) {
  switch (s) {
    case NmapState::kOpen: return "open";
    case NmapState::kClosed: return "closed";
    case NmapState::kFiltered: return "filtered";
    case NmapState::kOpenFiltered: return "open|filtered";
  }
  return "unknown";
}

std::string_view nmap_reason_name(Reason r) {
  switch (r) {
    case Reason::kSynAck: return "syn-ack";
    case Reason::kRst: return "reset";
    case Reason::kIcmpNetUnreach: return "net-unreach";
    case Reason::kIcmpHostUnreach: return "host-unreach";
    case Reason::kIcmpProtoUnreach: return "proto-unreach";
    case Reason::kIcmpPortUnreach: return "port-unreach";
    case Reason::kIcmpNetProhibited: return "net-prohibited";
    case Reason::kIcmpHostProhibited: return "host-prohibited";
    case Reason::kIcmpAdminProhibited: return "admin-prohibited";
    case Reason::kNoRoute: return "no-route";
    case Reason::kAdminProhibited: return "admin-prohibited";
    case Reason::kBeyondScope: return "beyond-scope";
    case Reason::kAddrUnreach: return "addr-unreach";
    case Reason::kPortUnreach: return "port-unreach";
    case Reason::kFailedPolicy: return "failed-policy";
    case Reason::kRejectRoute: return "reject-route";
    case Reason::kEchoReply: return "echo-reply";
    case Reason::kUdpResponse: return "udp-response";
    case Reason::kNone:
    case Reason::kNoResponse: return "no-response";
  }
  return "unknown";
}

NmapHostView nmap_host_view(const std::vector<PortRecord>& ports) {
  constexpr NmapState kStates[] = {NmapState::kClosed, NmapState::kOpen, NmapState::kFiltered,
                                   NmapState::kOpenFiltered};
  size_t counts[8] = {};
  for (const auto& p : ports) ++counts[size_t(nmap_state(p.reason, p.proto))];
  auto ignored = [&](NmapState s) { return s != NmapState::kOpen && counts[size_t(s)] > kNmapMaxListedPerState; };

  NmapHostView view;
  // nextIgnoredState(): descending count; on a tie the lower state number comes first.
  std::vector<NmapState> order;
  for (NmapState s : kStates)
    if (ignored(s)) order.push_back(s);
  std::stable_sort(order.begin(), order.end(),
                   [&](NmapState a, NmapState b) { return counts[size_t(a)] > counts[size_t(b)]; });
  for (NmapState s : order) {
    IgnoredState is{s, counts[size_t(s)], {}};
    for (const auto& p : ports) {  // nmap's port order: groups in order of first appearance
      if (nmap_state(p.reason, p.proto) != s) continue;
      auto it = std::find_if(is.reasons.begin(), is.reasons.end(),
                             [&](const ReasonGroup& g) { return g.reason == p.reason && g.proto == p.proto; });
      if (it == is.reasons.end()) it = is.reasons.insert(is.reasons.end(), ReasonGroup{p.reason, p.proto, {}});
      it->ports.push_back(p.port);
    }
    is.reasons = nmap_reason_order(std::move(is.reasons));
    view.ignored.push_back(std::move(is));
  }
  for (const auto& p : ports)
    if (!ignored(nmap_state(p.reason, p.proto))) view.listed.push_back(&p);
  return view;
}

std::string nmap_time_string(int64_t unix_seconds) {
  const std::time_t t = std::time_t(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm);
  return buf;
}

std::string nmap_hosts_phrase(uint64_t addresses, uint64_t hosts_up) {
  return std::to_string(addresses) + (addresses == 1 ? " IP address (" : " IP addresses (") +
         std::to_string(hosts_up) + (hosts_up == 1 ? " host up)" : " hosts up)");
}

std::string_view portauth_version() { return common::kVersion; }

}  // namespace portauth::output
