// The link-layer header a frame to a target needs when we bypass the kernel's IP output
// (the PACKET_MMAP TX ring): our MAC, the next hop's MAC, EtherType IPv4.
//
// Next hop: the kernel's own route for the target (netlink RTM_GETROUTE, so policy routing
// and the main table answer exactly as for a connection), then the gateway's (or, on the
// local link, the target's) entry in the neighbour cache (/proc/net/arp). Nothing is sent:
// an address the cache does not know yet is an error with a hint, not an ARP request of ours.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace portauth::scanner {

struct NextHop {
  std::string interface;
  uint32_t address = 0;   // the gateway, or the target itself when it is on the link
  bool on_link = false;   // no gateway: every target on the link has its own MAC
  std::array<uint8_t, 6> mac{};
};

// Throws SetupError naming the target, the next hop and what to do (e.g. "ping it once, or
// use --send-mode raw").
NextHop resolve_next_hop(uint32_t target, const std::string& interface);

// Our interface's MAC. Throws SetupError unless the interface is Ethernet-like (ARPHRD_ETHER:
// Ethernet, veth, bridges, macvlan); tun, WireGuard and loopback carry no Ethernet header.
std::array<uint8_t, 6> interface_mac(const std::string& interface);

std::string format_mac(const std::array<uint8_t, 6>& mac);

}  // namespace portauth::scanner
