#!/usr/bin/env python3
"""The command line as nmap users type it scans the lab: no --allow, nmap's habits, options anywhere.

Each scan runs in the lab's scanner namespace against lab addresses named explicitly (inside
198.18.0.0/15, which the target policy scans as asked, without --allow). Pass:
  * nmap's line `scan -sS -Pn -n -T4 -p- --open -oA BASE 198.18.0.2` (plus --max-rate 20000, which
    an explicit option may set over -T4, to load the lab as the full-scan test does) exits 0 and
    writes BASE.xml, BASE.gnmap and BASE.nmap, each with exactly the profile's open ports, and shows
    the same report on standard output, as nmap does (issue 19.11): once with `-oN -` (standard
    output is then one of the outputs), not at all with `-o FILE` ("instead of standard output");
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
    problems += report_ports(proc.stdout, want, "nmap line: standard output")
    lablib.log(f"nmap line: {len(want)} open ports expected; problems: {len(problems)}")
    return problems


def report_ports(text, want, where):
    """Problems unless `text` is one text report listing exactly the open ports `want`."""
    if text.count(f"portauth scan report for {T}") != 1:
        return [f"{where}: not one text report for {T}: {text[:300]!r}"]
    shown = {int(line.split("/", 1)[0]) for line in text.splitlines()
             if "/tcp" in line and line.split()[1:2] == ["open"]}
    return [] if shown == want else [f"{where}: open ports {sorted(shown)}, want {sorted(want)}"]


def report_on_stdout(args, lab, tmp, profile):
    """-oN - puts the report on standard output once; -o FILE takes it off standard output."""
    ports = "20-30,80,443"
    want = {p for p in lablib.parse_ports(ports) if profile.expected(T, p)[0] == "open"}
    base = os.path.join(tmp, "small")
    problems = []
    proc = lab.run([args.binary, "scan", T, "-p", ports, "-oA", base, "-oN", "-"], timeout=60)
    if proc.returncode != 0:
        return [f"-oA with -oN -: {lablib.describe(proc)}"]
    problems += report_ports(proc.stdout, want, "-oA BASE -oN -: standard output")
    proc = lab.run([args.binary, "scan", T, "-p", ports, "-oA", base, "-o", os.path.join(tmp, "o.txt")], timeout=60)
    if proc.returncode != 0 or proc.stdout:
        problems.append(f"-oA BASE -o FILE: exit {proc.returncode}, standard output {proc.stdout[:200]!r}, want none")
    with open(os.path.join(tmp, "o.txt")) as f:
        problems += report_ports(f.read(), want, "-o FILE")
    lablib.log(f"report on standard output: -oN - once, -o FILE none; problems: {len(problems)}")
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
        problems += report_on_stdout(args, lab, tmp, profile)
        problems += options_anywhere(args, lab, tmp, profile)
        problems += default_ports(args, lab, tmp, profile)
    return lablib.report("nmap's command line scans lab addresses named without --allow", problems)


if __name__ == "__main__":
    sys.exit(main())
