"""The lab's ground truth, tests/lab/profile.conf, as the integration tests read it (standard library only).

Profile(path).expected(addr, port) -> (state, reason), with the same first-match rule netlab.sh gives
nftables; Profile(path).answers_ping(addr) says whether addr answers an ICMP echo ("ping drop ADDRSPEC"
lines). parse_ports / parse_addrs / expand_addrs are the tests' own expansions of port and address specs,
independent of the scanner's. lablib re-exports all of them.
"""
import ipaddress

from lab_constants import ANYIP_NET, REASONS, TARGET_IP


def parse_ports(spec):
    """'22,80,8000-8100' -> sorted list of ints (the test's own expansion, for expected sets)."""
    out = set()
    for item in spec.split(","):
        lo, _, hi = item.partition("-")
        lo, hi = int(lo), int(hi or lo)
        if not 0 <= lo <= hi <= 65535:
            raise ValueError(f"bad port range {item!r}")
        out.update(range(lo, hi + 1))
    return sorted(out)


def parse_addrs(spec):
    """'a.b.c.d', 'a.b.c.d/nn', 'a.b.c.d-e.f.g.h', 'a.b.c.d-h' (comma lists) -> list of (lo, hi) ints."""
    out = []
    for item in spec.split(","):
        if "/" in item:
            net = ipaddress.ip_network(item, strict=False)
            out.append((int(net.network_address), int(net.broadcast_address)))
        elif "-" in item:
            a, b = item.split("-", 1)
            lo = ipaddress.ip_address(a)
            hi = ipaddress.ip_address(b if "." in b else a.rsplit(".", 1)[0] + "." + b)
            out.append((int(lo), int(hi)))
        else:
            v = int(ipaddress.ip_address(item))
            out.append((v, v))
    return out


def expand_addrs(spec):
    """Every address of a target spec, as dotted strings, in ascending order."""
    out = set()
    for lo, hi in parse_addrs(spec):
        out.update(range(lo, hi + 1))
    return [str(ipaddress.ip_address(v)) for v in sorted(out)]


class Profile:
    """tests/lab/profile.conf: first matching line wins; unlisted ports are closed/rst."""

    def __init__(self, path):
        self.rules = []  # (state, reason, ports: set or None=all, addrs: list of ranges or None=all)
        self.ping_drops = []  # address ranges that ignore ICMP echo
        with open(path) as f:
            for lineno, raw in enumerate(f, 1):
                fields = raw.split("#", 1)[0].split()
                if not fields:
                    continue
                if fields[0] == "ping":
                    if len(fields) != 3 or fields[1] != "drop":
                        raise ValueError(f"{path}:{lineno}: want ping drop ADDRSPEC")
                    self.ping_drops += parse_addrs(fields[2])
                    continue
                if len(fields) not in (3, 4):
                    raise ValueError(f"{path}:{lineno}: want STATE REASON PORTSPEC [ADDRSPEC]")
                state, reason, ports = fields[:3]
                if reason not in REASONS.get(state, ()):
                    raise ValueError(f"{path}:{lineno}: unknown state/reason {state} {reason}")
                portset = None if ports == "all" else set(parse_ports(ports))
                addrs = parse_addrs(fields[3]) if len(fields) == 4 else None
                self.rules.append((state, reason, portset, addrs))

    @staticmethod
    def answers(addr):
        """Whether anything in the lab answers for addr at all (the target and its AnyIP block)."""
        ip = ipaddress.ip_address(addr)
        return str(ip) == TARGET_IP or ip in ANYIP_NET

    def answers_ping(self, addr):
        """Whether addr answers an ICMP echo request (the lab's addresses do, unless dropped)."""
        if not self.answers(addr):
            return False
        a = int(ipaddress.ip_address(addr))
        return not any(lo <= a <= hi for lo, hi in self.ping_drops)

    def expected(self, addr, port):
        if not self.answers(addr):
            return ("stealth", "no-response")
        a = int(ipaddress.ip_address(addr))
        for state, reason, ports, addrs in self.rules:
            if addrs is not None and not any(lo <= a <= hi for lo, hi in addrs):
                continue
            if ports is None or port in ports:
                return (state, reason)
        return ("closed", "rst")
