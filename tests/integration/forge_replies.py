#!/usr/bin/env python3
"""Forged replies for a lab scan: a raw-socket injector run INSIDE the lab's target namespace.

It sends only to the scanner's lab address, 198.18.0.1 (hard-coded, and checked before every
send), packets a scanner must reject: SYN-ACKs and RSTs with wrong acknowledgement numbers, from
ports and addresses never probed, to destination ports inside and outside the scanner's source
range, and ICMP destination-unreachables quoting TCP headers the scanner never sent. Standard
library only (AF_INET / SOCK_RAW / IPPROTO_RAW: we write the IPv4 header, the kernel routes it).

  ip netns exec LAB-tgt python3 forge_replies.py --count N --pps R --ports A-B \
      --open 22,80 --stealth 445,3389 [--seed S]

Protocol: builds every packet first, prints "ready", waits for a line on stdin, sends N packets
paced at R per second, then prints one JSON object: {"sent", "in_filter", "by_kind", "seconds"}.
"in_filter" counts the packets the scanner's capture filter lets through (TCP to a destination
port in A-B; every ICMP unreachable), i.e. those its validator sees and must count as rejected.
"""
import argparse
import json
import random
import socket
import struct
import sys
import time

SCANNER = "198.18.0.1"        # the only destination this tool ever sends to
TARGET = "198.18.0.2"
UNPROBED_LAB = "198.18.1.77"  # an AnyIP address of the lab that the forged-reply scan never probes
ROUTER = "198.18.1.130"       # an ICMP "router" (the lab's .128/29 block)
SYN, RST, ACK = 0x02, 0x04, 0x10


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ttl=64, ident=0):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0, ttl, proto, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def tcp(src, dst, sport, dport, seq, ack, flags):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(seg))
    return seg[:16] + struct.pack("!H", checksum(pseudo + seg)) + seg[18:]


def tcp_packet(src, sport, dport, seq, ack, flags):
    return ipv4(src, SCANNER, 6, tcp(src, SCANNER, sport, dport, seq, ack, flags))


def icmp_unreach(src, code, quoted_src, quoted_dst, quoted_sport, quoted_dport, quoted_seq):
    # The quote: the IPv4 header of "our" probe and the first 8 bytes of its TCP header (RFC 792),
    # here a probe we never sent (its sequence number is not our cookie, or its ports/addresses
    # are not ours).
    quoted = ipv4(quoted_src, quoted_dst, 6, tcp(quoted_src, quoted_dst, quoted_sport, quoted_dport,
                                                 quoted_seq, 0, SYN))[:28]
    body = struct.pack("!BBHI", 3, code, 0, 0) + quoted
    body = body[:2] + struct.pack("!H", checksum(body)) + body[4:]
    return ipv4(src, SCANNER, 1, body)


def build(count, port_lo, port_hi, open_ports, stealth_ports, rng):
    """count packets, kinds in rotation; returns [(kind, bytes, in_filter)]."""
    def ours():
        return rng.randint(port_lo, port_hi)

    def not_ours():
        # Below and above the scanner's source range (both sides of the BPF port test).
        lo_side = rng.randint(1024, port_lo - 1) if port_lo > 1024 else None
        hi_side = rng.randint(port_hi + 1, 65535) if port_hi < 65535 else None
        return rng.choice([p for p in (lo_side, hi_side) if p is not None])

    def seq():
        return rng.getrandbits(32)

    kinds = [
        # (name, in the capture filter?, builder)
        ("synack-wrong-ack-open-port", True,
         lambda: tcp_packet(TARGET, rng.choice(open_ports), ours(), seq(), seq(), SYN | ACK)),
        ("synack-wrong-ack-stealth-port", True,
         lambda: tcp_packet(TARGET, rng.choice(stealth_ports), ours(), seq(), seq(), SYN | ACK)),
        ("rst-wrong-ack-open-port", True,
         lambda: tcp_packet(TARGET, rng.choice(open_ports), ours(), seq(), seq(), RST | ACK)),
        ("rst-without-ack", True,
         lambda: tcp_packet(TARGET, rng.choice(open_ports), ours(), seq(), 0, RST)),
        ("synack-from-unprobed-address", True,
         lambda: tcp_packet(UNPROBED_LAB, rng.choice(open_ports), ours(), seq(), seq(), SYN | ACK)),
        ("rst-from-unprobed-address", True,
         lambda: tcp_packet(f"198.19.{rng.randint(0, 255)}.{rng.randint(1, 254)}", rng.randint(1, 65535),
                            ours(), seq(), seq(), RST | ACK)),
        ("synack-from-unprobed-address-any-port", True,
         lambda: tcp_packet(UNPROBED_LAB, rng.randint(1, 65535), ours(), seq(), seq(), SYN | ACK)),
        ("synack-to-port-outside-range", False,
         lambda: tcp_packet(TARGET, rng.choice(open_ports), not_ours(), seq(), seq(), SYN | ACK)),
        ("rst-to-port-outside-range", False,
         lambda: tcp_packet(TARGET, rng.choice(open_ports), not_ours(), seq(), seq(), RST | ACK)),
        ("icmp-port-unreach-quoting-unsent-probe", True,
         lambda: icmp_unreach(TARGET, 3, SCANNER, TARGET, ours(), rng.choice(stealth_ports), seq())),
        ("icmp-admin-prohibited-quoting-unsent-probe", True,
         lambda: icmp_unreach(ROUTER, 13, SCANNER, TARGET, ours(), rng.choice(open_ports), seq())),
        ("icmp-host-unreach-quoting-port-outside-range", True,
         lambda: icmp_unreach(ROUTER, 1, SCANNER, TARGET, not_ours(), rng.choice(open_ports), seq())),
        ("icmp-net-unreach-quoting-unprobed-address", True,
         lambda: icmp_unreach(ROUTER, 0, SCANNER, UNPROBED_LAB, ours(), rng.choice(open_ports), seq())),
        ("icmp-port-unreach-quoting-another-source", True,
         lambda: icmp_unreach(TARGET, 3, "198.18.0.9", TARGET, ours(), rng.choice(open_ports), seq())),
    ]
    out = []
    for i in range(count):
        name, in_filter, make = kinds[i % len(kinds)]
        out.append((name, make(), in_filter))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--pps", type=float, required=True)
    ap.add_argument("--ports", required=True, help="the scanner's source port range A-B")
    ap.add_argument("--open", required=True, help="ports the target has open (comma list)")
    ap.add_argument("--stealth", required=True, help="ports the target drops (comma list)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    lo, hi = (int(x) for x in args.ports.split("-"))
    packets = build(args.count, lo, hi, [int(p) for p in args.open.split(",")],
                    [int(p) for p in args.stealth.split(",")], random.Random(args.seed))

    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    dest = (SCANNER, 0)
    print("ready", flush=True)
    if not sys.stdin.readline():
        return 1
    by_kind, in_filter, sent = {}, 0, 0
    start = time.monotonic()
    batch = max(1, int(args.pps / 1000))  # pace per millisecond batch
    for i, (kind, pkt, counted) in enumerate(packets):
        if i % batch == 0:
            due = start + i / args.pps
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        assert pkt[16:20] == socket.inet_aton(SCANNER)  # never anywhere else
        while True:
            try:
                s.sendto(pkt, dest)
                break
            except (BlockingIOError, OSError) as e:  # ENOBUFS under a burst: retry, don't lose it
                if getattr(e, "errno", None) not in (105, 11):
                    raise
                time.sleep(0.0005)
        sent += 1
        in_filter += counted
        by_kind[kind] = by_kind.get(kind, 0) + 1
    seconds = time.monotonic() - start
    print(json.dumps({"sent": sent, "in_filter": in_filter, "by_kind": by_kind, "seconds": round(seconds, 3)}),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
