// The plan of a command that tests ONE host (`probe`, `shieldsup`): the options' one HOST,
// resolved to one address, and how the reports name it.
#pragma once
#include <string>

#include "config/address.h"
#include "config/scan_options.h"
#include "config/scan_plan.h"

namespace portauth::config {

struct OneHostPlan {
  ScanPlan plan;
  Address address;
  std::string label;  // "198.18.0.2", or "name (198.18.0.2)" for a host name
};

// `options.targets` must hold exactly the one HOST as typed. A host name resolving to several
// addresses uses the first, IPv4 before IPv6 (with a warning in plan.warnings, as nmap does).
// Throws SpecError for bad input, including a HOST that is more than one address.
OneHostPlan plan_one_host(const ScanOptions& options);

// "198.18.0.2" for an address typed as such, "name (198.18.0.2)" otherwise.
std::string host_label(const std::string& typed, const Address& address);

}  // namespace portauth::config
