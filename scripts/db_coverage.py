#!/usr/bin/env python3
"""Coverage figures of the port database (issue 13), printed from the real data.

Reads db/data/ports.yaml through portauth's own loader (portauth_dbgen --json, so every
figure is of a database that passed validation), the IANA registry Debian ships
(/usr/share/wireshark/services, package libwireshark-data) and /etc/services.

  scripts/db_coverage.py [--build DIR] [--db FILE] [--iana FILE]

Figures: entries and ports covered; full pages; words on the 26 ShieldsUP common pages;
what every TCP port 0-65535 is answered from (our page, IANA, /etc/services, nothing);
the issue's port lists; UDP-only entries. Exits 1 if a target of the issue is not met.
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SHIELDSUP_COMMON = [0, 21, 22, 23, 25, 79, 80, 110, 113, 119, 135, 139, 143, 389, 443, 445,
                    1002, 1024, 1025, 1026, 1027, 1028, 1029, 1030, 1720, 5000]
# The lists: ports users find open with no entry, and with a name only.
NO_ENTRY = [5353, 32400, 51820, 500, 4500, 1701, 2179, 5040] + list(range(49664, 49671)) + [
    22000, 8384, 8007, 3001, 3100, 4317, 4318, 9411, 16686, 7077, 4040, 8096, 8920, 8112,
    51413, 7878, 8989, 6556, 5351, 8098, 19132, 9993, 41641, 5433, 6380, 8022]
NAME_ONLY = [8006, 8123, 8883, 9443, 10255, 2380, 8086, 7002, 4848, 8200, 8500, 8300, 25672,
             1099, 61616, 8161, 8089, 9229, 16992, 16993, 8834, 7474, 7687, 8983, 6432, 3702,
             7680, 2869, 62078, 853, 1935, 9050, 9051, 37777, 34567, 8728, 19999, 7070]
UDP_ONLY = [123, 500, 4500, 1701, 5353, 51820, 1194]
# Prose of a page, in page order.
PROSE = ["description", "security", "if_open", "history", "background", "trojan_notes"]
TARGET_FULL_PAGES = 600
TARGET_COMMON_WORDS = 350


def words(text):
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'./+-]*", text))


def page_words(entry):
    return sum(words(entry[k]) for k in PROSE)


def is_full(entry):
    """The issue's measure: a description and further text of real length."""
    rest = " ".join(entry[k] for k in PROSE[1:])
    return len(entry["description"]) > 80 and len(rest) > 80


def services_file(path, want_proto="tcp"):
    """services(5) with merged protocols ("64/tcp/udp"); first line for a port wins."""
    named = {}
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2 or "/" not in fields[1]:
            continue
        ports, *protos = fields[1].split("/")
        if want_proto not in protos:
            continue
        first, _, last = ports.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            continue
        for port in range(int(first), int(last or first) + 1):
            named.setdefault(port, fields[0])
    return named


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--db", default=os.path.join(ROOT, "db/data/ports.yaml"))
    parser.add_argument("--iana", default="/usr/share/wireshark/services")
    args = parser.parse_args()

    dbgen = os.path.join(args.build, "db/portauth_dbgen")
    if not os.access(dbgen, os.X_OK):
        sys.exit(f"db_coverage: {dbgen} not found; build it first "
                 "(cmake --build build --target portauth_dbgen)")
    run = subprocess.run([dbgen, "--json", args.db], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(run.stderr.strip())
    db = json.loads(run.stdout)
    entries = db["entries"]

    covered = {"tcp": {}, "udp": {}}
    for entry in entries:
        for port in range(entry["first"], entry["last"] + 1):
            covered[entry["proto"]][port] = entry
    either = set(covered["tcp"]) | set(covered["udp"])
    full = [e for e in entries if is_full(e)]
    failures = []

    print(f"Port database {args.db} (data_version {db['data_version']}), validated by portauth_dbgen")
    print(f"  entries:                    {len(entries)}")
    print(f"  ports with an entry:        {len(either)} "
          f"(tcp {len(covered['tcp'])}, udp {len(covered['udp'])})")
    print(f"  full pages:                 {len(full)} (description > 80 chars and more text "
          f"> 80 chars; target {TARGET_FULL_PAGES})")
    print(f"  pages of 150+ words:        {sum(1 for e in entries if page_words(e) >= 150)}")
    print(f"  pages with sections:        "
          f"{sum(1 for e in entries if e['security'] and e['if_open'] and e['history'])}")
    print(f"  trojan names:               {len({t for e in entries for t in e['trojans']})} "
          f"({len(db['trojans'])} in the catalog with other spellings)")
    if len(full) < TARGET_FULL_PAGES:
        failures.append(f"{len(full)} full pages < {TARGET_FULL_PAGES}")

    print("\nThe 26 ShieldsUP common ports (words on the page; sections present):")
    common_words = []
    for port in SHIELDSUP_COMMON:
        entry = covered["tcp"].get(port)
        count = page_words(entry) if entry else 0
        sections = [k for k in ("security", "if_open", "history", "trojan_notes")
                    if entry and entry[k]]
        common_words.append(count)
        print(f"  {port:>5}  {count:>4} words  {', '.join(sections) or '-'}")
        if count < TARGET_COMMON_WORDS or len(sections) < 3:
            failures.append(f"port {port}: {count} words, sections {sections}")
    print(f"  min {min(common_words)}, mean {sum(common_words) // len(common_words)}, "
          f"total {sum(common_words)}")

    iana = services_file(args.iana)
    system = services_file("/etc/services") or {}
    print("\nEvery TCP port 0-65535, by where `lookup` answers from:")
    if iana is None:
        print(f"  IANA registry {args.iana} missing (install libwireshark-data)")
        failures.append("IANA registry missing")
        iana = {}
    iana_udp = services_file(args.iana, "udp") or {}
    # The precedence of db/port_page.h, port by port.
    tier_of = []
    for port in range(65536):
        if port in either:
            tier_of.append("portauth")
        elif port in iana or port in iana_udp:
            tier_of.append("iana")
        elif port in system:
            tier_of.append("system")
        else:
            tier_of.append("unassigned")
    tiers = {name: tier_of.count(name) for name in ("portauth", "iana", "system", "unassigned")}
    registered_unnamed = [p for p in iana if tier_of[p] == "unassigned"]
    print(f"  IANA-named TCP ports:       {len(iana)} ({args.iana})")
    print(f"  IANA TCP ports with a page: {sum(1 for p in iana if p in either)}")
    print(f"  answered from our page:     {tiers['portauth']}")
    print(f"  from the IANA registry:     {tiers['iana']}")
    print(f"  from /etc/services:         {tiers['system']}")
    print(f"  truly unassigned:           {tiers['unassigned']} "
          f"({sum(1 for p in range(49152, 65536) if tier_of[p] == 'unassigned')} "
          f"of them in the dynamic range 49152-65535)")
    print(f"  IANA-registered but called unassigned: {len(registered_unnamed)}")

    print("\nThe issue's lists:")
    for title, ports in (("open, no entry before", NO_ENTRY), ("name only before", NAME_ONLY)):
        have = [p for p in ports if p in either]
        full_here = [p for p in ports if p in either and is_full(
            covered["tcp"].get(p) or covered["udp"].get(p))]
        missing = [p for p in ports if p not in either]
        print(f"  {title}: {len(have)}/{len(ports)} have an entry, {len(full_here)} a full page"
              + (f"; missing {missing}" if missing else ""))
        thin = [p for p in ports if p in either and p not in full_here]
        if thin:
            print(f"    not yet full: {thin}")
        if missing or thin:
            failures.append(f"{title}: missing {missing}, thin {thin}")
    udp_ok = [p for p in UDP_ONLY if p in covered["udp"]
              and "scan" in " ".join(covered["udp"][p][k] for k in PROSE).lower()]
    print(f"  UDP-only services with a udp entry that explains scanning: {len(udp_ok)}/{len(UDP_ONLY)}")
    if len(udp_ok) != len(UDP_ONLY):
        failures.append(f"UDP-only entries: {sorted(set(UDP_ONLY) - set(udp_ok))}")

    if failures:
        print("\nNot met yet:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("\nEvery target of issue 13 is met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
