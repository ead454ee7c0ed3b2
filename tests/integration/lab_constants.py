"""The lab's addresses and the scanner's vocabulary, shared by lablib and lab_profile."""
import ipaddress

SCAN_IP = "198.18.0.1"
TARGET_IP = "198.18.0.2"
ANYIP_NET = ipaddress.ip_network("198.18.1.0/24")
SCAN_IF = "veth-scan"
ANSWERED_TTL = 64  # Linux's default TTL; the target is one veth away, so nothing decrements it
STATES = {"open", "closed", "stealth"}
REASONS = {
    "open": {"syn-ack"},
    "stealth": {"no-response"},
    "closed": {"rst", "icmp-net-unreach", "icmp-host-unreach", "icmp-proto-unreach",
               "icmp-port-unreach", "icmp-net-prohibited", "icmp-host-prohibited",
               "icmp-admin-prohibited"},
}
