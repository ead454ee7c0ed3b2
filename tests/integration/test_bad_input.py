#!/usr/bin/env python3
"""Refusals send nothing: bad input, never-scanned targets, refused nmap options, and no privileges.

Bad input covers specs and options (CASES) and files (FILE_CASES: scan configurations, port
databases and resume files that are malformed, of the wrong type, deeply nested or huge), each
with the exact message it must print (FILE:LINE:COL where there is one).

Each command runs in the lab's scanner namespace while a raw AF_PACKET counter watches every
interface there. Pass, for each: the exit status wanted (1 for a bad value, non-zero otherwise), a
message on stderr naming the problem, and ZERO packets on the wire. A control first proves the
counter sees a datagram sent into the lab.
Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

ALLOW = ["--allow", "198.18.0.0/15"]
T = lablib.TARGET_IP
NONZERO = "non-zero"
# (what, portauth arguments, exit status wanted, regex stderr must match (case-insensitive))
CASES = [
    ("octet over 255", ["scan", "1.2.3.256", "-p", "80", *ALLOW], 1, re.escape("1.2.3.256")),
    ("prefix over 32", ["scan", "198.18.0.0/33", "-p", "80", *ALLOW], 1, re.escape("198.18.0.0/33")),
    ("reversed address range", ["scan", "198.18.0.9-198.18.0.2", "-p", "80", *ALLOW], 1,
     re.escape("198.18.0.9-198.18.0.2")),
    ("reversed port range", ["scan", T, "-p", "100-1", *ALLOW], 1, re.escape("100-1")),
    ("port over 65535", ["scan", T, "-p", "65536", *ALLOW], 1, "65536"),
    ("empty port list items", ["scan", T, "-p", ",,", *ALLOW], 1, re.escape(",,")),
    ("no targets", ["scan", "-p", "80", *ALLOW], NONZERO, "target"),
    ("rate 0", ["scan", T, "-p", "80", "--rate", "0", *ALLOW], 1, "rate"),
    ("rate abc", ["scan", T, "-p", "80", "--rate", "abc", *ALLOW], 1, "abc"),
    # Issue 12 changed the policy: a lab address named without --allow is scanned as asked
    # (test_cli.py); this row used to expect that refusal. Never-scanned blocks stay refused.
    ("never-scanned target (multicast)", ["scan", "224.0.0.1", "-p", "80"], 1,
     re.escape("224.0.0.0/4 (multicast (RFC 5771); never scanned)")),
    # IPv6 (issue 11): the same clear errors, before anything is sent.
    ("IPv6 with two '::'", ["scan", "2001:2::1::2", "-p", "80"], 1, re.escape("more than one '::'")),
    ("IPv6 prefix over 128", ["scan", "2001:2::/129", "-p", "80"], 1, re.escape("'/129' must be 0-128")),
    ("IPv6 /48 sweep", ["scan", "2001:2::/48", "-p", "80"], 1, re.escape("cannot be swept")),
    ("IPv6 multicast", ["scan", "ff02::1", "-p", "80"], 1, "ff00::/8"),
]
PRIVILEGE_HINT = r"root|cap_net_raw|setcap"

# Files: (what, {file name: content}, portauth arguments, exit wanted, the exact stderr line).
# "{d}" in arguments and messages is the directory the files are written to. Content that is a
# callable is called for the text (big files). Every message names FILE:LINE:COL where there is one.
ALLOW_YAML = "allow: [198.18.0.0/15]\nports: 80\n"
FILE_CASES = [
    ("config: unknown key", {"c.yaml": f"targets: {T}\n{ALLOW_YAML}rtae: 5\n"},
     ["scan", "--config", "{d}/c.yaml"], 1, "portauth: {d}/c.yaml:4:1: unknown key 'rtae' (did you mean 'rate'?)"),
    ("config: wrong type", {"c.yaml": f"targets: {T}\n{ALLOW_YAML}retries: lots\n"},
     ["scan", "--config", "{d}/c.yaml"], 1,
     "portauth: {d}/c.yaml:4:10: 'retries' must be a whole number from 0 to 20, not 'lots'"),
    ("config: bad target in a later scan (the first must not run)",
     {"c.yaml": f"{ALLOW_YAML}scans:\n  - name: first\n    targets: {T}\n  - name: second\n"
                "    targets: 198.18.0.300\n"},
     ["scan", "--config", "{d}/c.yaml"], 1,
     "portauth: scan 'second': bad target '198.18.0.300': octet 4 is 300, must be 0-255"),
    ("config: key given twice", {"c.yaml": f"targets: {T}\n{ALLOW_YAML}rate: 100\nrate: 200\n"},
     ["scan", "--config", "{d}/c.yaml"], 1, "portauth: {d}/c.yaml:5:1: 'rate' is given twice in the same map"),
    ("config: nested 100,000 deep", {"c.yaml": lambda: "targets: " + "[" * 100000 + "]" * 100000 + "\n"},
     ["scan", "--config", "{d}/c.yaml"], 1,
     "portauth: {d}/c.yaml:1:41: YAML nested more than 32 levels deep for a scan configuration"),
    ("config: 8 MB", {"c.yaml": lambda: "targets: [" + "198.18.0.2," * 800000 + "198.18.0.2]\n"},
     ["scan", "--config", "{d}/c.yaml"], 1,
     "portauth: {d}/c.yaml: too large for a scan configuration (8800022 bytes; the limit is 4194304)"),
    ("config: empty target_files name", {"c.yaml": f"targets: {T}\n{ALLOW_YAML}target_files: ['']\n"},
     ["scan", "--config", "{d}/c.yaml"], 1, "portauth: {d}/c.yaml:4:16: 'target_files' is empty"),
    ("database: corrupt YAML",
     {"db.yaml": "schema_version: 1\ndata_version: x\nports:\n  - port: 22\n    proto: tcp\n"
                 "    name: ssh\n    purpose: [unclosed\n"},
     ["scan", T, "-p", "80", *ALLOW, "--db", "{d}/db.yaml"], 1,
     "portauth: port database: {d}/db.yaml:8:1: YAML syntax error: end of sequence flow not found"),
    ("database: not a port database", {"db.yaml": "- just\n- a list\n"},
     ["scan", T, "-p", "80", *ALLOW, "--db", "{d}/db.yaml"], 1,
     "portauth: port database: {d}/db.yaml:1:1: the port database must be a mapping with schema_version, "
     "data_version and ports"),
    ("database: nested 100,000 deep", {"db.yaml": lambda: "ports: " + "[" * 100000 + "]" * 100000 + "\n"},
     ["scan", T, "-p", "80", *ALLOW, "--db", "{d}/db.yaml"], 1,
     "portauth: port database: {d}/db.yaml:1:39: YAML nested more than 32 levels deep; the port database needs 4"),
    ("resume: not a resume file", {"r.yaml": f"targets: [{T}]\nports: 80\n"},
     ["scan", "--resume", "{d}/r.yaml"], 1, "portauth: {d}/r.yaml:1:1: not a portauth resume file"),
    ("resume: wait out of range",
     {"r.yaml": f"portauth_resume: 1\ntargets: [{T}-{T}]\nports: 80\nseed: 1\nshard: 1/1\nrate: 100\n"
                "retries: 2\nwait: 1e999\ninterface: ''\nsource_ip: ''\nshow: open\noutputs: []\n"
                "next_slot: 0\nanswered: ''\n"},
     ["scan", "--resume", "{d}/r.yaml"], 1, "portauth: {d}/r.yaml:8:7: 'wait' must be a number, not '1e999'"),
    ("shard without seed", {}, ["scan", T, "-p", "80", *ALLOW, "--shard", "1/2"], 1,
     "portauth: --shard needs --seed: every shard must use the same seed, or the slices overlap"),
    ("--pcap-buffer too small", {}, ["scan", T, "-p", "80", *ALLOW, "--pcap-buffer", "12"], 1,
     "portauth: bad --pcap-buffer '12': give a size from 4096 to 1073741824 bytes (a number, optionally with k, M "
     "or G)"),
    ("-sU with only T: ports", {}, ["scan", "-sU", T, "-p", "T:22", *ALLOW], 1,
     "portauth: -sU asks for a UDP scan, but -p 'T:22' names no UDP port (add U:PORTS, or plain ports)"),
    ("an SCTP port prefix", {}, ["scan", T, "-p", "S:9", *ALLOW], 1,
     "portauth: bad port list 'S:9': 'S:' asks for SCTP ports; portauth scans TCP (T:) and UDP (U:)"),
    ("--report shieldsup with -sU", {}, ["scan", T, "-sU", "-p", "53", "--report", "shieldsup", *ALLOW], 1,
     "portauth: --report shieldsup tests TCP ports, as ShieldsUP does; drop -sU and the U: ports, or write the "
     "UDP results with -o"),
    ("--wait-unreachable without UDP", {}, ["scan", T, "-p", "53", "--wait-unreachable", *ALLOW], 1,
     "portauth: --wait-unreachable waits for the ICMP errors of closed UDP ports, but this scan has no UDP port: "
     "add -sU"),
    ("-sV with --no-service-scan", {}, ["scan", "-sV", "--no-service-scan", T, "-p", "22", *ALLOW], 1,
     "portauth: -sV (--service-scan) and --no-service-scan contradict each other: give one"),
    ("-sV timeout out of range", {}, ["scan", "-sV", T, "-p", "22", *ALLOW, "--service-timeout", "0"], 1,
     "portauth: bad --service-timeout '0': give a number from 0.1 to 300"),
    ("nmap OS detection", {}, ["scan", "-O", T], 1,
     "portauth: -O (OS detection) is not supported: portauth scans with TCP SYN (nmap's -sS) and UDP (-sU) probes; nothing was sent"),
    ("nmap -A", {}, ["scan", "-A", T], 1,
     "portauth: -A (OS and version detection, scripts and traceroute) is not supported: portauth scans with TCP "
     "SYN (nmap's -sS) and UDP (-sU) probes; nothing was sent"),
    ("nmap scripts", {}, ["scan", T, "--script=vuln"], 1,
     "portauth: --script (the scripting engine) is not supported: portauth scans with TCP SYN (nmap's -sS) and UDP "
     "(-sU) probes; nothing was sent"),
    ("unknown option, with the closest", {}, ["scan", T, "-p", "80", "--rtae", "5"], 1,
     "portauth: unknown option '--rtae' (did you mean '--rate'?)"),
    ("bad timing template", {}, ["scan", T, "-p", "80", "-T7"], 1,
     "portauth: bad timing template -T '7': use 0-5 or paranoid, sneaky, polite, normal, aggressive, insane"),
    ("conflicting: --min-rate above --max-rate", {}, ["scan", T, "-p", "80", "--max-rate", "100", "--min-rate",
                                                      "5000"], 1,
     "portauth: --min-rate 5000 is above the rate ceiling (--rate/--max-rate 100)"),
    ("conflicting: --fixed-rate with --min-rate", {}, ["scan", T, "-p", "80", "--fixed-rate", "--min-rate", "10"], 1,
     "portauth: --fixed-rate and --min-rate exclude each other: a fixed rate is --rate itself"),
    ("conflicting: --dry-run with --pcap-out", {}, ["scan", T, "-p", "80", "--dry-run", "--pcap-out", "{d}/p.pcap"],
     1, "portauth: --dry-run and --pcap-out exclude each other"),
    ("conflicting: --resume with -p", {}, ["scan", "--resume", "{d}/r.yaml", "-p", "80"], 1,
     "portauth: --resume continues the scan in its file; --ports cannot change it"),
    ("an option after --", {}, ["scan", T, "-p", "80", "--", "-sS"], 1,
     "portauth: '-sS' after -- is not a target (no target starts with '-')"),
    # Issue 19.1: an option's value that looks like an option (-oA --dry-run used to write
    # ./--dry-run.xml and scan for real) is refused, whatever the option.
    ("-oA swallowing --dry-run", {}, ["scan", T, "-p", "1-100", "-oA", "--dry-run"], 1,
     "portauth: -oA takes a value, but the next word '--dry-run' is an option; nothing was sent (for a value "
     "that begins with '-', write --output-all=--dry-run, or ./--dry-run for a file)"),
    ("-o swallowing --dry-run", {}, ["scan", T, "-p", "80", "-o", "--dry-run"], 1,
     "portauth: -o takes a value, but the next word '--dry-run' is an option; nothing was sent (for a value "
     "that begins with '-', write --output=--dry-run, or ./--dry-run for a file)"),
    ("-iL swallowing -p", {}, ["scan", "-iL", "-p", "80"], 1,
     "portauth: -iL takes a value, but the next word '-p' is an option; nothing was sent (for a value "
     "that begins with '-', write --target-file=-p, or ./-p for a file)"),
    ("--summary-json swallowing --dry-run", {}, ["scan", T, "-p", "80", "--summary-json", "--dry-run"], 1,
     "portauth: --summary-json takes a value, but the next word '--dry-run' is an option; nothing was sent (for "
     "a value that begins with '-', write --summary-json=--dry-run, or ./--dry-run for a file)"),
    # Issue 19.4: an empty port list, target list or target file is an error (`-p ""` used to scan
    # the default port set; `--ports= --dry-run` took --dry-run as the port list).
    ("empty port list", {}, ["scan", T, "-p", ""], 1,
     "portauth: -p was given an empty value (an unset shell variable?); give one, e.g. -p 22,80,443, or leave -p "
     "out"),
    ("--ports= then an option", {}, ["scan", T, "--ports=", "--dry-run"], 1,
     "portauth: --ports was given an empty value (an unset shell variable?); give one, e.g. --ports 22,80,443, or "
     "leave --ports out"),
    ("empty target", {}, ["scan", "", "-p", "80"], 1,
     "portauth: an empty argument '' (an unset shell variable?); remove it, or give what it stands for; usage: "
     "portauth scan [OPTIONS] TARGETS..."),
    ("empty target list item", {}, ["scan", f"{T},", "-p", "80"], 1,
     f"portauth: bad target list '{T},': an empty item (a trailing comma)"),
    ("empty target file", {"t.txt": "# every host was filtered out\n\n"}, ["scan", T, "-iL", "{d}/t.txt", "-p", "80"],
     1, "portauth: target file '{d}/t.txt' lists no targets (only blank lines and comments); add targets to it, or "
        "leave it out"),
    # Issue 19.15: the reason a file cannot be read.
    ("config file missing", {}, ["scan", "-c", "{d}/x.yaml"], 1,
     "portauth: cannot read config file '{d}/x.yaml': No such file or directory"),
    ("--summary-json unwritable", {}, ["scan", T, "-p", "80", *ALLOW, "--summary-json", "{d}/no/such/dir.json"], 1,
     "portauth: cannot write --summary-json file '{d}/no/such/dir.json': No such file or directory"),
]


def write_case_files(directory, files):
    for name, content in files.items():
        with open(os.path.join(directory, name), "w") as f:
            f.write(content() if callable(content) else content)


def run_watched(lab, argv):
    """Runs argv in the scanner namespace under a packet counter: (proc or None, counter result)."""
    with lablib.PacketCounter(lab.scan_ns) as counter:
        try:
            proc = lab.run(argv, timeout=30)
        except subprocess.TimeoutExpired:
            proc = None
    return proc, counter.result()


def judge(what, proc, packets, want_exit, stderr_re):
    problems = []
    if proc is None:
        return [f"{what}: still running after 30 s (killed); {packets['count']} packets seen"]
    rc = proc.returncode
    if want_exit == NONZERO:
        if rc == 0 or rc < 0 or rc in (126, 127):
            problems.append(f"{what}: exit {rc}, want a non-zero exit of portauth's own")
    elif rc != want_exit:
        problems.append(f"{what}: exit {rc}, want {want_exit}")
    if not re.search(stderr_re, proc.stderr, re.IGNORECASE):
        problems.append(f"{what}: stderr does not match /{stderr_re}/i: {proc.stderr.strip()[:300]!r}")
    if packets["count"] != 0:
        problems.append(f"{what}: {packets['count']} packet(s) on the wire, want 0: {packets['samples']}")
    lablib.log(f"  {what}: exit {rc}, {packets['count']} packets, stderr: "
               f"{proc.stderr.strip().splitlines()[:1]}")
    return problems


def unprivileged_copy(binary, tmp):
    """A copy nobody can run: without file capabilities, in a directory anyone can enter."""
    os.chmod(tmp, 0o755)
    copy = os.path.join(tmp, "portauth")
    shutil.copyfile(binary, copy)
    os.chmod(copy, 0o755)
    return copy


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    setpriv = shutil.which("setpriv")
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-bad-") as tmp, lablib.Lab(args.repo) as lab:
        # Control: the counter must see a datagram the scanner namespace sends into the lab.
        send = [lablib.PYTHON, "-c", "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
                f" s.sendto(b'x', ('{T}', 9))"]
        proc, packets = run_watched(lab, send)
        if proc is None or proc.returncode != 0 or packets["count"] < 1:
            lablib.log(f"FAIL: packet counter control saw {packets['count']} packets")
            return 1
        lablib.log(f"control: counter saw {packets['count']} packet(s) for one datagram")

        for what, argv, want_exit, stderr_re in CASES:
            proc, packets = run_watched(lab, [args.binary, *argv])
            problems += judge(what, proc, packets, want_exit, stderr_re)

        for i, (what, files, argv, want_exit, line) in enumerate(FILE_CASES):
            d = os.path.join(tmp, f"case{i}")
            os.mkdir(d)
            write_case_files(d, files)
            argv = [a.replace("{d}", d) for a in argv]
            exact = "(?m)^" + re.escape(line.replace("{d}", d)) + "$"
            proc, packets = run_watched(lab, [args.binary, *argv])
            problems += judge(what, proc, packets, want_exit, exact)

        # The refused -oA/-o/--summary-json rows must not have written a file named after the option.
        stray = [f for f in os.listdir(os.getcwd()) if f.startswith("--dry-run")]
        if stray:
            problems.append(f"option-like values: files written in {os.getcwd()}: {stray}")

        if setpriv is None:
            problems.append("unprivileged: setpriv not found (apt-get install util-linux)")
        else:
            copy = unprivileged_copy(args.binary, tmp)
            argv = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                    copy, "scan", T, "-p", "22,80", *ALLOW]
            proc, packets = run_watched(lab, argv)
            problems += judge("unprivileged (uid 65534)", proc, packets, NONZERO, PRIVILEGE_HINT)
            # Issue 19.15: the setcap hint names the binary that ran, ready to paste.
            hint = f"'sudo setcap cap_net_raw+ep {copy}'"
            if proc is not None and hint not in proc.stderr:
                problems.append(f"unprivileged: the hint does not name the binary ({hint}): {proc.stderr.strip()!r}")
    return lablib.report("refused commands exit non-zero, say why, and send nothing", problems)


if __name__ == "__main__":
    sys.exit(main())
