#!/usr/bin/env python3
"""The closed-loop rows of the race (issue 10, and IPv6 for issue 11): default options against
nmap -T4 and masscan on hosts that limit their answers (r), a half-silent /16 sweep against fixed
rates (s), 1% random loss each way (l), and all ports over IPv6 against nmap -6 (a6). Called by
scripts/bench_race.py, whose run() scores every run; standard library only.
"""
import os
import subprocess
import sys

import bench_race as race

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import lab_hosts  # noqa: E402

def scenario_r(args, lab, profile, results):
    """Hosts that limit their answers (lab_hosts.LIMITED_HOSTS: RSTs and ICMP errors per second)."""
    lab_hosts.add_answer_limits(lab.tgt_ns)
    try:
        for addr, limit in sorted(lab_hosts.LIMITED_HOSTS.items(), key=lambda kv: -kv[1]):
            ports = "1-10000" if limit >= 2000 else "1-3000"
            race.log(f"== (r) {addr} answers at most {limit} RSTs/ICMP errors a second, ports {ports}")
            out = args.out
            race.repeat(args, lambda: results.append(race.run(
                lab, profile, "r", "portauth", f"default options ({limit}/s)", limit,
                *race.portauth_default_runs(args.portauth, addr, ports, f"{out}/r-portauth.csv"), addr, ports, 600)))
            race.repeat(args, lambda: results.append(race.run(lab, profile, "r", "nmap", f"-sS -T4 ({limit}/s)", limit,
                                                    *race.nmap_runs(addr, ports, f"{out}/r-nmap.xml"), addr, ports, 900)))
            for rate in ("10000", "100000"):
                race.repeat(args, lambda: results.append(race.run(
                    lab, profile, "r", "masscan", f"{rate} w2 ({limit}/s)", limit,
                    *race.masscan_runs(addr, ports, rate, f"{out}/r-masscan.txt"), addr, ports, 300)))
    finally:
        subprocess.run(lab.in_tgt(["nft", "delete", "table", "ip", "pa_limits"]))


def scenario_s(args, lab, profile, results):
    """A /16 sweep where half the probes are silent (port 23 is dropped everywhere)."""
    targets, ports = "198.19.0.0/16", "23,80"
    race.log(f"== (s) {targets}, ports {ports}: half the probes never answered")
    out = args.out
    race.repeat(args, lambda: results.append(race.run(
        lab, profile, "s", "portauth", "default options", None,
        *race.portauth_default_runs(args.portauth, targets, ports, f"{out}/s-default.csv"), targets, ports, 300)))
    for rate in ("100000", "200000"):
        race.repeat(args, lambda: results.append(race.run(
            lab, profile, "s", "portauth", f"--fixed-rate {rate} (w1)", rate,
            *race.portauth_default_runs(args.portauth, targets, ports, f"{out}/s-fixed.csv", ["--fixed-rate", "--rate", rate]),
            targets, ports, 300)))


LOSS_NFT = """table ip pa_race_loss {
  chain pre { type filter hook prerouting priority -400; policy accept; ip saddr 198.18.0.1 numgen random mod 100 < 1 drop; }
  chain out { type filter hook output priority 400; policy accept; ip daddr 198.18.0.1 numgen random mod 100 < 1 drop; }
}
"""


def scenario_l(args, lab, profile, results):
    """1% random loss each way (nftables numgen in the target namespace), all ports of one host."""
    targets, ports = race.TARGET_IP, "0-65535"
    out = args.out
    race.log(f"== (l) {targets}, ports {ports}, 1% loss each way vs none")
    race.repeat(args, lambda: results.append(race.run(
        lab, profile, "l", "portauth", "default options, no loss", None,
        *race.portauth_default_runs(args.portauth, targets, ports, f"{out}/l-clean.csv"), targets, ports, 300)))
    subprocess.run(lab.in_tgt(["nft", "-f", "-"]), input=LOSS_NFT, text=True, check=True)
    try:
        race.repeat(args, lambda: results.append(race.run(
            lab, profile, "l", "portauth", "default options, 1% loss", None,
            *race.portauth_default_runs(args.portauth, targets, ports, f"{out}/l-loss.csv"), targets, ports, 300)))
        race.repeat(args, lambda: results.append(race.run(lab, profile, "l", "nmap", "-sS -T4, 1% loss", None,
                                                *race.nmap_runs(targets, ports, f"{out}/l-nmap.xml"), targets, ports, 600)))
    finally:
        subprocess.run(lab.in_tgt(["nft", "delete", "table", "ip", "pa_race_loss"]))


class _Profile6:
    """The lab's IPv6 profile (lab_hosts.IPV6_*) in the scorer's shape."""

    @staticmethod
    def expected(_addr, port):
        return lab_hosts.expected6(port)


def scenario_a6(args, lab, results):
    """(a) over IPv6: all ports of 2001:2::2 (lab_hosts.enable_ipv6), default options vs nmap -6 -T4."""
    lab_hosts.enable_ipv6(lab)
    targets, ports = lab_hosts.TARGET_IP6, "0-65535"
    race.log(f"== (a6) {targets}, ports {ports}")
    out = args.out
    race.repeat(args, lambda: results.append(race.run(
        lab, _Profile6, "a6", "nmap", "-6 -sS -T4", None,
        [["nmap", "-6", "-sS", "-T4", f"-p{ports}", "-n", "-Pn", "-e", race.SCAN_IF, "--reason", "-oX", f"{out}/a6-nmap.xml",
          targets]], [f"{out}/a6-nmap.xml"], targets, ports, 600)))
    race.repeat(args, lambda: results.append(race.run(
        lab, _Profile6, "a6", "portauth", "default options", None,
        *race.portauth_default_runs(args.portauth, targets, ports, f"{out}/a6-default.csv"), targets, ports, 300)))
