#!/usr/bin/env python3
"""Every command-line error speaks with one voice: `portauth: what is wrong; what to do`, one line, exit 1.

Issue 19, items 4, 9 and 10. Errors that CLI11 finds (a missing HOST or PORT, an option at the end
of the line with no value, an argument too many, an unknown option of lookup or merge, no command or
an unknown one) used to print CLI11's two lines ("PORT is required" / "Run with --help for more
information.") with no "portauth: "; `--prot` and `lookup --serch` got no suggestion and `scna` got
"A subcommand is required"; `-p ""` scanned the default port set.

Each bad command line below, for every subcommand (scan, lookup, probe, shieldsup, merge, serve, and none),
runs in the lab's scanner namespace. Pass, for each: exit 1, standard error exactly ONE line that
starts with "portauth: " (and equals the message given, where one is), nothing on standard output;
and, over the whole table, ZERO packets on the lab's wire (one packet counter around the batch).
Also (item 15): `probe --help` and `shieldsup --help` say HOST may be an IPv6 address.
Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

T = lablib.TARGET_IP
COMMANDS = "the commands are scan, lookup, probe, shieldsup, merge and serve"
SCAN_USAGE = "usage: portauth scan [OPTIONS] TARGETS..."
PROBE_USAGE = "usage: portauth probe [OPTIONS] HOST PORT"

# (portauth arguments, the exact stderr line or None for "any one line"). "{d}" is a scratch
# directory holding empty.txt (comments only) and nothing else.
CASES = [
    # No command, or an unknown one (item 9: the closest command).
    ([], "portauth: no command given: name one first, e.g. portauth lookup 22; " + COMMANDS +
     " ('portauth --help' describes them)"),
    (["scna", T], f"portauth: unknown command 'scna' (did you mean 'scan'?); {COMMANDS}"),
    (["lokoup", "22"], f"portauth: unknown command 'lokoup' (did you mean 'lookup'?); {COMMANDS}"),
    (["-p", "80", T], "portauth: no command given before '-p': name one first, e.g. portauth lookup 22; " + COMMANDS +
     " ('portauth --help' describes them)"),
    # scan
    (["scan", T, "--prot", "22"], "portauth: unknown option '--prot' (did you mean '--ports'?)"),
    (["scan", T, "--frobnicate"], "portauth: unknown option '--frobnicate'; 'portauth scan --help' lists the options"),
    (["scan", T, "-T9"], "portauth: bad timing template -T '9': use 0-5 or paranoid, sneaky, polite, normal, "
     "aggressive, insane"),
    (["scan", T, "-p", "80", "-oA"], "portauth: -oA needs a value (BASE) after it; e.g. -oA out"),
    (["scan", T, "-p", "80", "-iL"], "portauth: -iL needs a value (FILE) after it; e.g. -iL hosts.txt"),
    (["scan", T, "-p"], "portauth: -p needs a value (SPEC) after it; e.g. -p 22,80,443"),
    (["scan", T, "-p", "80", "--retries", "lots"], "portauth: bad --retries 'lots': give a whole number from 0 to 20"),
    (["scan", T, "-p", "80", "--pcap-buffer", "12"], "portauth: bad --pcap-buffer '12': give a size from 4096 to "
     "1073741824 bytes (a number, optionally with k, M or G)"),
    (["scan", T, "-p", "80", "--report", "nmap"], "portauth: bad --report 'nmap': the one report is shieldsup"),
    (["scan", T, "-p", "80", "--show", "nope"], None),
    (["scan", T, "-sO", "-p", "53"], "portauth: -sO (IP protocol scan) is not supported: portauth scans with TCP "
     "SYN (nmap's -sS) and UDP (-sU) probes; nothing was sent"),
    (["scan", T, "-sU", "-p", "T:53"], "portauth: -sU asks for a UDP scan, but -p 'T:53' names no UDP port (add "
     "U:PORTS, or plain ports)"),
    (["scan", "224.0.0.0/3", "-p", "80"], None),  # "no targets left" and the skipped blocks: one line
    # Item 4: empty values and lists.
    (["scan", T, "-p", ""], "portauth: -p was given an empty value (an unset shell variable?); give one, e.g. "
     "-p 22,80,443, or leave -p out"),
    (["scan", T, "--ports=", "--dry-run"], "portauth: --ports was given an empty value (an unset shell variable?); "
     "give one, e.g. --ports 22,80,443, or leave --ports out"),
    (["scan", T, "--preset", ""], "portauth: --preset was given an empty value (an unset shell variable?); give "
     "one, e.g. --preset common, or leave --preset out"),
    (["scan", "", "-p", "80"], "portauth: an empty argument '' (an unset shell variable?); remove it, or give what "
     f"it stands for; {SCAN_USAGE}"),
    (["scan", "-iL", "", "-p", "80"], "portauth: -iL was given an empty value (an unset shell variable?); give one, "
     "e.g. -iL hosts.txt, or leave -iL out"),
    (["scan", "-iL", "{d}/empty.txt", "-p", "80"], "portauth: target file '{d}/empty.txt' lists no targets (only "
     "blank lines and comments); add targets to it, or leave it out"),
    (["scan", T, "-iL", "{d}/empty.txt", "-p", "80"], "portauth: target file '{d}/empty.txt' lists no targets (only "
     "blank lines and comments); add targets to it, or leave it out"),
    (["scan", f"{T},", "-p", "80"], f"portauth: bad target list '{T},': an empty item (a trailing comma)"),
    # Item 15: the reason a file cannot be read.
    (["scan", "-c", "{d}/missing.yaml"], "portauth: cannot read config file '{d}/missing.yaml': No such file or "
     "directory"),
    (["scan", "-iL", "{d}/missing.txt", "-p", "80"], "portauth: cannot read target file '{d}/missing.txt': No such "
     "file or directory"),
    # lookup
    (["lookup", "--serch", "redis"], "portauth: unknown option '--serch' (did you mean '--search'?)"),
    (["lookup", "22", "80"], "portauth: unexpected argument '80'; usage: portauth lookup [OPTIONS] [QUERY]"),
    (["lookup", "--limit", "abc", "--search", "x"], "portauth: bad --limit 'abc': give a whole number; "
     "'portauth lookup --help' lists the options"),
    (["lookup", "--search"], "portauth: --search needs a value (TEXT) after it; 'portauth lookup --help' lists the "
     "options"),
    (["lookup", "--search", ""], "portauth: --search was given an empty value (an unset shell variable?); give one "
     "or leave --search out"),
    (["lookup", "--format", "yaml", "22"], None),
    (["lookup", "70000"], None),
    (["lookup"], None),
    # probe
    (["probe", T], f"portauth: probe: PORT is missing; {PROBE_USAGE}"),
    (["probe"], f"portauth: probe: HOST is missing; {PROBE_USAGE}"),
    (["probe", T, "22", "80"], f"portauth: unexpected argument '80'; {PROBE_USAGE}"),
    (["probe", T, "22", "--rtae", "5"], "portauth: unknown option '--rtae' (did you mean '--rate'?)"),
    (["probe", T, "22", "-oA", "out"], "portauth: '--output-all' (-oA) is an option of scan and shieldsup, not of "
     "probe; 'portauth probe --help' lists its options"),
    (["probe", T, "70000"], None),
    (["probe", "198.18.0.0/24", "22"], None),
    # shieldsup
    (["shieldsup"], "portauth: shieldsup: HOST is missing; usage: portauth shieldsup [OPTIONS] HOST"),
    (["shieldsup", T, "-p"], "portauth: -p needs a value (SPEC) after it; e.g. -p 22,80,443"),
    (["shieldsup", T, "--dry-run"], "portauth: '--dry-run' is an option of scan, not of shieldsup; 'portauth "
     "shieldsup --help' lists its options"),
    (["shieldsup", T, "--preset", "nope"], None),
    (["shieldsup", "198.18.0.0/24"], None),
    # merge
    (["merge"], "portauth: merge: MANIFESTS is missing; usage: portauth merge [OPTIONS] MANIFESTS..."),
    (["merge", "{d}/s1.manifest.json", "--frob"], "portauth: unknown option '--frob'; 'portauth merge --help' lists "
     "the options"),
    (["merge", "{d}/s1.manifest.json", "-oX"], "portauth: -oX needs a value (FILE) after it; e.g. -oX out.xml"),
    (["merge", "{d}/missing.manifest.json"], "portauth: merge refused: cannot read manifest "
     "'{d}/missing.manifest.json': No such file or directory"),
    # serve (refused before it listens)
    (["serve", "--lisen", "127.0.0.1:8080"], "portauth: unknown option '--lisen' (did you mean '--listen'?)"),
    (["serve", "--listen", "localhost:8080"], "portauth: --listen: 'localhost' is not an IP address"),
    (["serve", "--listen", "127.0.0.1:62000"], "portauth: --listen: port 62000 is in 61000-65535, where portauth's "
     "scans take their source ports; pick a lower one"),
    (["serve", "--allow-clients", "10.0.0.0/33"], "portauth: --allow-clients: bad target '10.0.0.0/33': prefix "
     "length '/33' must be 0-32"),
    (["serve", "--client-rate", "lots"], "portauth: --client-rate: give N/s, N/min or N/h with N at least 1, e.g. "
     "10/min"),
    (["serve", "--rate", "abc"], None),
]


def judge(argv, want, proc):
    what = "portauth " + " ".join(repr(a) if a == "" or " " in a else a for a in argv)
    if proc is None:
        return [f"{what}: still running after 30 s (killed)"]
    problems = []
    lines = proc.stderr.splitlines()
    if proc.returncode != 1:
        problems.append(f"{what}: exit {proc.returncode}, want 1")
    if len(lines) != 1 or not lines[0].startswith("portauth: "):
        problems.append(f"{what}: stderr is not one 'portauth: ' line: {proc.stderr!r}")
    elif want is not None and lines[0] != want:
        problems.append(f"{what}:\n      got  {lines[0]!r}\n      want {want!r}")
    if proc.stdout:
        problems.append(f"{what}: printed on standard output: {proc.stdout[:200]!r}")
    return problems


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-errors-") as d, lablib.Lab(args.repo) as lab:
        with open(os.path.join(d, "empty.txt"), "w") as f:
            f.write("# a target list whose every host was filtered out\n\n")
        with lablib.PacketCounter(lab.scan_ns) as counter:
            for argv, want in CASES:
                argv = [a.replace("{d}", d) for a in argv]
                want = want.replace("{d}", d) if want else None
                try:
                    proc = lab.run([args.binary, *argv], timeout=30)
                except subprocess.TimeoutExpired:
                    proc = None
                found = judge(argv, want, proc)
                problems += found
                if proc is not None and not found:
                    lablib.log(f"  ok: {proc.stderr.strip()}")
            # Item 15: probe's and shieldsup's HOST takes IPv6 too, and their help says so.
            for command in ("probe", "shieldsup"):
                proc = lab.run([args.binary, command, "--help"], timeout=30)
                if proc.returncode != 0 or "HOST TEXT REQUIRED an IPv4 or IPv6 address, or a host name" not in \
                        " ".join(proc.stdout.split()):
                    problems.append(f"{command} --help does not say HOST takes IPv6: {proc.stdout[:400]!r}")
        packets = counter.result()
        if packets["count"] != 0:
            problems.append(f"{packets['count']} packet(s) on the wire, want 0: {packets['samples']}")
        lablib.log(f"{len(CASES)} bad command lines, {packets['count']} packets on the wire")
    return lablib.report("every command-line error is one 'portauth: ' line, exit 1, nothing sent", problems,
                         limit=60)


if __name__ == "__main__":
    sys.exit(main())
