// This machine's own addresses among a scan's targets (issue 19.3: inside the lab's scanner
// namespace, `scan 198.18.0.1 -p 22,80` reported both ports stealth; they are closed).
//
// The kernel delivers a packet for one of its own addresses over loopback, whatever interface
// that address sits on, and answers it there; a scan that sends and captures on that interface
// sees nothing. So, as nmap does, a scan of own addresses goes over loopback
// (scanner/route.h chooses it). One scan captures on one interface, so own addresses and
// others cannot share a scan: the own ones are left out, with a warning that names them and the
// command that scans them. Pure: the machine's addresses are handed in.
#pragma once
#include <vector>

#include "config/address.h"
#include "config/range_set.h"
#include "config/scan_plan.h"

namespace portauth::config {

// The targets that are this machine's own: the addresses in `local` (its interfaces'), and
// the loopback blocks 127.0.0.0/8 and ::1.
RangeSet own_addresses_among(const RangeSet& targets, const std::vector<Address>& local);

// A plan whose targets mix own addresses and others loses the own ones, with a warning in
// plan.warnings; a plan of own addresses only, or of none, is left as it is.
void leave_out_own_addresses(ScanPlan& plan, const std::vector<Address>& local);

}  // namespace portauth::config
