#!/usr/bin/env python3
"""Config files in the lab: a YAML profile gives the same results as the same scan on the command line.

1. One multi-target scan (198.18.0.2 and 198.18.1.0/28, a mix of profiled ports), once from the
   command line and once from a config file with its scans: list picked by --job: the JSONL results
   are identical, and both match tests/lab/profile.conf.
2. (The shipped examples in config/examples/ are run, each checked against its own promise, by
   test_config_examples.py.)
3. Command-line options override the file (--rate, --show, -o).
4. Bad configs: exit 1, FILE:LINE:COL in the message, zero packets on the wire.
Exit 0 pass, 1 fail, 77 skipped.
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

PORTS = "0,21-25,80,110-113,135,443,2049,5000,6000,7000,7100,7200,7300,7400,8080,31337,65535"
TARGETS = ["198.18.0.2", "198.18.1.0/28"]


def results(path):
    records, problems = lablib.read_jsonl(path)
    return {(r["ip"], r["port"]): (r["state"], r["reason"]) for r in records}, problems


def addrs_of(targets):
    out = []
    for t in targets:
        out += lablib.expand_addrs(t)
    return out


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-cfg-") as tmp, lablib.Lab(args.repo) as lab:
        profile = lablib.Profile(lab.profile_path)
        ports = lablib.parse_ports(PORTS)

        # 1. The same scan from the command line and from a config file.
        cli_out = os.path.join(tmp, "cli.jsonl")
        proc = lab.run([args.binary, "scan", *TARGETS, "-p", PORTS, "--allow", "198.18.0.0/15", "--rate", "20000",
                        "--show", "all", "--format", "jsonl", "-o", cli_out])
        if proc.returncode != 0:
            return lablib.report("config scan", [f"command-line scan failed: {lablib.describe(proc)}"])
        cfg = os.path.join(tmp, "lab.yaml")
        with open(cfg, "w") as f:
            f.write(f"""# top-level keys apply to every scan
allow: 198.18.0.0/15
rate: 20000
scans:
  - name: other
    targets: 198.18.0.2
    ports: 22
  - name: lab
    targets: [{", ".join(TARGETS)}]
    ports: "{PORTS}"
    show: all
    outputs: [{{format: jsonl, path: cfg.jsonl}}]
""")
        proc = lab.run([args.binary, "scan", "--config", cfg, "--job", "lab"])
        cfg_out = os.path.join(tmp, "cfg.jsonl")  # relative paths are relative to the config file
        if proc.returncode != 0 or not os.path.exists(cfg_out):
            return lablib.report("config scan", [f"config scan failed: {lablib.describe(proc)}"])
        cli, p1 = results(cli_out)
        from_cfg, p2 = results(cfg_out)
        problems += p1 + p2
        if cli != from_cfg:
            diff = sorted(set(cli.items()) ^ set(from_cfg.items()))[:10]
            problems.append(f"config and command line differ ({len(diff)}+ entries): {diff}")
        records, _ = lablib.read_jsonl(cfg_out)
        problems += lablib.check_scan(records, addrs_of(TARGETS), ports, profile.expected)
        lablib.log(f"1. command line and config file agree on {len(cli)} (address, port) results")

        # 3. Command-line options override the file: --show open only.
        out = os.path.join(tmp, "override.jsonl")
        proc = lab.run([args.binary, "scan", "--config", cfg, "--job", "lab", "--show", "open", "-o", out,
                        "--format", "jsonl"])
        records, _ = lablib.read_jsonl(out)
        if proc.returncode != 0 or not records or any(r["state"] != "open" for r in records):
            problems.append(f"--show open over the file's show: all: {len(records)} records, exit {proc.returncode}")
        if os.path.exists(cfg_out) and os.path.getmtime(cfg_out) > os.path.getmtime(out):
            problems.append("-o did not replace the file's outputs")

        # 4. Bad configs: FILE:LINE:COL, exit 1, nothing sent.
        bad_cases = [
            ("unknown key", "targets: 198.18.0.2\nports: 80\nallow: 198.18.0.0/15\nrtae: 100\n", r":4:1: unknown key 'rtae' \(did you mean 'rate'\?\)"),
            ("bad port", "targets: 198.18.0.2\nports: [22, 70000]\nallow: 198.18.0.0/15\n", r":2:13: .*70000"),
            ("wrong type", "targets: 198.18.0.2\nports: 80\nretries: many\n", r":3:10: 'retries' must be a whole number"),
            ("bad target in a later scan", "allow: 198.18.0.0/15\nports: 80\nscans:\n  - {name: a, targets: 198.18.0.2}\n"
             "  - {name: b, targets: 198.18.0.300}\n", r"scan 'b': bad target '198.18.0.300'"),
            ("syntax", "targets: [198.18.0.2\nports: 80\n", r":\d+:\d+: "),
        ]
        for what, text, pattern in bad_cases:
            path = os.path.join(tmp, "bad.yaml")
            with open(path, "w") as f:
                f.write(text)
            with lablib.PacketCounter(lab.scan_ns) as counter:
                proc = lab.run([args.binary, "scan", "--config", path], timeout=30)
            seen = counter.result()["count"]
            if proc.returncode != 1 or not re.search(pattern, proc.stderr) or seen:
                problems.append(f"bad config ({what}): exit {proc.returncode}, {seen} packets, "
                                f"stderr {proc.stderr.strip()[:200]!r}, want /{pattern}/")
            else:
                lablib.log(f"4. bad config ({what}): {proc.stderr.strip().splitlines()[0]}")
    return lablib.report("config files drive lab scans exactly like the command line", problems)


if __name__ == "__main__":
    sys.exit(main())
