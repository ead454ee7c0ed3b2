#!/usr/bin/env python3
"""Scanning the scanner's own address gives the right states, over loopback, IPv4 and IPv6.

Issue 19.3: inside the lab's scanner namespace, `scan 198.18.0.1 -p 22,80 --show all` reported both
ports stealth after 4 s; a connect is refused, so they are closed. The kernel delivers and answers
packets for its own addresses over lo, whatever interface holds them, so a scan of them must send
and capture there (as nmap does). In the lab's scanner namespace, with IPv6 on the veth pair
(2001:2::1 is the scanner's), a listener there on 8081 (IPv4) and 8082 (IPv6):
  * `scan 198.18.0.1 -p 22,80,8081`: 8081 open, 22 and 80 closed (rst), on lo, in well under the
    3 passes x 1 s of waits a silent scan takes;
  * `scan 2001:2::1 -p 22,8082`: 8082 open, 22 closed; `scan 127.0.0.1 -p 22` closed;
  * `scan 198.18.0.0/30 -p 22,80`: the own address is left out with a warning that names it and
    the command that scans it; the other three are scanned on veth-scan, as profiled;
  * `scan 198.18.0.1 -i veth-scan` is refused (exit 2) with a message naming lo.
Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab_hosts  # noqa: E402
import lablib  # noqa: E402


def listen(lab, host, port, tmp):
    pidfile = os.path.join(tmp, f"listener{port}.pid")
    proc = subprocess.Popen(["ip", "netns", "exec", lab.scan_ns, lablib.PYTHON,
                             os.path.join(lab.repo, "scripts", "lab_listener.py"), "--host", host, "--pidfile", pidfile,
                             str(port)], stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not os.path.exists(pidfile):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"listener on {host}:{port} did not start")
        time.sleep(0.05)
    return proc


def scan(args, lab, tmp, target, ports, problems, expected, extra=()):
    out = os.path.join(tmp, "own.jsonl")
    argv = [args.binary, "scan", target, "-p", ports, "--show", "all", "-oJ", out, *extra]
    t0 = time.monotonic()
    proc = lab.run(argv, timeout=60)
    took = time.monotonic() - t0
    lablib.log(f"{' '.join(argv[1:])}: exit {proc.returncode} in {took:.2f} s; {proc.stderr.strip()}")
    if proc.returncode != 0:
        problems.append(f"scan {target}: {lablib.describe(proc)}")
        return proc
    records, bad = lablib.read_jsonl(out)
    addrs = lablib.expand_addrs(target) if "/" in target else [target]
    addrs = [a for a in addrs if a not in expected.get("left_out", ())]
    problems += bad + lablib.check_scan(records, addrs, lablib.parse_ports(ports), expected["states"],
                                        ttl=expected.get("ttl", lablib.ANSWERED_TTL))
    if expected.get("over_lo") and " on lo " not in proc.stderr:
        problems.append(f"scan {target}: not sent on lo: {proc.stderr.strip()[-300:]}")
    if expected.get("quick") and took > 2.5:  # a silent scan waits 1 s after each of 3 passes
        problems.append(f"scan {target}: took {took:.2f} s, as if nothing answered")
    return proc


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-own-") as tmp, lablib.Lab(args.repo) as lab:
        lab_hosts.enable_ipv6(lab)
        profile = lablib.Profile(lab.profile_path)
        listeners = [listen(lab, "0.0.0.0", 8081, tmp), listen(lab, "::", 8082, tmp)]
        try:
            def mine(open_port):
                return lambda _a, p: ("open", "syn-ack") if p == open_port else ("closed", "rst")
            scan(args, lab, tmp, lablib.SCAN_IP, "22,80,8081", problems,
                 {"states": mine(8081), "over_lo": True, "quick": True})
            scan(args, lab, tmp, lab_hosts.SCAN_IP6, "22,8082", problems,
                 {"states": mine(8082), "over_lo": True, "quick": True})
            scan(args, lab, tmp, "127.0.0.1", "22", problems, {"states": mine(None), "over_lo": True})
            proc = scan(args, lab, tmp, "198.18.0.0/30", "22,80", problems,
                        {"states": profile.expected, "left_out": [lablib.SCAN_IP]})
            want = (f"warning: {lablib.SCAN_IP} is this machine's own address, which a scan reaches over loopback, "
                    f"not with the other targets: left out; scan it on its own (portauth scan {lablib.SCAN_IP} -p 22,80)")
            if want not in proc.stderr or " on veth-scan " not in proc.stderr:
                problems.append(f"198.18.0.0/30: want the own address left out with {want!r}: {proc.stderr.strip()}")
            proc = lab.run([args.binary, "scan", lablib.SCAN_IP, "-p", "22", "-i", lablib.SCAN_IF], timeout=60)
            if proc.returncode != 2 or "its answers come back over lo, not veth-scan" not in proc.stderr:
                problems.append(f"own address with -i veth-scan: want exit 2 naming lo: {lablib.describe(proc)}")
        finally:
            for p in listeners:
                p.terminate()
                p.wait(5)
    return lablib.report("the scanner's own addresses are scanned over loopback, right", problems)


if __name__ == "__main__":
    sys.exit(main())
