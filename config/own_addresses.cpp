#include "config/own_addresses.h"

#include "config/port_spec.h"

namespace portauth::config {

RangeSet own_addresses_among(const RangeSet& targets, const std::vector<Address>& local) {
  RangeSet own({{Address::v4(0x7f000000), Address::v4(0x7fffffff)}, {Address{1}, Address{1}}});
  for (const Address& a : local) own.add({a, a});
  return targets.intersect(own);
}

void leave_out_own_addresses(ScanPlan& plan, const std::vector<Address>& local) {
  const RangeSet own = own_addresses_among(plan.targets, local);
  if (own.empty() || own.count() == plan.targets.count()) return;
  plan.targets.subtract(own);
  std::string list;
  for (const auto& r : own.ranges()) {
    if (list.size() > 200) {
      list += ", ...";
      break;
    }
    list += (list.empty() ? "" : ", ") + format_address(r.first) +
            (r.last != r.first ? "-" + format_address(r.last) : "");
  }
  const bool one = own.count() == 1;
  const std::string ports = format_ports(plan.ports);
  plan.warnings.push_back(list + (one ? " is this machine's own address" : " are this machine's own addresses") +
                          ", which a scan reaches over loopback, not with the other targets: left out; scan " +
                          (one ? "it" : "them") + " on " + (one ? "its" : "their") + " own (portauth scan " +
                          (one ? list : format_address(own.ranges().front().first) + " ...") +
                          (ports.size() <= 60 ? " -p " + ports : " with the same ports") + ")");
}

}  // namespace portauth::config
