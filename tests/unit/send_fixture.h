// What the send-path tests start from: 198.18.1.0/24 x the given ports, its probe table, a
// fixed cookie key, the IPv4 SYN module on the reference template, and a fake clock.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "config/target_spec.h"
#include "fake_clock.h"
#include "probe/cookie.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"
#include "probe/syn_probe.h"
#include "syn_fixture.h"

namespace portauth::test {

struct SendFixture {
  explicit SendFixture(std::vector<uint16_t> ports)
      : space(config::parse_targets({"198.18.1.0/24"}), std::move(ports), 5), table(space.slots()),
        syn(reference_syn_template(0xc6120001), space, key, {}) {}
  probe::ProbeSpace space;
  probe::ProbeTable table;
  probe::CookieKey key{1, 2};
  probe::SynProbe syn;
  FakeClock clock;
};

}  // namespace portauth::test
