"""Extra hosts on the lab (scripts/netlab.sh), added by the tests that need them.

Answer limits: addresses of the target's AnyIP block whose answers the target holds back
(issue 10). IPv6: the lab's veth pair in 2001:2::/48 with a profile of its own (issue 11).
Standard library only, like lablib.
"""
import os
import subprocess
import time

from lablib import PYTHON, SCAN_IP

# --- hosts that limit their answers (issue 10) --------------------------------------------------

# Addresses of the AnyIP block (profiled like any other there) whose answers the target holds back:
# LIMITED_HOSTS[addr] = RSTs and ICMP errors per second each (nft "limit rate over N/second drop"
# in the target's output hook, as a host that rate-limits its error replies); POLICED_HOSTS[addr] =
# SYNs per second a policer in front of it lets through (the prerouting hook drops the rest).
# CLOSED_HOSTS[addr] = (open port, dropped port): every other port of the address is closed (an
# RST from the firewall, before the lab's profile is asked), so nearly every probe is answered
# and a policer's losses are all in plain sight (issue 19: 1 run in 8 called 32 closed ports
# stealth there).
LIMITED_HOSTS = {"198.18.1.220": 2000, "198.18.1.221": 500}
POLICED_HOSTS = {"198.18.1.230": 20000, "198.18.1.231": 20000}
CLOSED_HOSTS = {"198.18.1.231": (22, 23)}  # 22 has the lab's listener, 23 the profile's drop


def limits_nft():
    out = [f"    ip saddr {a} ip daddr {SCAN_IP} tcp flags & rst == rst limit rate over {n}/second burst 20 packets drop\n"
           f"    ip saddr {a} ip daddr {SCAN_IP} meta l4proto icmp limit rate over {n}/second burst 20 packets drop"
           for a, n in LIMITED_HOSTS.items()]
    pre = [f"    ip daddr {a} tcp flags & (syn | ack) == syn limit rate over {n}/second burst 50 packets drop"
           for a, n in POLICED_HOSTS.items()]
    closed = [f"    ip daddr {a} tcp dport != {{ {o}, {d} }} reject with tcp reset" for a, (o, d) in CLOSED_HOSTS.items()]
    return ("table ip pa_limits {\n  chain out {\n    type filter hook output priority 10; policy accept;\n"
            + "\n".join(out) + "\n  }\n  chain pre {\n    type filter hook prerouting priority -310; policy accept;\n"
            + "\n".join(pre) + "\n  }\n  chain in {\n    type filter hook input priority -10; policy accept;\n"
            + "\n".join(closed) + "\n  }\n}\n")


def expected(profile, addr, port):
    """(state, reason) for addr:port with these hosts added: CLOSED_HOSTS, else the lab's profile."""
    if addr in CLOSED_HOSTS:
        open_port, dropped = CLOSED_HOSTS[addr]
        if port == dropped:
            return ("stealth", "no-response")
        if port != open_port:
            return ("closed", "rst")
    return profile.expected(addr, port)


def add_answer_limits(tgt_ns):
    """Installs the LIMITED_HOSTS / POLICED_HOSTS rules in the target namespace `tgt_ns`."""
    subprocess.run(["ip", "netns", "exec", tgt_ns, "nft", "-f", "-"], input=limits_nft(), text=True, check=True)


# --- IPv6 on the lab's veth pair (issue 11) -------------------------------------------------------

# 2001:2::/48 (RFC 5180 benchmarking) only; no router, no route out, DAD and router
# solicitations off, permanent neighbour entries. The target's IPv6 profile differs from its
# IPv4 one on purpose: a host's IPv6 firewall is often not its IPv4 one.
SCAN_IP6, TARGET_IP6 = "2001:2::1", "2001:2::2"
SCAN_MAC, TARGET_MAC = "02:70:61:00:00:01", "02:70:61:00:00:02"
IPV6_OPEN = [22, 443, 8443, 9000]               # listeners on [::] (9000 is open over IPv6 only)
IPV6_RULES = [                                   # (ports, state, reason, nft verdict), first match wins
    ([23, 80, 5900], "stealth", "no-response", "drop"),  # 80 is open over IPv4, dropped over IPv6
    ([25, 7000], "closed", "admin-prohibited", "reject with icmpv6 type admin-prohibited"),
    ([111, 7001], "closed", "port-unreach", "reject with icmpv6 type port-unreachable"),
    ([3389], "closed", "no-route", "reject with icmpv6 type no-route"),
    ([7002], "closed", "addr-unreach", "reject with icmpv6 type addr-unreachable"),
]


def expected6(port):
    if port in IPV6_OPEN:
        return ("open", "syn-ack")
    for ports, state, reason, _ in IPV6_RULES:
        if port in ports:
            return (state, reason)
    return ("closed", "rst")


def enable_ipv6(lab):
    """Gives lab (a Lab) IPv6 on its veth pair, the IPv6 profile and IPv6 listeners."""
    for ns, ifname, mine, peer, peer_mac in ((lab.scan_ns, "veth-scan", SCAN_IP6, TARGET_IP6, TARGET_MAC),
                                             (lab.tgt_ns, "veth-tgt", TARGET_IP6, SCAN_IP6, SCAN_MAC)):
        for key in ("all", "default", ifname):
            for name, value in (("disable_ipv6", 0), ("accept_dad", 0), ("router_solicitations", 0),
                                ("accept_ra", 0), ("dad_transmits", 0)):
                subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw", f"net.ipv6.conf.{key}.{name}={value}"],
                               capture_output=True)
        subprocess.run(["ip", "-n", ns, "addr", "add", f"{mine}/64", "dev", ifname, "nodad"], check=True)
        subprocess.run(["ip", "-n", ns, "neigh", "replace", peer, "lladdr", peer_mac, "dev", ifname, "nud", "permanent"],
                       check=True)
    subprocess.run(["ip", "netns", "exec", lab.tgt_ns, "sysctl", "-qw", "net.ipv6.icmp.ratelimit=0"], capture_output=True)
    rules = "\n".join(f"    tcp dport {{ {', '.join(map(str, ports))} }} {verdict}" for ports, _, _, verdict in IPV6_RULES)
    nft = ("table ip6 portauth_lab6 {\n  chain input {\n    type filter hook input priority 0; policy accept;\n"
           f"{rules}\n  }}\n}}\n")
    subprocess.run(["ip", "netns", "exec", lab.tgt_ns, "nft", "-f", "-"], input=nft, text=True, check=True)
    listener = os.path.join(lab.repo, "scripts", "lab_listener.py")
    # Ended by netlab.sh down, which stops every process left in the lab's namespaces.
    subprocess.Popen(["ip", "netns", "exec", lab.tgt_ns, "setsid", PYTHON, listener, "--host", "::",
                      *map(str, IPV6_OPEN)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        out = subprocess.run(["ip", "netns", "exec", lab.tgt_ns, "ss", "-Htln6"], capture_output=True, text=True).stdout
        if all(f":{p} " in out for p in IPV6_OPEN):
            return
        time.sleep(0.05)
    raise RuntimeError("IPv6 listeners did not start")
