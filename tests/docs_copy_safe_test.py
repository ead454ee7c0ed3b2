#!/usr/bin/env python3
"""No command in the documentation probes from wherever it is pasted (issue 19, item 2).

The README's "Using it" lines scanned 192.168.1.0/24 and 198.18.0.2 from the host they were pasted
on. Every command line in README.md, bench/README.md, db/README.md, fuzz/README.md (code blocks and
`inline` code) and docs/portauth.1 (its .nf blocks) that runs portauth scan/probe/shieldsup, nmap,
masscan or zmap at an address must either run inside a lab namespace (`ip netns exec NS ...`) or
name its target with a visible placeholder (`<your-network>/24`, `<host>`). Commands that cannot
send (--dry-run, --pcap-out, --help) or that name no address (HOST, --resume FILE, -c FILE) pass.
No portauth example of the README or the man page adds an --allow that only repeats its named targets (item 15: the target
policy scans a block named as a target as asked; --allow matters only inside a wider target).
The README must also say how the lab is made (scripts/netlab.sh up) before its first lab line.

Usage: docs_copy_safe_test.py REPO. Exit 0 pass, 1 fail. Pure: reads files, runs nothing.
"""
import ipaddress
import os
import re
import shlex
import sys

DOCS = ["README.md", "bench/README.md", "db/README.md", "fuzz/README.md", "docs/portauth.1"]
PROBERS = {"nmap", "masscan", "zmap"}
PORTAUTH_PROBES = {"scan", "probe", "shieldsup"}
NO_SEND = {"--dry-run", "--pcap-out", "--help", "-h"}
# The user's documents; bench/README.md quotes the race scripts' own command lines, --allow included.
ALLOW_CHECKED = {"README.md", "docs/portauth.1"}


def commands_of_markdown(text):
    """(line number, command text) for every line of a fenced block and every inline code span
    (a span may run over a line break, as in a wrapped paragraph)."""
    out, in_block, pending, start, prose = [], False, "", 0, []
    for n, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            in_block = not in_block
            prose.append("")
            continue
        if not in_block:
            prose.append(line)
            continue
        prose.append("")
        line = re.sub(r"^\$ ", "", line.strip())
        if not pending:
            start = n
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append((start, pending + line))
        pending = ""
    joined = "\n".join(prose)
    for m in re.finditer(r"`([^`]+)`", joined):
        out.append((joined.count("\n", 0, m.start()) + 1, m.group(1).replace("\n", " ")))
    return out


def commands_of_man(text):
    out, in_nf = [], False
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith(".nf"):
            in_nf = True
        elif line.startswith(".fi"):
            in_nf = False
        elif in_nf and not line.startswith("."):
            out.append((n, line.replace("\\-", "-").replace("\\fB", "").replace("\\fR", "").replace("\\fI", "")))
    return out


def is_address(token):
    """An address, a block or a range as a target: 192.168.1.0/24, 198.18.0.2, 2001:2::/120, a.b.c.d-e."""
    for part in re.split(r"[,]", token):
        part = part.split("%")[0]
        try:
            ipaddress.ip_network(part, strict=False)
            return True
        except ValueError:
            pass
        first = part.split("-")[0]
        try:
            ipaddress.ip_address(first)
            return True
        except ValueError:
            pass
    return False


def words_of(command):
    try:
        return shlex.split(command, comments=False)
    except ValueError:
        return command.split()


def unsafe(command, check_allow=True):
    """Why `command` would probe from the host it is pasted on, or None."""
    if "<" in command and ">" in command:
        return None  # a visible placeholder: the shell refuses the line as it is
    words = words_of(command)
    for i, w in enumerate(words):
        name = os.path.basename(w)
        if name == "portauth":
            if i + 1 >= len(words) or words[i + 1] not in PORTAUTH_PROBES:
                continue
        elif name not in PROBERS:
            continue
        rest = words[i + 1:]
        if check_allow and name == "portauth" and (why := needless_allow(rest)):
            return why
        if "netns" in words[:i] and "exec" in words[:i]:
            continue
        if NO_SEND & set(rest):
            continue
        targets = [t for t in rest if is_address(t)]
        if targets:
            return f"{name} probes {targets[0]} from the host it is pasted on"
    return None


def networks(token):
    """The blocks a target token names (a range as the block from its first address)."""
    out = []
    for part in token.split(","):
        try:
            out.append(ipaddress.ip_network(part.split("-")[0], strict=False))
        except ValueError:
            return []
    return out


def needless_allow(words):
    """An --allow that only repeats targets named as they are (the target policy scans a named
    block as asked; --allow matters only inside a wider target), or None."""
    allows = [networks(words[i + 1]) for i, w in enumerate(words[:-1]) if w == "--allow"]
    targets = [n for w in words if not w.startswith("-") for n in networks(w)]
    if not allows or not targets:
        return None
    allowed = [a for nets in allows for a in nets]
    if all(any(t.version == a.version and t.subnet_of(a) for a in allowed) for t in targets):
        return f"--allow {' '.join(str(a) for a in allowed)} is needless: every target is named as it is"
    return None


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems, checked = [], 0
    for doc in DOCS:
        with open(os.path.join(repo, doc)) as f:
            text = f.read()
        commands = commands_of_man(text) if doc.endswith(".1") else commands_of_markdown(text)
        for n, command in commands:
            checked += 1
            why = unsafe(command, check_allow=doc in ALLOW_CHECKED)
            if why:
                problems.append(f"{doc}:{n}: {why}: {command.strip()[:120]}")
    with open(os.path.join(repo, "README.md")) as f:
        readme = f.read()
    first_lab_line = readme.find("ip netns exec pa-scan")
    how = readme.find("scripts/netlab.sh up")
    if first_lab_line < 0 or how < 0 or how > first_lab_line:
        problems.append("README.md: no 'scripts/netlab.sh up' sentence before the first lab line")
    # The checker itself: the lines issue 19 found must be caught, the safe forms passed.
    for bad in ["sudo build/portauth scan 192.168.1.0/24 -p 22,80,443",
                "sudo portauth scan 203.0.113.7 --preset service", "portauth probe 198.18.0.2 25 --allow 198.18.0.2",
                "nmap -sS -T4 -p0-65535 -n -Pn 198.18.0.2",
                "portauth scan 198.19.0.0/16 -p 1-16 --send-mode raw|ring",
                "sudo ip netns exec pa-scan build/portauth probe 198.18.0.2 25 --allow 198.18.0.2",
                "sudo ip netns exec pa-scan build/portauth shieldsup 198.18.1.200 -p 22 --allow 198.18.1.0/24"]:
        if not unsafe(bad):
            problems.append(f"the checker passes an unsafe line: {bad}")
    for good in ["sudo ip netns exec pa-scan build/portauth scan 198.18.0.2",
                 "sudo build/portauth scan <your-network>/24 -p 22,80,443",
                 "build/portauth scan 10.0.0.0/8 -p 80 --dry-run", "portauth scan --resume FILE",
                 "portauth lookup 25", "portauth probe HOST PORT",
                 "sudo ip netns exec pa-scan build/portauth scan 0.0.0.0/0 -p 80 --allow 198.18.0.0/15 --dry-run"]:
        if unsafe(good):
            problems.append(f"the checker refuses a safe line: {good}")
    for p in problems:
        print(p)
    print(f"{'FAIL' if problems else 'PASS'}: {checked} command lines and code spans in {len(DOCS)} documents; "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
