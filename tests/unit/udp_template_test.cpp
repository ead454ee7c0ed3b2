// libnet's UDP header templates (probe/udp_template.h) equal the reference the pure tests build
// probes from (udp_fixture.h), byte for byte, for both families.
#include <gtest/gtest.h>

#include "probe/udp_packet.h"
#include "probe/udp_template.h"
#include "udp_fixture.h"

using portauth::config::Address;

TEST(UdpTemplate, LibnetBuildsTheReference) {
  for (const char* ip : {"198.18.0.1", "203.0.113.77", "2001:2::1", "fe80::1234:5678"}) {
    const Address a = *portauth::config::parse_address(ip);
    EXPECT_EQ(portauth::probe::build_udp_template(a), portauth::test::reference_udp_template(a)) << ip;
    EXPECT_NO_THROW(portauth::probe::UdpPacket(portauth::probe::build_udp_template(a))) << ip;
  }
}
