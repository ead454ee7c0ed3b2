#!/usr/bin/env python3
"""Scores one scanner run of the throughput race (scripts/bench_pps.sh) against the lab's ground truth.

    bench_score.py --tool portauth|nmap|masscan|zmap --output FILE [--output FILE ...]
                   --targets SPEC --ports SPEC [--profile tests/lab/profile.conf]

Reads the tool's own output format (portauth --show all as JSONL or CSV, nmap XML with --reason, masscan -oL
with --show closed, ZMap -O json with saddr, sport, classification), maps it onto portauth's three states and
prints one JSON object: how many probes, the open ports found and missed, false opens, open recall,
and the three-state agreement with tests/lab/profile.conf (through tests/integration/lablib.py's
Profile). Vocabulary: nmap's "filtered" with an ICMP reason is portauth's "closed" (the host
answered); a port a tool does not report is "stealth" for it (masscan and ZMap only report answers,
and do not read ICMP errors). Standard library only.
"""
import argparse
import collections
import csv
import ipaddress
import json
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import lablib  # noqa: E402

# The --anyip16 block of scripts/netlab.sh: answers like the host, no per-address profile lines.
ANYIP16 = ipaddress.ip_network("198.19.0.0/16")


class RaceProfile(lablib.Profile):
    """lablib's ground truth, plus the /16 that netlab.sh --anyip16 adds."""

    def answers(self, addr):
        return ipaddress.ip_address(addr) in ANYIP16 or super().answers(addr)


def load_profile(path):
    """The profile; lines this lablib does not know (e.g. 'ping drop ...', not about TCP) are dropped."""
    try:
        return RaceProfile(path)
    except ValueError:
        with open(path) as f:
            kept = [l for l in f if l.split("#", 1)[0].split()[:1] not in (["ping"],)]
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as tmp:
            tmp.writelines(kept)
        try:
            return RaceProfile(tmp.name)
        finally:
            os.unlink(tmp.name)


def read_portauth(path, states):
    if path.endswith(".csv"):  # --format csv: ip,port,proto,state,...
        with open(path, newline="") as f:
            for rec in csv.DictReader(f):
                states[(rec["ip"], int(rec["port"]))] = rec["state"]
        return
    for rec in lablib.read_jsonl(path)[0]:
        states[(rec["ip"], rec["port"])] = rec["state"]


def read_nmap(path, states):
    def state_of(state, reason):
        if state in ("open", "closed"):
            return state
        return "stealth" if reason in ("no-response", "") else "closed"  # filtered by an ICMP error
    for host in ET.parse(path).getroot().iter("host"):
        addr = host.find("address").get("addr")
        for port in host.iter("port"):
            st = port.find("state")
            states[(addr, int(port.get("portid")))] = state_of(st.get("state"), st.get("reason", ""))
        for extra in host.iter("extraports"):
            for why in extra.iter("extrareasons"):
                for p in lablib.parse_ports(why.get("ports")):
                    states[(addr, p)] = state_of(extra.get("state"), why.get("reason"))


def read_masscan(path, states):
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 4 and fields[0] in ("open", "closed") and fields[1] == "tcp":
                key = (fields[3], int(fields[2]))
                if states.get(key) != "open":  # a late RST never hides an open answer
                    states[key] = fields[0]


def read_zmap(path, states):
    """ZMap -O json with fields saddr, sport, classification (synack | rst)."""
    with open(path) as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("classification") not in ("synack", "rst"):
                continue
            key = (rec["saddr"], int(rec["sport"]))
            if states.get(key) != "open":
                states[key] = "open" if rec["classification"] == "synack" else "closed"


READERS = {"portauth": read_portauth, "nmap": read_nmap, "masscan": read_masscan, "zmap": read_zmap}


def score(tool, outputs, addrs, ports, profile):
    states = {}
    for path in outputs:
        if os.path.exists(path):
            READERS[tool](path, states)
    truth_cache = {}

    def truth(addr, port):
        # Addresses of the /16 share one answer per port (no profile line names them).
        key = ("anyip16", port) if addr.startswith("198.19.") else (addr, port)
        if key not in truth_cache:
            truth_cache[key] = profile.expected(addr, port)[0]
        return truth_cache[key]

    tally = collections.Counter()
    for a in addrs:
        for p in ports:
            want = truth(a, p)
            got = states.get((a, p), "stealth")
            tally["probes"] += 1
            tally["agree"] += got == want
            tally[f"truth_{want}"] += 1
            if want == "open":
                tally["open_found" if got == "open" else "open_missed"] += 1
            elif got == "open":
                tally["false_open"] += 1
            if got != "stealth":
                tally["answered"] += 1
    scanned = set(addrs)
    extra = sum(1 for a, p in states if a not in scanned or p not in ports)
    open_truth = tally["truth_open"]
    return {
        "tool": tool,
        "probes": tally["probes"],
        "open_truth": open_truth,
        "open_found": tally["open_found"],
        "open_missed": tally["open_missed"],
        "false_open": tally["false_open"],
        "answered": tally["answered"],
        "reported_outside_scan": extra,
        "open_recall": tally["open_found"] / open_truth if open_truth else 1.0,
        "agreement": tally["agree"] / tally["probes"] if tally["probes"] else 0.0,
        "truth": {s: tally[f"truth_{s}"] for s in ("open", "closed", "stealth")},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", required=True, choices=sorted(READERS))
    ap.add_argument("--output", action="append", required=True, help="the tool's output file (repeatable)")
    ap.add_argument("--targets", required=True, help="the scanned addresses, lablib spelling")
    ap.add_argument("--ports", required=True, help="the scanned ports")
    ap.add_argument("--profile", default=os.path.join(REPO, "tests", "lab", "profile.conf"))
    args = ap.parse_args()
    result = score(args.tool, args.output, lablib.expand_addrs(args.targets), set(lablib.parse_ports(args.ports)),
                   load_profile(args.profile))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
