#!/usr/bin/env python3
"""Lab listener: holds TCP ports open so the network lab has real "open" ports.

Usage: lab_listener.py [--host ADDR] [--backlog N] [--pidfile FILE] [--transparent] [--exec CMD] PORT...

Binds ADDR:PORT (default 0.0.0.0) for every PORT, listens with a large backlog, then
writes its pid to FILE (only once every port is bound, so the file doubles as the
"ready" signal) and serves until SIGTERM/SIGINT, removing FILE on the way out.
Connections that do complete are accepted and closed at once: a scanner never
completes the handshake, but something else might, and a full accept queue would
make the kernel drop SYNs and turn an open port into a flaky "stealth" one.
--transparent sets IP_TRANSPARENT, so that an nftables `tproxy` rule can hand this socket
connections to any port (scripts/liarlab.py's host that answers every port; needs root).
--exec CMD hands each accepted connection to CMD (split like a shell line) as its stdin and
stdout, inetd style, instead of closing it: a real daemon's inetd mode (`sshd -i`) then speaks
on the connection itself, whatever port it came in on.
Standard library only; exits 2 if a port cannot be bound.
"""
import argparse
import os
import resource
import selectors
import shlex
import signal
import socket
import subprocess
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="0.0.0.0")
    ap.add_argument("--backlog", type=int, default=65535)
    ap.add_argument("--pidfile")
    ap.add_argument("--transparent", action="store_true")
    ap.add_argument("--exec", dest="exec_cmd")
    ap.add_argument("ports", nargs="+", type=int)
    args = ap.parse_args()
    # One descriptor a port: thousands of ports need more than the usual soft limit of 1024.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < len(args.ports) + 64 and soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    sel = selectors.DefaultSelector()
    for port in sorted(set(args.ports)):
        v6 = ":" in args.host  # an IPv6 listener takes IPv6 only, beside the IPv4 one
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if args.transparent:
            s.setsockopt(socket.SOL_IP, 19, 1)  # IP_TRANSPARENT
        if v6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        try:
            s.bind((args.host, port))
        except OSError as e:
            print(f"lab_listener: cannot bind {args.host}:{port}: {e}", file=sys.stderr)
            return 2
        s.listen(args.backlog)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)

    def stop(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    command = shlex.split(args.exec_cmd) if args.exec_cmd else None
    if command:
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps each connection's daemon

    if args.pidfile:
        tmp = f"{args.pidfile}.tmp"
        with open(tmp, "w") as f:
            f.write(f"{os.getpid()}\n")
        os.replace(tmp, args.pidfile)
    try:
        while True:
            for key, _ in sel.select():
                try:
                    conn, _ = key.fileobj.accept()
                    if command:
                        conn.setblocking(True)
                        subprocess.Popen(command, stdin=conn, stdout=conn, close_fds=True)
                    conn.close()
                except OSError:
                    pass
    finally:
        if args.pidfile:
            try:
                os.unlink(args.pidfile)
            except FileNotFoundError:
                pass


if __name__ == "__main__":
    sys.exit(main())
