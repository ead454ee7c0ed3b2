#!/usr/bin/env python3
"""The command line as nmap users type it scans the lab: no --allow, nmap's habits, options anywhere.

Each scan runs in the lab's scanner namespace against lab addresses named explicitly (inside
198.18.0.0/15, which the target policy scans as asked, without --allow). Pass:
  * nmap's line `scan -sS -Pn -n -T4 -p- --open -oA BASE 198.18.0.2` (plus --max-rate 20000, which
    an explicit option may set over -T4, to load the lab as the full-scan test does) exits 0 and
    writes BASE.xml, BASE.gnmap and BASE.nmap, each with exactly the profile's open ports;
  * options before, between and after the targets (`--exclude A -p 22,80 198.18.1.0/29 --show all
    -oJ OUT`) give exactly the profiled states of the named addresses minus the excluded one;
  * without -p the default port set is scanned (0-1055 and every ranked port above it), and the
    summary says so.
Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

T = lablib.TARGET_IP


def nmap_line(args, lab, tmp, profile):
    base = os.path.join(tmp, "out")
    argv = [args.binary, "scan", "-sS", "-Pn", "-n", "-T4", "-p-", "--open", "-oA", base, T,
            "--max-rate", "20000"]
    lablib.log("running: " + " ".join(argv))
    proc = lab.run(argv, timeout=240)
    if proc.returncode != 0:
        return [f"nmap line: {lablib.describe(proc)}"]
    want = {p for p in range(65536) if profile.expected(T, p)[0] == "open"}
    problems = []
    try:
        root = ET.parse(base + ".xml").getroot()
        xml_open = {int(p.get("portid")) for p in root.iter("port") if p.find("state").get("state") == "open"}
        if xml_open != want:
            problems.append(f"out.xml open ports {sorted(xml_open)[:20]}, want {sorted(want)[:20]}")
    except (OSError, ET.ParseError) as e:
        problems.append(f"out.xml: {e}")
    try:
        with open(base + ".gnmap") as f:
            lines = [line for line in f if line.startswith("Host: ") and "\tPorts: " in line]
        ports = lines[0].split("\tPorts: ", 1)[1].split("\t", 1)[0].split(", ") if lines else []
        gnmap_open = {int(p.split("/")[0]) for p in ports if p.split("/")[1:2] == ["open"]}
        if gnmap_open != want:
            problems.append(f"out.gnmap open ports {sorted(gnmap_open)[:20]}, want {sorted(want)[:20]}")
    except (OSError, ValueError, IndexError) as e:
        problems.append(f"out.gnmap: {e}")
    try:
        with open(base + ".nmap") as f:
            text = f.read()
        for p in want:
            if f"{p}/tcp" not in text and f" {p} " not in text:
                problems.append(f"out.nmap does not list open port {p}")
    except OSError as e:
        problems.append(f"out.nmap: {e}")
    lablib.log(f"nmap line: {len(want)} open ports expected; problems: {len(problems)}")
    return problems


def options_anywhere(args, lab, tmp, profile):
    out = os.path.join(tmp, "anywhere.jsonl")
    argv = [args.binary, "scan", "--exclude", "198.18.1.5", "-p", "22,80", "198.18.1.0/29", "--show", "all",
            "-oJ", out, "--rate", "20000"]
    lablib.log("running: " + " ".join(argv))
    proc = lab.run(argv, timeout=120)
    if proc.returncode != 0:
        return [f"options anywhere: {lablib.describe(proc)}"]
    records, problems = lablib.read_jsonl(out)
    addrs = [f"198.18.1.{i}" for i in range(8) if i != 5]
    return problems + lablib.check_scan(records, addrs, [22, 80], profile.expected)


def default_ports(args, lab, tmp, profile):
    out = os.path.join(tmp, "default.jsonl")
    argv = [args.binary, "scan", T, "--show", "all", "-oJ", out, "--rate", "20000"]
    lablib.log("running: " + " ".join(argv))
    proc = lab.run(argv, timeout=120)
    if proc.returncode != 0:
        return [f"default ports: {lablib.describe(proc)}"]
    records, problems = lablib.read_jsonl(out)
    ports = sorted({r.get("port") for r in records})
    if ports[:1056] != list(range(1056)) or len(ports) <= 1056:
        problems.append(f"default set: {len(ports)} ports, want 0-1055 and ranked ports above")
    problems += lablib.check_scan(records, [T], ports, profile.expected)
    if "portauth: ports: the default port set" not in proc.stderr:
        problems.append(f"the summary does not say which port set: {proc.stderr[-400:]!r}")
    return problems


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    with tempfile.TemporaryDirectory(prefix="portauth-cli-") as tmp, lablib.Lab(args.repo) as lab:
        profile = lablib.Profile(lab.profile_path)
        problems = nmap_line(args, lab, tmp, profile)
        problems += options_anywhere(args, lab, tmp, profile)
        problems += default_ports(args, lab, tmp, profile)
    return lablib.report("nmap's command line scans lab addresses named without --allow", problems)


if __name__ == "__main__":
    sys.exit(main())
