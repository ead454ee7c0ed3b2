#!/usr/bin/env python3
"""Two kinds of odd TCP port for the daemon lab (scripts/daemon_lab.sh), the only non-daemons there.

Usage: lab_mute_listener.py --host ADDR [--host ADDR ...] [--silent PORT ...] [--closing PORT ...]
                            [--pidfile FILE]

  --silent PORT   accept every connection and never send a byte: the socket stays open until
                  the peer closes it (or 300 s pass), like a service that waits for a client
                  message no scanner sends. Reads are drained and discarded.
  --closing PORT  accept and close at once (FIN): what a TCP wrapper refusing the peer looks
                  like, nmap's "tcpwrapped".

Every port is bound on every --host (an IPv6 address binds IPv6 only). FILE gets the pid once
every port is bound (the "ready" signal). Serves until SIGTERM/SIGINT. Standard library only;
exits 2 if a port cannot be bound.
"""
import argparse
import os
import selectors
import signal
import socket
import sys
import time

HOLD_SECONDS = 300  # a silent connection is dropped after this, so idle peers cannot pile up


def listen(host, port):
    v6 = ":" in host
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((host, port))
    s.listen(4096)
    s.setblocking(False)
    return s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", action="append", required=True)
    ap.add_argument("--silent", type=int, action="append", default=[])
    ap.add_argument("--closing", type=int, action="append", default=[])
    ap.add_argument("--pidfile")
    args = ap.parse_args()

    sel = selectors.DefaultSelector()
    for kind, ports in (("silent", args.silent), ("closing", args.closing)):
        for port in ports:
            for host in args.host:
                try:
                    sel.register(listen(host, port), selectors.EVENT_READ, kind)
                except OSError as e:
                    print(f"lab_mute_listener: cannot bind {host}:{port}: {e}", file=sys.stderr)
                    return 2

    def stop(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.pidfile:
        tmp = f"{args.pidfile}.tmp"
        with open(tmp, "w") as f:
            f.write(f"{os.getpid()}\n")
        os.replace(tmp, args.pidfile)

    held = {}  # socket -> when it was accepted
    while True:
        for key, _ in sel.select(timeout=10):
            s, kind = key.fileobj, key.data
            if kind == "conn":
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(s)
                    held.pop(s, None)
                    s.close()
                continue
            try:
                conn, _ = s.accept()
            except OSError:
                continue
            if kind == "closing":
                conn.close()
            else:
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "conn")
                held[conn] = time.monotonic()
        now = time.monotonic()
        for conn in [c for c, t in held.items() if now - t > HOLD_SECONDS]:
            sel.unregister(conn)
            del held[conn]
            conn.close()


if __name__ == "__main__":
    sys.exit(main())
