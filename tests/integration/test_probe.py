#!/usr/bin/env python3
"""`portauth probe HOST PORT` against the lab: state, reason, TTL, meaning and the port's page.

Probes one port of each kind on 198.18.0.2 (open, closed by RST, closed by two ICMP codes,
stealth) and judges each against tests/lab/profile.conf; the page printed after the verdict
must be exactly what `portauth lookup PORT` prints. A host name is probed too (through the
scanner namespace's own hosts file, /etc/netns/NS/hosts, which `ip netns exec` mounts). Bad
input must exit 1 with a message and put ZERO packets on the wire.
Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

ALLOW = ["--allow", "198.18.0.0/15"]
T = lablib.TARGET_IP
HOST_NAME = "labtarget.portauth.test"
# port -> what it shows (the profile decides the expected state and reason)
PORTS = {22: "open", 113: "closed by RST", 5000: "closed by ICMP port-unreachable",
         6000: "closed by ICMP admin-prohibited", 23: "stealth"}
MEANING = {
    "open": "a service at this address accepts connections",
    "closed": "the host answered: it exists",
    "stealth": "There is no evidence that anything exists at this address.",
}
BAD = [
    ("port over 65535", [T, "65536"], "65536"),
    ("port not a number", [T, "abc"], "abc"),
    ("a port list", [T, "22,80"], re.escape("22,80")),
    ("a port range", [T, "1-5"], re.escape("1-5")),
    ("bad address", ["1.2.3.256", "22"], re.escape("1.2.3.256")),
    ("more than one host", ["198.18.0.0/30", "22"], "one host"),
]


def fields(stdout):
    """The 'Label:   value' lines at the top of the report, as a dict."""
    out = {}
    for line in stdout.splitlines():
        m = re.match(r"^(Host|Port|State|Reason|TTL|Probes): +(.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def flat(text):
    return " ".join(text.split())


def check_probe(lab, binary, host, port, want_state, want_reason, want_host):
    problems = []
    argv = [binary, "probe", host, str(port), *ALLOW, "--wait", "0.5"]
    proc = lab.run(argv, timeout=60)
    what = f"probe {host} {port}"
    if proc.returncode != 0:
        return [f"{what}: {lablib.describe(proc)}"]
    f = fields(proc.stdout)
    want = {"Host": want_host, "State": want_state, "Reason": want_reason,
            "TTL": "- (nothing came back)" if want_state == "stealth" else str(lablib.ANSWERED_TTL)}
    for key, value in want.items():
        if f.get(key) != value:
            problems.append(f"{what}: {key} {f.get(key)!r}, want {value!r}")
    if not re.match(rf"^{port}/tcp( \(.+\))?$", f.get("Port", "")):
        problems.append(f"{what}: Port {f.get('Port')!r}")
    # Retries included: a stealth port was asked three times (1 + --retries 2), an answer stops it.
    want_probes = "3 SYNs sent" if want_state == "stealth" else "1 SYN sent"
    if f.get("Probes") != want_probes:
        problems.append(f"{what}: Probes {f.get('Probes')!r}, want {want_probes!r}")
    if MEANING[want_state] not in flat(proc.stdout):
        problems.append(f"{what}: the {want_state} meaning is missing: {proc.stdout[:600]!r}")
    page = subprocess.run([binary, "lookup", str(port)], capture_output=True, text=True, timeout=30)
    if page.returncode != 0 or not proc.stdout.endswith("\n" + page.stdout):
        problems.append(f"{what}: the report does not end with the port's page (portauth lookup {port})")
    lablib.log(f"  {what}: {f.get('State')}/{f.get('Reason')} ttl {f.get('TTL')}, {f.get('Probes')}")
    return problems


def check_bad_input(lab, binary):
    problems = []
    # Control: the counter does see a probe that is allowed to go out.
    with lablib.PacketCounter(lab.scan_ns) as counter:
        lab.run([binary, "probe", T, "22", *ALLOW, "--wait", "0.2"], timeout=30)
    if counter.result()["count"] == 0:
        problems.append("control: a valid probe put no packet on the wire: the counter sees nothing")
    for what, args, stderr_re in BAD:
        with lablib.PacketCounter(lab.scan_ns) as counter:
            proc = lab.run([binary, "probe", *args, *ALLOW], timeout=30)
        packets = counter.result()
        if proc.returncode != 1:
            problems.append(f"bad input ({what}): exit {proc.returncode}, want 1")
        if not re.search(stderr_re, proc.stderr, re.IGNORECASE):
            problems.append(f"bad input ({what}): stderr does not match /{stderr_re}/: {proc.stderr.strip()[:200]!r}")
        if packets["count"] != 0:
            problems.append(f"bad input ({what}): {packets['count']} packet(s) on the wire: {packets['samples']}")
        lablib.log(f"  bad input ({what}): exit {proc.returncode}, {packets['count']} packets, "
                   f"stderr {proc.stderr.strip().splitlines()[:1]}")
    return problems


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    failed = 0
    with lablib.Lab(args.repo) as lab:
        profile = lablib.Profile(lab.profile_path)
        problems = []
        for port, what in PORTS.items():
            state, reason = profile.expected(T, port)
            lablib.log(f"port {port} ({what}): want {state}/{reason}")
            problems += check_probe(lab, args.binary, T, port, state, reason, T)
        failed |= lablib.report("probe reports state, reason, TTL, meaning and page as profiled", problems)

        # A host name, resolved inside the scanner namespace only.
        etc_dir = f"/etc/netns/{lab.scan_ns}"
        made_parent = not os.path.exists("/etc/netns")
        os.makedirs(etc_dir, exist_ok=True)
        try:
            with open(os.path.join(etc_dir, "hosts"), "w") as f:
                f.write(f"127.0.0.1 localhost\n{T} {HOST_NAME}\n")
            state, reason = profile.expected(T, 22)
            problems = check_probe(lab, args.binary, HOST_NAME, 22, state, reason, f"{HOST_NAME} ({T})")
        finally:
            shutil.rmtree(etc_dir, ignore_errors=True)
            if made_parent:
                shutil.rmtree("/etc/netns", ignore_errors=True)
        failed |= lablib.report("probe takes a host name", problems)

        failed |= lablib.report("probe refuses bad input with exit 1 and sends nothing",
                                check_bad_input(lab, args.binary))
    return failed


if __name__ == "__main__":
    sys.exit(main())
