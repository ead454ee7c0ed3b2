#!/usr/bin/env python3
"""UDP scans (-sU) of real daemons with Linux's default ICMP limits (scripts/daemon_lab.sh, read
through tests/integration/lab_daemons.py): dnsmasq, chronyd, snmpd and memcached -U answer;
69, 137 and 1900 are dropped by nftables; 514 is refused with ICMP administratively prohibited;
every other port is closed, and the target sends at most one ICMP error a second after a burst
of 6 (net.ipv4.icmp_ratelimit 1000).

1. Default -sU over every UDP port of the table and 12 closed ones, every output at once:
   * every open daemon port is open (udp-response) and its reply explained as its service
     answers ("DNS answered", "NTP answered: server mode", "SNMP answered with community public:
     sysDescr", "memcached answered over UDP"), memcached's amplification measured (>= 10x,
     named in reply_risk);
   * no port is open without a reply, nor closed or filtered without the ICMP error the profile
     says; what the limit withheld is open|filtered;
   * the summary JSON names the target as limiting its ICMP errors, at 0.8-1.2 s per error;
   * the scan takes under 5 s; JSONL says "proto": "udp"; the XML is valid against nmap's DTD;
     the grepable and text reports say /udp.
2. --wait-unreachable over the same ports: every port classified exactly (closed, filtered,
   open|filtered only for the dropped ones), in at most 1.3x the physical minimum (the ICMP
   errors the target must send, less its burst, at the rate measured), plus the one error spent
   measuring the rate and 2 s of fixed costs (passes, silent ports). Then the same scan
   interrupted (SIGINT) after 3 s and finished with --resume (the file carries
   --wait-unreachable): the two runs together classify every port exactly.
3. `nmap -sU -Pn -n --reason` over the same ports: where nmap is sure of a port (open, closed,
   filtered), portauth's exact result (2) says the same; ndiff reads nmap's XML and portauth's.
4. TCP and UDP in one scan (-sS -sU -p T:53,11211,U:53,123): each protocol's ports as the daemons
   serve them, /tcp and /udp in the grepable report; over IPv6, every UDP daemon port open.
5. Two shards of a default -sU scan with manifests: portauth merge writes XML valid against the
   DTD and JSONL with every (port, proto) once, the open ones among them.
Exit 0 pass, 1 fail, 77 skipped (not root, no namespaces, no daemon lab: lab_daemons.py comes
with scripts/daemon_lab.sh; nmap, ndiff, xmllint missing: scripts/setup.sh installs them).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

try:
    from lab_daemons import DaemonLab  # noqa: E402
except ImportError:
    DaemonLab = None

NMAP_DTD = "/usr/share/nmap/nmap.dtd"
CLOSED = list(range(20, 32))  # closed on the daemon target: nothing listens, nothing filters
REPLY_WORDS = {"domain": "DNS answered", "ntp": "NTP answered: server mode", "snmp":
               "SNMP answered with community public: sysDescr", "memcached": "memcached answered over UDP"}


def expected_udp(lab):
    """port -> (exact state, reason) from the table; CLOSED ports are closed."""
    want = {}
    for s in lab.services:
        if s.proto != "udp":
            continue
        if s.open:
            want[s.port] = ("open", "udp-response")
        elif s.role == "drop":
            want[s.port] = ("open|filtered", "no-response")
        elif s.role == "reject-admin":
            want[s.port] = ("filtered", "icmp-admin-prohibited")
    for p in CLOSED:
        want[p] = ("closed", "icmp-port-unreach")
    return want


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def by_port(records, proto="udp"):
    out = {}
    for r in records:
        if r["proto"] == proto:
            out.setdefault(r["port"], []).append(r)
    return out


def check_default(lab, tmp, binary, want, problems):
    ports = ",".join(map(str, sorted(want)))
    base = os.path.join(tmp, "default")
    t0 = time.monotonic()
    r = lab.run([binary, "scan", lab.target_ip, "-sU", "-p", ports, "--show", "all", "--no-progress",
                 "--user", "root", "-oJ", base + ".jsonl", "-oX", base + ".xml", "-oG", base + ".gnmap",
                 "-oN", base + ".txt", "--summary-json", base + ".summary"])
    took = time.monotonic() - t0
    if r.returncode != 0:
        problems.append("default -sU scan: " + lablib.describe(r))
        return
    got = by_port(read_jsonl(base + ".jsonl"))
    for port, (state, reason) in sorted(want.items()):
        rows = got.get(port, [])
        if len(rows) != 1:
            problems.append(f"default: {port}/udp reported {len(rows)} times")
            continue
        row = rows[0]
        if state == "open":
            if (row["state"], row["reason"]) != ("open", "udp-response"):
                problems.append(f"default: {port}/udp {row['state']}/{row['reason']}, the daemon answers")
            service = next(s.name for s in lab.services if s.port == port and s.proto == "udp")
            if REPLY_WORDS.get(service, "") not in (row.get("reply") or ""):
                problems.append(f"default: {port}/udp reply {row.get('reply')!r} does not say {REPLY_WORDS.get(service)!r}")
            if service == "memcached" and not ((row.get("amplification") or 0) >= 10 and
                                               "amplification" in (row.get("reply_risk") or "")):
                problems.append(f"default: memcached amplification {row.get('amplification')} / {row.get('reply_risk')}")
        elif (row["state"], row["reason"]) not in ((state, reason), ("open|filtered", "no-response")):
            problems.append(f"default: {port}/udp {row['state']}/{row['reason']}: must be {state}/{reason} "
                            "or open|filtered (a withheld error)")
    with open(base + ".summary") as f:
        summary = json.loads(f.readline())
    limited = summary.get("udp", {}).get("icmp_limited", [])
    if len(limited) != 1 or limited[0]["ip"] != lab.target_ip:
        problems.append(f"default: summary names {limited} as limiting ICMP errors, not {lab.target_ip}")
    elif not 0.8 <= (limited[0]["seconds_per_error"] or 0) <= 1.2:
        problems.append(f"default: measured {limited[0]['seconds_per_error']} s per ICMP error, Linux grants 1")
    if took > 5:
        problems.append(f"default: took {took:.1f} s (open ports come at once; the limit is measured in ~1 s)")
    check_xml(base + ".xml", problems, "default")
    gnmap = open(base + ".gnmap").read()
    if not re.search(r"\b53/open/udp//", gnmap) or "/tcp/" in gnmap:
        problems.append("default: the grepable report does not list 53/open/udp (or lists tcp)")
    if "53/udp    open" not in open(base + ".txt").read():
        problems.append("default: the text report has no '53/udp    open' row")
    lablib.log(f"default -sU: {took:.2f} s, {sum(len(v) for v in got.values())} ports, "
               f"{limited[0]['seconds_per_error'] if limited else '?'} s per ICMP error")


def check_xml(path, problems, what):
    r = subprocess.run(["xmllint", "--noout", "--dtdvalid", NMAP_DTD, path], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append(f"{what}: XML not valid against nmap's DTD: {r.stderr[-800:]}")


def xml_states(path):
    """(port, proto) -> state from nmap XML, extraports expanded."""
    out = {}
    for port in ET.parse(path).getroot().iter("port"):
        out[(int(port.get("portid")), port.get("protocol"))] = port.find("state").get("state")
    for extra in ET.parse(path).getroot().iter("extraports"):
        for reason in extra.iter("extrareasons"):
            for item in reason.get("ports", "").split(","):
                if not item:
                    continue
                lo, _, hi = item.partition("-")
                for p in range(int(lo), int(hi or lo) + 1):
                    out[(p, reason.get("proto"))] = extra.get("state")
    return out


def classified_exactly(path, want, problems, what):
    got = by_port(read_jsonl(path))
    for port, (state, reason) in sorted(want.items()):
        rows = got.get(port, [])
        if len(rows) != 1 or (rows[0]["state"], rows[0]["reason"]) != (state, reason):
            problems.append(f"{what}: {port}/udp {[(x['state'], x['reason']) for x in rows]}, want {state}/{reason}")


def check_wait(lab, tmp, binary, want, problems):
    """--wait-unreachable: exact, within 1.3x the physical minimum."""
    ports = ",".join(map(str, sorted(want)))
    base = os.path.join(tmp, "wait")
    time.sleep(7)  # the target's bucket refills (6 tokens at 1 a second) after the last scan
    t0 = time.monotonic()
    r = lab.run([binary, "scan", lab.target_ip, "-sU", "-p", ports, "--wait-unreachable", "--show", "all",
                 "--no-progress", "--user", "root", "-oJ", base + ".jsonl", "-oX", base + ".xml",
                 "--summary-json", base + ".summary"], timeout=300)
    took = time.monotonic() - t0
    if r.returncode != 0:
        problems.append("--wait-unreachable: " + lablib.describe(r))
        return None
    classified_exactly(base + ".jsonl", want, problems, "--wait-unreachable")
    with open(base + ".summary") as f:
        summary = json.loads(f.readline())
    limited = summary.get("udp", {}).get("icmp_limited", [])
    period = limited[0]["seconds_per_error"] if limited and limited[0]["seconds_per_error"] else 1.0
    errors = sum(1 for s, _ in want.values() if s in ("closed", "filtered"))
    minimum = (errors - 6) * period
    allowed = 1.3 * minimum + period + 2
    if took > allowed:
        problems.append(f"--wait-unreachable: {took:.1f} s for {errors} ICMP errors at {period:.2f} s each: over "
                        f"1.3x the physical minimum {minimum:.1f} s, one measuring error and 2 s ({allowed:.1f} s)")
    check_xml(base + ".xml", problems, "--wait-unreachable")
    lablib.log(f"--wait-unreachable: {took:.1f} s for {errors} errors, physical minimum {minimum:.1f} s "
               f"({took / max(minimum, 0.1):.2f}x)")
    return base + ".jsonl"


def check_resume(lab, tmp, binary, want, problems):
    """--wait-unreachable interrupted after 3 s and finished with --resume: exact together."""
    ports = ",".join(map(str, sorted(want)))
    base = os.path.join(tmp, "resume")
    resume = base + ".yaml"
    argv = [binary, "scan", lab.target_ip, "-sU", "-p", ports, "--wait-unreachable", "--show", "all",
            "--no-progress", "--user", "root", "-oJ", base + ".jsonl", "--resume-file", resume]
    p = subprocess.Popen(["ip", "netns", "exec", lab.scan_ns, *argv], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    if p.returncode != 0 or not os.path.exists(resume):
        problems.append(f"resume: the interrupted run exited {p.returncode} without a resume file: {err[-800:]}")
        return
    if "wait_unreachable: true" not in open(resume).read():
        problems.append("resume: the resume file does not carry --wait-unreachable")
    r = lab.run([binary, "scan", "--resume", resume, "--no-progress", "--user", "root"], timeout=300)
    if r.returncode != 0:
        problems.append("resume: resumed run: " + lablib.describe(r))
        return
    classified_exactly(base + ".jsonl", want, problems, "interrupted and resumed")


def check_nmap(lab, tmp, want, ours_jsonl, problems):
    """nmap's sure states against portauth's exact scan (its JSONL: the interrupted run and the
    resumed one together; each run's XML reports the ports it saw)."""
    if ours_jsonl is None:
        return
    ports = ",".join(map(str, sorted(want)))
    nmap_xml = os.path.join(tmp, "nmap.xml")
    time.sleep(7)
    r = lab.run(["nmap", "-sU", "-Pn", "-n", "--reason", "-p", ports, "-oX", nmap_xml, lab.target_ip], timeout=600)
    if r.returncode != 0:
        problems.append("nmap -sU: " + lablib.describe(r))
        return
    theirs = xml_states(nmap_xml)
    ours = {(x["port"], x["proto"]): x["state"] for x in read_jsonl(ours_jsonl)}
    sure = ("open", "closed", "filtered")
    compared = 0
    for key, state in sorted(theirs.items()):
        if state in sure:
            compared += 1
            if ours.get(key) != state:
                problems.append(f"nmap says {key[0]}/{key[1]} {state}, portauth {ours.get(key)}")
    d = subprocess.run(["ndiff", nmap_xml, os.path.join(tmp, "default.xml")], capture_output=True, text=True)
    if d.returncode not in (0, 1):
        problems.append(f"ndiff could not read the files: {d.stderr[-500:]}")
    lablib.log(f"nmap -sU: {compared} ports nmap is sure of, all the same in portauth's exact scan")


def check_mixed_and_ipv6(lab, tmp, binary, problems):
    base = os.path.join(tmp, "mixed")
    r = lab.run([binary, "scan", lab.target_ip, "-sS", "-sU", "-p", "T:53,11211,U:53,123", "--show", "all",
                 "--no-progress", "--user", "root", "-oJ", base + ".jsonl", "-oG", base + ".gnmap"])
    if r.returncode != 0:
        problems.append("-sS -sU: " + lablib.describe(r))
    else:
        rows = {(x["port"], x["proto"]): x["state"] for x in read_jsonl(base + ".jsonl")}
        want = {(53, "tcp"): "open", (11211, "tcp"): "open", (53, "udp"): "open", (123, "udp"): "open"}
        if rows != want:
            problems.append(f"-sS -sU: {rows}, want {want}")
        g = open(base + ".gnmap").read()
        for item in ("53/open/tcp//", "11211/open/tcp//", "53/open/udp//", "123/open/udp//"):
            if item not in g:
                problems.append(f"-sS -sU: grepable lacks {item}")
    r = lab.run([binary, "scan", lab.target_ip6, "-sU", "-p", ",".join(map(str, lab.udp_open())), "--no-progress",
                 "--user", "root", "-oJ", base + "6.jsonl"])
    if r.returncode != 0:
        problems.append("-sU over IPv6: " + lablib.describe(r))
    else:
        got = sorted(x["port"] for x in read_jsonl(base + "6.jsonl") if x["state"] == "open" and x["proto"] == "udp")
        if got != lab.udp_open():
            problems.append(f"-sU over IPv6: open {got}, want {lab.udp_open()}")


def check_merge(lab, tmp, binary, want, problems):
    ports = ",".join(map(str, sorted(want)))
    manifests = []
    for i in (1, 2):
        base = os.path.join(tmp, f"shard{i}")
        r = lab.run([binary, "scan", lab.target_ip, "-sU", "-p", ports, "--seed", "7", "--shard", f"{i}/2",
                     "--show", "all", "--no-progress", "--user", "root", "-oJ", base + ".jsonl",
                     "--manifest", base + ".manifest.json"])
        if r.returncode != 0:
            problems.append(f"shard {i}/2: " + lablib.describe(r))
            return
        manifests.append(base + ".manifest.json")
    out = os.path.join(tmp, "merged")
    # merge sends nothing, but every run of the binary stays inside the lab's namespace.
    r = lab.run([binary, "merge", *manifests, "-oX", out + ".xml", "-oJ", out + ".jsonl"], timeout=60)
    if r.returncode != 0:
        problems.append("merge: " + lablib.describe(r))
        return
    check_xml(out + ".xml", problems, "merge")
    rows = read_jsonl(out + ".jsonl")
    keys = [(x["port"], x["proto"]) for x in rows]
    if sorted(keys) != sorted((p, "udp") for p in want):
        problems.append(f"merge: {len(keys)} rows, not each of the {len(want)} UDP ports once")
    opened = sorted(x["port"] for x in rows if x["state"] == "open")
    if opened != lab.udp_open():
        problems.append(f"merge: open {opened}, want {lab.udp_open()}")


def main():
    args = lablib.parse_args(__doc__)
    lablib.require_lab_support()
    if DaemonLab is None:
        lablib.log("SKIP: needs the daemon lab (tests/integration/lab_daemons.py and scripts/daemon_lab.sh)")
        return lablib.SKIP
    for tool in ("nmap", "ndiff", "xmllint"):
        if shutil.which(tool) is None:
            lablib.log(f"SKIP: {tool} not installed (scripts/setup.sh installs it)")
            return lablib.SKIP
    problems = []
    with DaemonLab(args.repo) as lab, tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        want = expected_udp(lab)
        check_default(lab, tmp, args.binary, want, problems)
        ours = check_wait(lab, tmp, args.binary, want, problems)
        check_resume(lab, tmp, args.binary, want, problems)
        check_nmap(lab, tmp, want, ours, problems)
        check_mixed_and_ipv6(lab, tmp, args.binary, problems)
        check_merge(lab, tmp, args.binary, want, problems)
    return lablib.report("UDP scans of real daemons with Linux's ICMP limits", problems)


if __name__ == "__main__":
    sys.exit(main())
