#!/usr/bin/env python3
"""liarlab.py: hosts that lie, added to a network lab (scripts/netlab.sh) in a namespace of their own.

Usage: liarlab.py up|down [--name N]          (root; lab N must be up for "up")

The lab's target namespace N-tgt routes 198.18.2.0/24 to a third namespace, N-liar (a veth pair
198.18.3.1 <-> 198.18.3.2), and the scanner namespace N-scan routes it via the target, so every
probe still leaves from 198.18.0.1 on veth-scan and nothing leaves the lab. In N-liar:

  198.18.2.10  SYN proxy: nftables `synproxy` on every port (SYNs untracked; the kernel answers
               each with a SYN-cookie SYN-ACK of window 0 and the rule's options) in front of
               listeners on 22, 80 and 443 only (SYN_PROXY_SERVICES)
  198.18.2.20  answers every port: nftables `tproxy` hands every TCP port to one listener
               (:8080, IP_TRANSPARENT; a NAT redirect would clash on the reply tuple as soon as
               two probes share a source port), which hands each connection to OpenSSH's
               sshd in inetd mode (`sshd -i`): the same real daemon behind every port, as -sV
               sees it (without /usr/sbin/sshd, from openssh-server, the listener only closes
               connections)
  198.18.2.30  tarpit: lab_tarpit.py, a raw-socket LaBrea: a SYN-ACK with window 10 and no
               options to every SYN, the connection then held and never served (the address
               is not local to N-liar, so its kernel says nothing)
  198.18.2.40  blocks a source that sends more than RATE_BLOCK_PPS SYNs a second for
               RATE_BLOCK_SECONDS (an nftables meter adding the source to a timed set whose
               members are dropped entirely); listeners on 22, 80, 443, the rest RST
  198.18.2.50  an honest host with 3,003 real listeners (MANY_LISTENERS), the rest RST

Everything else in N-liar is untracked (no conntrack), so honest hosts answer at full speed.
`netlab.sh down --name N` removes N-liar too. Standard library only.
"""
import argparse
import os
import subprocess
import sys
import time

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
RUN_ROOT = "/run/portauth-lab"

LINK_TGT, LINK_LIAR = "198.18.3.1", "198.18.3.2"
TGT_MAC, LIAR_MAC = "02:70:61:00:00:03", "02:70:61:00:00:04"
NET = "198.18.2.0/24"
SYN_PROXY, ANSWERS_ALL, TARPIT, RATE_BLOCK, MANY = "198.18.2.10", "198.18.2.20", "198.18.2.30", "198.18.2.40", "198.18.2.50"
SYN_PROXY_SERVICES = [22, 80, 443]
REDIRECT_PORT = 8080
RATE_BLOCK_SERVICES = [22, 80, 443]
RATE_BLOCK_PPS = 300      # SYNs a second it tolerates (a burst of one second's worth)
RATE_BLOCK_SECONDS = 15   # how long it then drops everything from that source
MANY_LISTENERS = list(range(1025, 61066, 20))  # 3,003 ports
TARPIT_WINDOW = 10
SSHD = "/usr/sbin/sshd"  # behind every port of ANSWERS_ALL (inetd mode), when installed

# What each liar must be called (verdict names) and the hosts that must be called nothing.
EXPECTED = {SYN_PROXY: "syn-proxy", ANSWERS_ALL: "answers-all", TARPIT: "tarpit", RATE_BLOCK: "rate-block"}
HONEST = [MANY]


def ruleset():
    return f"""
table ip pa_liars {{
  set blocked {{ type ipv4_addr; flags dynamic,timeout; timeout {RATE_BLOCK_SECONDS}s; }}
  chain raw_pre {{
    type filter hook prerouting priority raw; policy accept;
    ip daddr {RATE_BLOCK} ip saddr @blocked drop
    ip daddr {RATE_BLOCK} tcp flags & (syn | ack) == syn meter rate_block {{ ip saddr limit rate over {RATE_BLOCK_PPS}/second burst {RATE_BLOCK_PPS} packets }} add @blocked {{ ip saddr }} drop
    ip daddr {SYN_PROXY} tcp flags & (syn | ack) == syn notrack
    ip daddr != {SYN_PROXY} notrack
  }}
  chain raw_out {{
    type filter hook output priority raw; policy accept;
    ip saddr != {SYN_PROXY} notrack
  }}
  chain tproxy_pre {{
    type filter hook prerouting priority mangle; policy accept;
    ip daddr {ANSWERS_ALL} meta l4proto tcp tproxy to {ANSWERS_ALL}:{REDIRECT_PORT}
  }}
  chain input {{
    type filter hook input priority filter; policy accept;
    ip daddr {SYN_PROXY} ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm
    ip daddr {SYN_PROXY} ct state invalid drop
  }}
}}
"""


def sh(*argv, check=True, **kw):
    return subprocess.run(list(argv), check=check, **kw)


def nsx(ns, *argv, check=True, **kw):
    return sh("ip", "netns", "exec", ns, *argv, check=check, **kw)


def ns_exists(ns):
    return os.path.exists(f"/run/netns/{ns}")


def start(ns, run_dir, name, argv):
    log = open(os.path.join(run_dir, f"{name}.log"), "w")
    subprocess.Popen(["ip", "netns", "exec", ns, "setsid", *argv], stdin=subprocess.DEVNULL, stdout=log, stderr=log)


def wait_listening(ns, addr, ports, what):
    want = {f"{addr}:{p}" for p in ports}
    for _ in range(200):
        out = nsx(ns, "ss", "-Htln4", capture_output=True, text=True).stdout
        have = {line.split()[3] for line in out.splitlines() if len(line.split()) > 3}
        if want <= have:
            return
        time.sleep(0.05)
    raise RuntimeError(f"liarlab: {what} did not start listening")


def sshd_config(run_dir):
    """A configuration for sshd -i behind every port of ANSWERS_ALL: its own host key, no login."""
    key = os.path.join(run_dir, "ssh_host_ed25519_key")
    for old in (key, key + ".pub"):  # a key left by an earlier run: ssh-keygen would ask before overwriting
        if os.path.exists(old):
            os.unlink(old)
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)
    os.makedirs("/run/sshd", exist_ok=True)  # sshd's built-in privilege separation directory (empty)
    path = os.path.join(run_dir, "sshd_config")
    with open(path, "w") as f:
        f.write(f"HostKey {key}\nPidFile none\nUsePAM no\nPermitRootLogin no\nPasswordAuthentication no\n"
                "KbdInteractiveAuthentication no\nAuthorizedKeysFile none\n")
    return path


def up(name):
    scan, tgt, liar = f"{name}-scan", f"{name}-tgt", f"{name}-liar"
    if not (ns_exists(scan) and ns_exists(tgt)):
        raise SystemExit(f"liarlab: lab '{name}' is not up (scripts/netlab.sh up --name {name})")
    down(name)
    run_dir = os.path.join(RUN_ROOT, name, "liars")
    os.makedirs(run_dir, exist_ok=True)
    try:
        sh("ip", "netns", "add", liar)
        nsx(liar, "ip", "link", "set", "lo", "up")
        for key, value in (("net.ipv6.conf.all.disable_ipv6", 1), ("net.ipv6.conf.default.disable_ipv6", 1),
                           ("net.ipv4.conf.all.rp_filter", 0), ("net.ipv4.conf.default.rp_filter", 0),
                           ("net.ipv4.ip_default_ttl", 64), ("net.ipv4.icmp_ratelimit", 0),
                           ("net.ipv4.tcp_syncookies", 1), ("net.ipv4.tcp_timestamps", 1),
                           ("net.ipv4.tcp_max_syn_backlog", 65536), ("net.core.somaxconn", 65535),
                           ("net.ipv4.tcp_synack_retries", 1)):
            nsx(liar, "sysctl", "-q", "-w", f"{key}={value}")
        # The link: created inside the target namespace, its peer moved into N-liar.
        sh("ip", "-n", tgt, "link", "add", "veth-tl", "address", TGT_MAC, "type", "veth",
           "peer", "name", "veth-liar", "address", LIAR_MAC, "netns", liar)
        sh("ip", "-n", tgt, "addr", "add", f"{LINK_TGT}/24", "dev", "veth-tl")
        sh("ip", "-n", liar, "addr", "add", f"{LINK_LIAR}/24", "dev", "veth-liar")
        sh("ip", "-n", tgt, "link", "set", "veth-tl", "up")
        sh("ip", "-n", liar, "link", "set", "veth-liar", "up")
        sh("ip", "-n", tgt, "neigh", "replace", LINK_LIAR, "lladdr", LIAR_MAC, "dev", "veth-tl", "nud", "permanent")
        sh("ip", "-n", liar, "neigh", "replace", LINK_TGT, "lladdr", TGT_MAC, "dev", "veth-liar", "nud", "permanent")
        nsx(tgt, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
        sh("ip", "-n", tgt, "route", "add", NET, "via", LINK_LIAR, "dev", "veth-tl")
        sh("ip", "-n", scan, "route", "add", NET, "via", "198.18.0.2", "dev", "veth-scan")
        sh("ip", "-n", liar, "route", "add", "198.18.0.0/24", "via", LINK_TGT, "dev", "veth-liar")
        # The tarpit's address is routed here but not local: its kernel stays silent.
        for addr in (SYN_PROXY, ANSWERS_ALL, RATE_BLOCK, MANY):
            sh("ip", "-n", liar, "addr", "add", f"{addr}/32", "dev", "lo")
        subprocess.run(["ip", "netns", "exec", liar, "nft", "-f", "-"], input=ruleset(), text=True, check=True)
        nsx(liar, "sysctl", "-q", "-w", "net.netfilter.nf_conntrack_tcp_loose=0", check=False)

        listener = os.path.join(SCRIPT_DIR, "lab_listener.py")
        behind_every_port = ["--transparent"]
        if os.path.exists(SSHD):
            behind_every_port += ["--exec", f"{SSHD} -i -e -f {sshd_config(run_dir)}"]
        else:
            print(f"liarlab: no {SSHD} (openssh-server): {ANSWERS_ALL} answers every port with a listener "
                  "that says nothing", file=sys.stderr)
        for addr, ports, what in ((SYN_PROXY, SYN_PROXY_SERVICES, "synproxy"), (ANSWERS_ALL, [REDIRECT_PORT], "redirect"),
                                  (RATE_BLOCK, RATE_BLOCK_SERVICES, "rateblock"), (MANY, MANY_LISTENERS, "many")):
            extra = behind_every_port if addr == ANSWERS_ALL else []
            start(liar, run_dir, what, [PYTHON, listener, "--host", addr, *extra, *map(str, ports)])
            wait_listening(liar, addr, ports, f"the listeners of {addr}")
        start(liar, run_dir, "tarpit", [PYTHON, os.path.join(SCRIPT_DIR, "lab_tarpit.py"), "--interface", "veth-liar",
                                        "--address", TARPIT, "--window", str(TARPIT_WINDOW),
                                        "--pidfile", os.path.join(run_dir, "tarpit.pid")])
        for _ in range(100):
            if os.path.exists(os.path.join(run_dir, "tarpit.pid")):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("liarlab: the tarpit did not start: " + open(os.path.join(run_dir, "tarpit.log")).read())
        # The safety rule, checked: N-liar routes only to the lab.
        routes = nsx(liar, "ip", "-4", "route", "show", "table", "main", capture_output=True, text=True).stdout
        if "default" in routes or any(not line.startswith("198.18.") for line in routes.splitlines() if line.strip()):
            raise RuntimeError("liarlab: N-liar has a route outside the lab:\n" + routes)
    except BaseException:
        down(name)
        raise
    print(f"liarlab: liars up in {liar}: syn-proxy {SYN_PROXY}, answers-all {ANSWERS_ALL}, tarpit {TARPIT}, "
          f"rate-block {RATE_BLOCK} ({RATE_BLOCK_PPS} SYN/s, {RATE_BLOCK_SECONDS} s), {len(MANY_LISTENERS)} listeners {MANY}",
          file=sys.stderr)


def down(name):
    scan, tgt, liar = f"{name}-scan", f"{name}-tgt", f"{name}-liar"
    if ns_exists(liar):
        pids = subprocess.run(["ip", "netns", "pids", liar], capture_output=True, text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), 15)
            except (ProcessLookupError, ValueError):
                pass
        time.sleep(0.1)
        for pid in subprocess.run(["ip", "netns", "pids", liar], capture_output=True, text=True).stdout.split():
            try:
                os.kill(int(pid), 9)
            except (ProcessLookupError, ValueError):
                pass
        sh("ip", "netns", "del", liar, check=False)
    if ns_exists(tgt):
        sh("ip", "-n", tgt, "link", "del", "veth-tl", check=False, stderr=subprocess.DEVNULL)
    if ns_exists(scan):
        sh("ip", "-n", scan, "route", "del", NET, check=False, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["up", "down"])
    ap.add_argument("--name", default="pa")
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("liarlab: need root (network namespaces, nftables)")
    up(args.name) if args.command == "up" else down(args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
