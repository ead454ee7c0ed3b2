#!/usr/bin/env python3
"""`portauth serve` in the lab: the API against the lab profile, and every attack on the policy.

The server runs in the lab's scanner namespace (198.18.0.1:8080, --allow-clients up to
198.18.1.223, --trusted-proxy 198.18.1.250, --max-scans 6, --wait 0.5 to keep the test short);
the clients run in the target namespace, as
198.18.0.2 or bound to AnyIP addresses of 198.18.1.0/24, so the "visitor" is a lab host whose ports
tests/lab/profile.conf knows. A recorder on the scanner's veth counts every probe that leaves
(TCP SYN, ICMP echo) per destination, for the whole test: at the end the set of probed addresses
must be exactly the clients that asked for a scan, whatever the others tried.

Checks:
  API       GET /api/port/22 is `portauth lookup 22 --format json`; POST /api/scan {"ports":
            "service"} from 198.18.0.2 reports all 1,056 ports as profiled; the streaming form
            sends begin, one event per port, done; the report downloads
  -sV       a real OpenSSH (sshd -D, a fresh host key) in the client's namespace on 2022, a port
            the database gives to another service: "Probe Port 2022" names ssh, OpenSSH and the
            version the daemon itself sends in its greeting, explains it and shows ssh's page; the
            stream's port objects carry the JSONL service object (ssh, OpenSSH, that version;
            tcpwrapped on 22, where the lab's listener closes at once), after the port's event;
            the report says what answers
  smuggling a target in the query, the JSON body, the path, a header, a form field, and
            REMOTE_ADDR: 400 each, and logged; X-Forwarded-For / Forwarded from a client: ignored
            (its own address is scanned); through the trusted proxy: the client it names
            (rightmost untrusted) is scanned, one outside --allow-clients gets 403
  refusals  a client outside --allow-clients: 403 at connect; 10 MB bodies: 413 at once
            (Content-Length) or 411 (chunked); path traversal: 400, never a file
  TruStealth a visitor whose firewall drops every probe and ping but lets its own connections
            through PASSES all three checks: its HTTP packets to the server are not unsolicited
  load      50 clients (50 addresses) start a scan at once: at most --max-scans run together,
            the rest get 429 with Retry-After, and retrying as told every one gets its own
            address's results; 20 slow clients trickling their requests get 408 after the
            request deadline while everyone else is served
  the process: uid not 0, CAP_NET_RAW only, no_new_privs; one log line per scan
  defaults  with no option at all, in a namespace with only loopback: the visitor 127.0.0.1 tests
            itself; on [::], ::1 and 127.0.0.1 over one socket
Exit 0 pass, 1 fail, 77 skipped.
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402
import serve_lib  # noqa: E402

ALLOW = "198.18.0.0/24,198.18.1.0/25,198.18.1.128/26,198.18.1.192/27"  # up to 198.18.1.223
PROXY = "198.18.1.250"
OUTSIDE = "198.18.1.230"  # may not connect
CLIENT = lablib.TARGET_IP  # 198.18.0.2
VIA_PROXY = "198.18.1.77"
CROWD = [f"198.18.1.{i}" for i in range(144, 194)]  # 50 addresses answering like the host
SMUGGLED = [f"198.18.1.{i}" for i in range(50, 60)]  # named by attempts: never probed
STEALTHY = "198.18.1.70"  # drops all TCP and pings (the profile); behind a stateful firewall here
COMMON = [0, 21, 22, 23, 25, 79, 80, 110, 113, 119, 135, 139, 143, 389, 443, 445, 1002,
          1024, 1025, 1026, 1027, 1028, 1029, 1030, 1720, 5000]


def post_json(path, body, **kw):
    return {"kind": "http", "method": "POST", "path": path, "headers": {"Content-Type": "application/json",
                                                                        **kw.pop("headers", {})},
            "body": body if isinstance(body, str) else json.dumps(body), **kw}


def check_ports(what, ports, addr, want_ports, profile):
    problems = []
    got = {p["port"]: p for p in ports}
    if sorted(got) != sorted(want_ports):
        problems.append(f"{what}: {len(got)} ports reported, want {len(want_ports)}")
    for port in want_ports:
        if port not in got:
            continue
        want = profile.expected(addr, port)
        have = (got[port]["state"], got[port]["reason"])
        if have != want:
            problems.append(f"{what}: {addr}:{port} is {have}, want {want}")
    return problems


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    failed = 0
    with lablib.Lab(args.repo) as lab:
        profile = lablib.Profile(lab.profile_path)
        tgt = lab.tgt_ns
        with serve_lib.ServeProcess(lab, args.binary, ["--allow-clients", ALLOW, "--trusted-proxy", PROXY,
                                                       "--max-scans", "6", "--wait", "0.5"]) as srv, \
                serve_lib.ProbeRecorder(lab.scan_ns) as rec:
            # The slow clients start first and run in the background: the request deadline is 10 s.
            slow_results = {}
            slow_request = "GET / HTTP/1.1\r\nHost: 198.18.0.1:8080\r\nX-Slow: " + "a" * 400 + "\r\n\r\n"
            slow = threading.Thread(target=lambda: slow_results.setdefault("r", serve_lib.run_clients(
                tgt, [{"kind": "trickle", "data": slow_request, "interval": 0.4, "timeout": 20,
                       "source": f"198.18.1.{10 + i % 10}"} for i in range(20)], timeout=60)))
            slow.start()
            t_slow = time.monotonic()

            # --- the process ---------------------------------------------------------------------
            problems = []
            status = open(f"/proc/{srv.pid}/status").read()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields["Uid"].split()[0] == "0":
                problems.append(f"runs as uid 0: {fields['Uid'].strip()}")
            if int(fields["CapEff"], 16) != 1 << 13 or int(fields["CapPrm"], 16) != 1 << 13:
                problems.append(f"capabilities {fields['CapPrm'].strip()}/{fields['CapEff'].strip()}, "
                                "want CAP_NET_RAW (0x2000) only")
            if fields.get("NoNewPrivs", "").strip() != "1":
                problems.append("no_new_privs is not set")
            failed |= lablib.report("the server runs unprivileged with CAP_NET_RAW only", problems)

            # --- the API ---------------------------------------------------------------------------
            problems = []
            lookup = subprocess.run([args.binary, "lookup", "22", "--format", "json"], capture_output=True,
                                    text=True, check=True)
            r = serve_lib.run_clients(tgt, [{"kind": "http", "path": "/api/port/22"}])[0]
            if r["status"] != 200 or json.loads(r["body"]) != json.loads(lookup.stdout):
                problems.append(f"GET /api/port/22 is not lookup's JSON: {r['status']} {r['body'][:200]}")
            for h in ("content-security-policy", "x-content-type-options", "x-frame-options"):
                if h not in r.get("headers", {}):
                    problems.append(f"no {h} header")
            if "frame-ancestors 'none'" not in r.get("headers", {}).get("content-security-policy", ""):
                problems.append("CSP without frame-ancestors 'none'")
            r = serve_lib.run_clients(tgt, [post_json("/api/scan", {"ports": "service"})])[0]
            if r["status"] != 200:
                problems.append(f"POST /api/scan service: {r['status']} {r.get('body', '')[:300]}")
            else:
                d = json.loads(r["body"])
                if d["target"] != CLIENT:
                    problems.append(f"scan target {d['target']}, want {CLIENT}")
                problems += check_ports("service", d["ports"], CLIENT, range(1056), profile)
                lablib.log(f"  service scan of {CLIENT}: {d['counts']} in {d['seconds']:.2f} s "
                           f"(request {r['seconds']:.2f} s), TruStealth {d['trustealth']['passed']}")
            r = serve_lib.run_clients(tgt, [post_json("/api/scan/stream", {"ports": "common"})])[0]
            events = [block for block in r.get("body", "").split("\n\n") if block]
            names = [b.split("\n")[0] for b in events]
            if r["status"] != 200 or r["headers"].get("content-type", "").split(";")[0] != "text/event-stream":
                problems.append(f"stream: {r['status']} {r.get('headers')}")
            elif names[0] != "event: begin" or names[-1] != "event: done" or names.count("event: port") != 26:
                problems.append(f"stream events: {names[:3]} ... {names[-2:]} ({names.count('event: port')} ports)")
            else:
                ports = [json.loads(b.split("data: ", 1)[1]) for b in events if b.startswith("event: port")]
                problems += check_ports("stream", ports, CLIENT, COMMON, profile)
            r = serve_lib.run_clients(tgt, [{"kind": "http", "path": "/report.txt"}])[0]
            if r["status"] != 200 or "Port Authority Report" not in r["body"] or CLIENT not in r["body"]:
                problems.append(f"report: {r['status']} {r.get('body', '')[:200]}")
            failed |= lablib.report("the API scans the client and matches the lab profile", problems)
            failed |= check_what_answers(tgt)

            # --- a target named anywhere: 400, never probed ----------------------------------------
            problems = []
            s = SMUGGLED
            attempts = {
                "query": post_json(f"/api/scan?target={s[0]}", {"ports": "common"}),
                "JSON body": post_json("/api/scan", {"ports": "common", "target": s[1]}),
                "JSON ports": post_json("/api/scan", {"ports": s[2]}),
                "path": post_json(f"/api/scan/{s[3]}", {"ports": "common"}),
                "stream path": post_json(f"/api/scan/stream/{s[4]}", {"ports": "common"}),
                "header": post_json("/api/scan", {"ports": "common"}, headers={"X-Scan-Target": s[5]}),
                "REMOTE_ADDR": post_json("/api/scan", {"ports": "common"}, headers={"REMOTE_ADDR": s[6]}),
                "form": {"kind": "http", "method": "POST", "path": "/scan", "body": f"test=common&host={s[7]}",
                         "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
                "probe form": {"kind": "http", "method": "POST", "path": "/probe", "body": f"port=22&ip={s[8]}",
                               "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            }
            results = serve_lib.run_clients(tgt, list(attempts.values()))
            for (what, _), res in zip(attempts.items(), results):
                if res["status"] != 400:
                    problems.append(f"target in the {what}: {res['status']}, want 400")
            failed |= lablib.report("a target named in the query, body, path, header or form is refused", problems)

            # --- forwarding headers ------------------------------------------------------------------
            problems = []
            results = serve_lib.run_clients(tgt, [
                post_json("/api/scan", {"ports": "22"}, headers={"X-Forwarded-For": s[9]}, source="198.18.0.2"),
                post_json("/api/scan", {"ports": "22"}, source=PROXY,
                          headers={"X-Forwarded-For": f"{s[9]}, {VIA_PROXY}"}),
                post_json("/api/scan", {"ports": "22"}, source=PROXY, headers={"X-Forwarded-For": "203.0.113.5"}),
                post_json("/api/scan", {"ports": "22"}, source=PROXY,
                          headers={"X-Forwarded-For": VIA_PROXY, "Forwarded": f"for={s[9]}"}),
                {"kind": "http", "path": "/", "source": OUTSIDE},
            ])
            got = [(r["status"], json.loads(r["body"]).get("target") if r["status"] == 200 else None)
                   for r in results[:4]]
            want = [(200, CLIENT), (200, VIA_PROXY), (403, None), (400, None)]
            if got != want:
                problems.append(f"X-Forwarded-For cases: {got}, want {want}")
            if results[4]["status"] != 403:
                problems.append(f"a client outside --allow-clients: {results[4]['status']}, want 403")
            failed |= lablib.report("X-Forwarded-For is honoured only from the trusted proxy", problems)

            # --- bodies, traversal -------------------------------------------------------------------
            problems = []
            big = ("POST /api/scan HTTP/1.1\r\nHost: 198.18.0.1:8080\r\nContent-Type: application/json\r\n"
                   "Content-Length: 10485760\r\n\r\n")
            chunked = ("POST /api/scan HTTP/1.1\r\nHost: 198.18.0.1:8080\r\nContent-Type: application/json\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n")
            results = serve_lib.run_clients(tgt, [
                {"kind": "raw", "data": big, "more_bytes": 10485760, "timeout": 10},
                {"kind": "raw", "data": chunked, "more_bytes": 10485760, "timeout": 10},
                {"kind": "raw", "data": "GET /static/../../../etc/passwd HTTP/1.1\r\nHost: 198.18.0.1\r\n\r\n"},
                {"kind": "raw", "data": "GET /static/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: 198.18.0.1\r\n\r\n"},
                {"kind": "raw", "data": "GET /..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: 198.18.0.1\r\n\r\n"},
                {"kind": "raw", "data": "GET /static/portauth.css/../../../../etc/shadow HTTP/1.1\r\nHost: x\r\n\r\n"},
            ])
            if results[0]["status"] != 413 or results[0]["seconds"] > 3:
                problems.append(f"10 MB Content-Length: {results[0]['status']} after {results[0]['seconds']:.1f} s, "
                                "want 413 at once")
            if results[1]["status"] != 411 or results[1]["seconds"] > 3:
                problems.append(f"10 MB chunked: {results[1]['status']} after {results[1]['seconds']:.1f} s, "
                                "want 411 at once")
            for r in results[2:]:
                if r["status"] != 400 or "root:" in r.get("body", ""):
                    problems.append(f"path traversal: {r['status']} {r.get('body', '')[:80]!r}")
            failed |= lablib.report("10 MB bodies and path traversal are refused", problems)

            # --- 50 clients at once ------------------------------------------------------------------
            problems = []
            t0 = time.monotonic()
            results = serve_lib.run_clients(tgt, [{"kind": "scan_until_done", "source": a, "ports": "common",
                                                   "attempts": 40} for a in CROWD], timeout=180)
            crowd_seconds = time.monotonic() - t0
            turned_away = sum(st == 429 for r in results for st in r.get("statuses", []))
            for addr, r in zip(CROWD, results):
                if r["status"] != 200:
                    problems.append(f"{addr}: {r['status']} after {r.get('attempts')} attempts {r.get('error', '')}")
                    continue
                d = json.loads(r["body"])
                if d["target"] != addr:
                    problems.append(f"{addr}: scanned {d['target']}")
                problems += check_ports(addr, d["ports"], addr, COMMON, profile)
            if turned_away == 0:
                problems.append("50 scans at once and none was told to wait (429): no global cap?")
            lablib.log(f"  50 clients: all done in {crowd_seconds:.1f} s, {turned_away} answers 429 on the way")
            failed |= lablib.report("50 clients at once: capped, told when to retry, each gets its own results",
                                    problems)

            # --- slow clients ------------------------------------------------------------------------
            problems = []
            r = serve_lib.run_clients(tgt, [{"kind": "http", "path": "/port/80"}])[0]
            if r["status"] != 200 or r["seconds"] > 1:
                problems.append(f"a page while slow clients hold connections: {r['status']} in {r['seconds']:.2f} s")
            slow.join()
            elapsed = time.monotonic() - t_slow
            for i, res in enumerate(slow_results.get("r", [])):
                if res["status"] != 408 or not 9 <= res["seconds"] <= 13:
                    problems.append(f"slow client {i}: {res['status']} after {res['seconds']:.1f} s "
                                    f"({res.get('sent')} bytes sent), want 408 after ~10 s")
            lablib.log(f"  20 slow clients cut off; the slow phase took {elapsed:.1f} s")
            failed |= lablib.report("slow clients get 408 at the request deadline, others are served meanwhile",
                                    problems)

            # --- TruStealth through the web: a stealth host behind a stateful firewall -------------
            # 198.18.1.70 drops every TCP packet and every ping (the profile); with one rule more,
            # "established connections pass" (its own connection to the server), it is what a
            # stateful firewall makes of a home network: it can browse, and nothing answers a probe.
            # Its HTTP packets to the server during the test are not "unsolicited": TruStealth must PASS.
            problems = []
            subprocess.run(["ip", "netns", "exec", tgt, "nft", "insert", "rule", "ip", "portauth_lab", "input",
                            "ct", "state", "established,related", "accept"], check=True)
            # While it is tested, the visitor keeps talking to the server (other pages, as a browser
            # does): those packets reach the capture, and must not count against it.
            r, chatter = serve_lib.run_clients(tgt, [post_json("/api/scan", {"ports": "common"}, source=STEALTHY),
                                                     {"kind": "chatter", "path": "/port/80", "source": STEALTHY,
                                                      "seconds": 1.5, "interval": 0.1}])
            if chatter["status"] != 200 or len(chatter["statuses"]) < 5:
                problems.append(f"the visitor's other requests: {chatter}")
            if r["status"] != 200:
                problems.append(f"{STEALTHY}: {r['status']} {r.get('body', '')[:200]}")
            else:
                d = json.loads(r["body"])
                problems += check_ports(STEALTHY, d["ports"], STEALTHY, COMMON, profile)
                ts = d["trustealth"]
                for check in ("all_stealth", "unsolicited", "ping"):
                    if not ts[check]["passed"]:
                        problems.append(f"{check}: FAILED: {ts[check]['detail']}")
                if not ts["passed"] or ts["echo_requests"] == 0:
                    problems.append(f"TruStealth {ts['passed']} with {ts['echo_requests']} pings sent")
            failed |= lablib.report("a stealth visitor behind a stateful firewall PASSES TruStealth: its own "
                                    "HTTP packets are not unsolicited", problems)

        # --- who was probed ------------------------------------------------------------------------
        problems = []
        probed = set(rec.result()["syn"]) | set(rec.result()["echo"])
        want = {CLIENT, VIA_PROXY, STEALTHY, *CROWD}
        if probed != want:
            problems.append(f"probed {sorted(probed - want)} that asked for nothing; "
                            f"not probed: {sorted(want - probed)}")
        for addr in SMUGGLED + [OUTSIDE, PROXY, "203.0.113.5"]:
            if addr in probed:
                problems.append(f"{addr} was probed")
        failed |= lablib.report(f"probes went to the {len(want)} clients that asked, and to no one else", problems)

        # --- the log ---------------------------------------------------------------------------------
        problems = []
        log = srv.log()
        scans = [line for line in log.splitlines() if " scan client=" in line]
        refused = [line for line in log.splitlines() if " refused 400 " in line]
        # service, stream, -sV probe and stream, xff, proxy, the crowd, stealthy
        if len(scans) != 1 + 1 + 2 + 1 + 1 + len(CROWD) + 1:
            problems.append(f"{len(scans)} scan lines in the log, want {7 + len(CROWD)}")
        for line in scans:
            for key in ("client=", "test=", "ports=", "open=", "closed=", "stealth=", "trustealth=", "at="):
                if key not in line:
                    problems.append(f"scan line without {key}: {line}")
                    break
        if len(refused) < 9:
            problems.append(f"{len(refused)} refusals logged, want every smuggling attempt (9)")
        if srv.stop() != 0:
            problems.append(f"exit {srv.proc.returncode} after SIGTERM")
        failed |= lablib.report("every scan is logged in one line, every attempt too", problems)
    failed |= loopback_defaults(args)
    return failed


class Sshd:
    """OpenSSH's sshd in the foreground in namespace ns, on CLIENT:port, with a fresh host key."""

    def __init__(self, ns, port):
        self.ns, self.port, self.proc = ns, port, None

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="portauth-sshd-")
        d = self.dir.name
        os.makedirs("/run/sshd", exist_ok=True)  # sshd's privilege separation directory (empty)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{d}/key"], check=True)
        with open(f"{d}/sshd_config", "w") as f:
            f.write(f"Port {self.port}\nListenAddress {CLIENT}\nHostKey {d}/key\nPidFile none\nUsePAM no\n"
                    "PermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                    "AuthorizedKeysFile none\n")
        self.log = open(f"{d}/log", "w+")
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.ns, "/usr/sbin/sshd", "-D", "-e", "-f",
                                      f"{d}/sshd_config"], stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        return self

    def greeting(self, timeout=5):
        """The first line the daemon sends, read inside its namespace: what it says it is."""
        code = ("import socket,sys,time\n"
                "for i in range(50):\n"
                "    try: s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 2); break\n"
                "    except OSError: time.sleep(0.1)\n"
                "print(s.makefile('rb').readline().decode('latin1').rstrip())\n")
        return lablib.ns_run(self.ns, [lablib.PYTHON, "-c", code, CLIENT, str(self.port)],
                             timeout=timeout + 10).stdout.strip()

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)  # its session: the daemon and any child it forked
            self.proc.wait(10)
        self.log.close()
        self.dir.cleanup()
        return False


def check_what_answers(tgt):
    """-sV through the web: a real OpenSSH on a port the database gives to something else."""
    problems = []
    port = 2022  # "down" in the port database; not in the lab profile: closed unless something listens
    if not os.path.exists("/usr/sbin/sshd"):
        return lablib.report("Probe Port names what answers", ["no /usr/sbin/sshd: install openssh-server "
                                                               "(scripts/daemon_lab.sh install)"])
    with Sshd(tgt, port) as sshd:
        greeting = sshd.greeting()  # "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10"
        software = greeting.split("-", 2)[2].split(" ", 1)[0] if greeting.count("-") >= 2 else ""
        product, _, version = software.partition("_")
        if product != "OpenSSH" or not version:
            return lablib.report("Probe Port names what answers", [f"sshd's greeting: {greeting!r}"])
        lablib.log(f"  sshd on {CLIENT}:{port} says {greeting!r}")
        form = {"kind": "http", "method": "POST", "path": "/probe", "body": f"port={port}",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
        r = serve_lib.run_clients(tgt, [form])[0]
        page = r.get("body", "")
        for want in ('id="probe-state">open<', 'id="probe-service">ssh</b> (identified from its answer)',
                     f'id="probe-product">{product} {version} ', f"{product} answers SSH on port {port}/tcp",
                     "That is not what the port usually carries", 'data-port="22"',
                     f'id="probe-banner">{greeting}\\r\\n</code>'):
            if want not in page:
                problems.append(f"Probe Port {port}: no {want!r} ({r['status']}, {len(page)} bytes)")
        r = serve_lib.run_clients(tgt, [post_json("/api/scan/stream", {"ports": f"22,{port}"})])[0]
        events = [b.split("\n", 1) for b in r.get("body", "").split("\n\n") if b.startswith("event: ")]
        names = [e[0][len("event: "):] for e in events]
        data = [json.loads(e[1][len("data: "):]) for e in events]
        if names[:1] != ["begin"] or names[-1:] != ["done"] or sorted(names[1:-1]) != ["port", "port", "service",
                                                                                           "service"]:
            problems.append(f"stream events: {names}")
        else:
            done = {p["port"]: p for p in data[-1]["ports"]}
            ssh, wrapped = done[port]["service"], done[22]["service"]
            want = {"name": "ssh", "product": product, "version": version, "method": "probed", "answer": "identified"}
            if {k: ssh.get(k) for k in want} != want or not (ssh.get("banner") or "").startswith(greeting):
                problems.append(f"{port}'s service object: {ssh}, want {want} and the banner {greeting!r}")
            if (wrapped.get("name"), wrapped.get("answer")) != ("tcpwrapped", "tcpwrapped"):
                problems.append(f"22 (the lab listener closes at once): {wrapped}")
            at = {(n, d["port"]): i for i, (n, d) in enumerate(zip(names, data)) if n in ("port", "service")}
            if not at.get(("port", port), 99) < at.get(("service", port), -1):
                problems.append(f"the service event of {port} does not follow its port event: {names}")
            if data[-1].get("services", {}).get("identified") != 1:
                problems.append(f"services: {data[-1].get('services')}")
        r = serve_lib.run_clients(tgt, [{"kind": "http", "path": "/report.txt"}])[0]
        if f"{product} answers SSH on port {port}/tcp" not in " ".join(r.get("body", "").split()):
            problems.append(f"the report does not say what answers on {port}: {r.get('body', '')[-600:]}")
    return lablib.report(f"Probe Port {port}, the API and the report name {product} {version} as the daemon does",
                         problems)


def loopback_defaults(args):
    """`portauth serve` with no options at all, and on [::] for both families, in a namespace with only
    its loopback: the visitor is 127.0.0.1 (the default allow list), then ::1 and 127.0.0.1 over one
    dual-stack socket; a scan of the visitor finds the server's own port open."""
    ns = f"pa{os.getpid()}-lo6"
    problems = []
    subprocess.run(["ip", "netns", "add", ns], check=True)
    procs = []
    try:
        lablib.ns_run(ns, ["ip", "link", "set", "lo", "up"]).check_returncode()
        log = tempfile.TemporaryFile(mode="w+")
        for argv in ([], ["--listen", "[::]:8081"]):
            procs.append(subprocess.Popen(["ip", "netns", "exec", ns, args.binary, "serve", *argv],
                                          stdout=log, stderr=log, stdin=subprocess.DEVNULL))
        deadline = time.monotonic() + 10
        while True:
            log.seek(0)
            if log.read().count("listening on") == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        cases = [("127.0.0.1", 8080, "127.0.0.1"), ("[::1]", 8081, "::1"), ("127.0.0.1", 8081, "127.0.0.1")]
        for host, port, want in cases:
            url = f"http://{host}:{port}"
            page = lablib.ns_run(ns, ["curl", "-s", "-g", url + "/"], timeout=20).stdout
            if f'id="client-address">{want}<' not in page:
                problems.append(f"{url}/ does not show {want}")
            out = lablib.ns_run(ns, ["curl", "-s", "-g", "-X", "POST", "-H", "Content-Type: application/json",
                                     "-d", json.dumps({"ports": f"{port},9"}), url + "/api/scan"], timeout=30).stdout
            try:
                d = json.loads(out)
                states = {p["port"]: p["state"] for p in d["ports"]}
                if d["target"] != want or states != {port: "open", 9: "closed"}:
                    problems.append(f"{url}: scanned {d['target']}: {states}")
            except (ValueError, KeyError) as e:
                problems.append(f"{url}/api/scan: {e}: {out[:200]}")
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    return lablib.report("with no options it serves loopback; on [::] IPv6 and IPv4 visitors alike", problems)


if __name__ == "__main__":
    sys.exit(main())
