#include "config/one_host_plan.h"

#include <algorithm>
#include <vector>

#include "config/spec_error.h"
#include "config/target_list.h"

namespace portauth::config {

std::string host_label(const std::string& typed, const Address& address) {
  const std::string dotted = format_address(address);
  return typed == dotted ? dotted : typed + " (" + dotted + ")";
}

OneHostPlan plan_one_host(const ScanOptions& options) {
  if (options.targets.size() != 1) throw SpecError("give exactly one HOST (an address or a host name)");
  const std::string& host = options.targets.front();
  std::vector<std::string> extra_warnings;
  const Resolver first_address = [&](const std::string& name) {
    std::vector<Address> all = system_resolver(name);
    // IPv4 first, as before IPv6 was scanned: "localhost" stays 127.0.0.1, not ::1.
    std::stable_partition(all.begin(), all.end(), [](const Address& a) { return a.is_v4(); });
    if (all.size() > 1) {
      extra_warnings.push_back(name + " has " + std::to_string(all.size()) + " addresses; using the first, " +
                               format_address(all.front()));
      all.resize(1);
    }
    return all;
  };
  OneHostPlan out;
  out.plan = build_scan_plan(options, first_address);
  if (out.plan.targets.count() != 1)
    throw SpecError("'" + host + "' is " + std::to_string(out.plan.targets.count()) +
                    " addresses; this command tests one host (use 'portauth scan' for several)");
  out.address = out.plan.targets.at(0);
  out.label = host_label(host, out.address);
  out.plan.warnings.insert(out.plan.warnings.end(), extra_warnings.begin(), extra_warnings.end());
  return out;
}

}  // namespace portauth::config
