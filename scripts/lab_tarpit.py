#!/usr/bin/env python3
"""lab_tarpit.py: a LaBrea-style tarpit for the lab (scripts/liarlab.py), standard library only.

Usage: lab_tarpit.py --interface IF --address A.B.C.D [--window N] [--pidfile FILE]

Reads every frame on IF (an AF_PACKET socket) and answers each TCP SYN to ADDRESS, whatever its
port, with a SYN-ACK offering a window of N (default 10) and no TCP option at all, as LaBrea
does; it never answers anything else, so a connection, once made, is held and never served.
ADDRESS must not be local to the namespace (the kernel would answer too). The replies leave
through a raw socket (IP_HDRINCL), routed like any packet of the namespace. Writes its pid to
FILE once it listens; runs until SIGTERM.
"""
import argparse
import os
import random
import signal
import socket
import struct
import sys

ETH_P_IP = 0x0800


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def syn_ack(src, dst, sport, dport, ack, window):
    isn = random.getrandbits(32)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, isn, ack, 5 << 4, 0x12, window, 0, 0)
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.getrandbits(16), 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interface", required=True)
    ap.add_argument("--address", required=True)
    ap.add_argument("--window", type=int, default=10)
    ap.add_argument("--pidfile")
    args = ap.parse_args()
    me = socket.inet_aton(args.address)
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24)
    rx.bind((args.interface, ETH_P_IP))
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    tx.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 24)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.pidfile:
        with open(args.pidfile + ".tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.replace(args.pidfile + ".tmp", args.pidfile)
    while True:
        frame, addr = rx.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING or len(frame) < 14 + 40:
            continue
        ip = frame[14:]
        if ip[0] >> 4 != 4 or ip[9] != 6 or ip[16:20] != me:
            continue
        ihl = (ip[0] & 0x0F) * 4
        tcp = ip[ihl:]
        if len(tcp) < 20 or (tcp[13] & 0x17) != 0x02:  # a SYN: not ACK, RST or FIN
            continue
        sport, dport, seq = struct.unpack("!HHI", tcp[:8])
        src = ip[12:16]
        packet = syn_ack(me, src, dport, sport, (seq + 1) & 0xFFFFFFFF, args.window)
        try:
            tx.sendto(packet, (socket.inet_ntoa(src), 0))
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
