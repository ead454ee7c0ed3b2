"""Helpers for the `portauth serve` tests (standard library only).

  * ServeProcess(lab, binary, args): `portauth serve` in the lab's scanner namespace, stopped with
    SIGTERM on exit; .log() is what it wrote on stderr.
  * run_clients(ns, jobs): HTTP clients inside namespace ns (this file run there as a script,
    `serve_lib.py client`): each job a dict, the results a list of dicts (see _client_job).
  * ProbeRecorder(ns, ifname): every probe that leaves ns on ifname while the with-block runs:
    TCP SYNs (without ACK) and ICMP echo requests, counted per destination, so a test can prove
    whom a server scanned, and that it scanned no one else.
"""
import http.client
import json
import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

HERE = os.path.abspath(__file__)


class ServeProcess:
    def __init__(self, lab, binary, args, port=8080, host="198.18.0.1"):
        self.lab, self.binary, self.args = lab, binary, list(args)
        self.host, self.port = host, port
        self.proc = None
        self.log_path = None

    def __enter__(self):
        import tempfile
        fd, self.log_path = tempfile.mkstemp(prefix="portauth-serve-", suffix=".log")
        self.log_file = os.fdopen(fd, "w")
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.lab.scan_ns, self.binary, "serve",
                                      "--listen", f"{self.host}:{self.port}", *self.args],
                                     stdin=subprocess.DEVNULL, stdout=self.log_file, stderr=self.log_file)
        deadline = time.monotonic() + 15
        while "listening on" not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"portauth serve did not start: {self.log()}")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    @property
    def pid(self):
        return self.proc.pid


def run_clients(ns, jobs, timeout=120):
    """Runs the jobs inside ns, each on a thread of its own, all released together."""
    out = subprocess.run(["ip", "netns", "exec", ns, lablib.PYTHON, HERE, "client"], input=json.dumps(jobs),
                         capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"clients failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout)


# --- the client side (inside the namespace) -----------------------------------------------------

def _connect(job):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if job.get("source"):
        s.bind((job["source"], 0))
    s.settimeout(job.get("timeout", 30))
    s.connect((job.get("host", "198.18.0.1"), job.get("port", 8080)))
    return s


def _read_reply(s, timeout, until_close=False):
    """Reads one reply (head, then Content-Length or chunked body, or until close)."""
    data = b""
    deadline = time.monotonic() + timeout
    closed = False
    while time.monotonic() < deadline:
        if not until_close and b"\r\n\r\n" in data:
            head, _, body = data.partition(b"\r\n\r\n")
            h = head.decode("latin1").lower()
            if h.startswith("http/1.1 100 "):
                data = body
                continue
            if "transfer-encoding: chunked" in h:
                if body.endswith(b"0\r\n\r\n"):
                    break
            else:
                length = 0
                for line in h.split("\r\n"):
                    if line.startswith("content-length:"):
                        length = int(line.split(":", 1)[1])
                if len(body) >= length:
                    break
        r, _, _ = select.select([s], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            break
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, OSError):
            closed = True
            break
        if not chunk:
            closed = True
            break
        data += chunk
    return data, closed


def _dechunk(body):
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        try:
            n = int(size_line.split(b";")[0], 16)
        except ValueError:
            return out
        if n == 0:
            break
        out, rest = out + rest[:n], rest[n + 2:]
    return out


def _parse(data):
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.setdefault(k.strip().lower(), v.strip())
    if headers.get("transfer-encoding") == "chunked":
        body = _dechunk(body)
    return status, headers, body.decode("utf-8", "replace")


def _client_job(job):
    """One job; returns a dict with what happened.

    kind "http":  method, path, headers {}, body (text) -> status, headers, body, seconds
    kind "raw":   data (latin1 text sent as is; "send_more": bytes sent after it in the background
                  as fast as the server takes them, up to "more_bytes") -> status, headers, body,
                  closed, seconds
    kind "trickle": data sent one byte every "interval" seconds until the server answers or closes
                  -> status, seconds, sent (bytes sent before the answer)
    kind "chatter": GET path every "interval" s for "seconds" s -> status (200 if all were), statuses
    kind "scan_until_done": POST /api/scan {"ports": ports}, honouring 429's Retry-After, up to
                  "attempts" -> status, attempts, statuses, body
    """
    t0 = time.monotonic()
    kind = job.get("kind", "http")
    try:
        if kind == "http":
            s = _connect(job)
            body = job.get("body", "").encode()
            headers = {"Host": "198.18.0.1:8080", **job.get("headers", {})}
            if body or job.get("method", "GET") == "POST":
                headers.setdefault("Content-Length", str(len(body)))
            req = f"{job.get('method', 'GET')} {job['path']} HTTP/1.1\r\n" + "".join(
                f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
            s.sendall(req.encode("latin1") + body)
            data, closed = _read_reply(s, job.get("timeout", 30))
            s.close()
            status, hdrs, text = _parse(data)
            return {"status": status, "headers": hdrs, "body": text, "closed": closed,
                    "seconds": time.monotonic() - t0}
        if kind == "raw":
            s = _connect(job)
            s.sendall(job["data"].encode("latin1"))
            more = job.get("more_bytes", 0)
            stop = threading.Event()

            def pump():
                chunk = b"x" * 65536
                sent = 0
                try:
                    s.setblocking(True)
                    while sent < more and not stop.is_set():
                        sent += s.send(chunk[:min(65536, more - sent)])
                except OSError:
                    pass
            t = threading.Thread(target=pump, daemon=True)
            if more:
                t.start()
            data, closed = _read_reply(s, job.get("timeout", 10), until_close=job.get("until_close", False))
            stop.set()
            s.close()
            status, hdrs, text = _parse(data)
            return {"status": status, "headers": hdrs, "body": text, "closed": closed,
                    "seconds": time.monotonic() - t0}
        if kind == "trickle":
            s = _connect(job)
            s.setblocking(False)
            data = job["data"].encode("latin1")
            got, sent = b"", 0
            while time.monotonic() - t0 < job.get("timeout", 30):
                if sent < len(data):
                    try:
                        s.send(data[sent:sent + 1])
                        sent += 1
                    except (BlockingIOError, OSError):
                        break
                r, _, _ = select.select([s], [], [], job.get("interval", 0.5))
                if r:
                    try:
                        chunk = s.recv(65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    got += chunk
                    if b"\r\n\r\n" in got:
                        break
            s.close()
            status = _parse(got)[0] if got else 0
            return {"status": status, "seconds": time.monotonic() - t0, "sent": sent}
        if kind == "chatter":  # GET `path` every `interval` seconds for `seconds` (other traffic of a visitor)
            statuses = []
            while time.monotonic() - t0 < job.get("seconds", 2):
                statuses.append(_client_job({"kind": "http", "path": job["path"], "source": job.get("source")})["status"])
                time.sleep(job.get("interval", 0.1))
            return {"status": 200 if statuses and all(x == 200 for x in statuses) else 0, "statuses": statuses}
        if kind == "scan_until_done":
            statuses = []
            for attempt in range(job.get("attempts", 30)):
                r = _client_job({"kind": "http", "method": "POST", "path": "/api/scan", "source": job.get("source"),
                                 "headers": {"Content-Type": "application/json"},
                                 "body": json.dumps({"ports": job["ports"]}), "timeout": 60})
                statuses.append(r["status"])
                if r["status"] != 429:
                    return {"status": r["status"], "attempts": attempt + 1, "statuses": statuses, "body": r["body"],
                            "retry_after_seen": job.get("_seen", [])}
                job.setdefault("_seen", []).append(r["headers"].get("retry-after"))
                time.sleep(min(float(r["headers"].get("retry-after", "1")), 5) * (0.5 + (attempt % 3) * 0.25))
            return {"status": 429, "attempts": len(statuses), "statuses": statuses, "body": ""}
        raise ValueError(f"unknown job kind {kind}")
    except Exception as e:  # a failed job is a result, never a crashed test driver
        return {"status": 0, "error": f"{type(e).__name__}: {e}", "seconds": time.monotonic() - t0}


def _client_main():
    jobs = json.load(sys.stdin)
    results = [None] * len(jobs)
    start = threading.Barrier(len(jobs)) if jobs else None

    def run(i):
        start.wait()
        results[i] = _client_job(jobs[i])
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(results))


# --- who was probed ---------------------------------------------------------------------------

class ProbeRecorder:
    """Counts the probes leaving namespace ns on ifname: TCP SYN (no ACK) and ICMP echo requests.

    result() after the block: {"syn": {dst: count}, "echo": {dst: count}, "syn_ports": {dst: [ports]},
    "every": {dst: count}} (every outgoing IPv4 and IPv6 packet, by destination).
    """

    def __init__(self, ns, ifname="veth-scan"):
        self.ns, self.ifname = ns, ifname
        self.proc = None
        self.result_ = None

    def __enter__(self):
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.ns, lablib.PYTHON, HERE, "record", self.ifname],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            self.proc.kill()
            raise RuntimeError("probe recorder did not start")
        return self

    def __exit__(self, *exc):
        time.sleep(0.3)
        out, _ = self.proc.communicate(input="", timeout=20)
        self.result_ = json.loads(out)
        return False

    def result(self):
        return self.result_


def _record_main(ifname):
    ETH_P_ALL, PACKET_OUTGOING = 0x0003, 4
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24)
    syn, echo, ports, every = {}, {}, {}, {}

    def drain():
        while True:
            try:
                frame, addr = s.recvfrom(65535, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            if addr[2] != PACKET_OUTGOING:
                continue
            if addr[1] == 0x86DD and len(frame) >= 54:  # IPv6: only where it went
                dst6 = socket.inet_ntop(socket.AF_INET6, frame[38:54])
                every[dst6] = every.get(dst6, 0) + 1
                continue
            if addr[1] != 0x0800 or len(frame) < 34:
                continue
            ip = frame[14:]
            ihl = (ip[0] & 15) * 4
            dst = socket.inet_ntoa(ip[16:20])
            every[dst] = every.get(dst, 0) + 1
            if ip[9] == 6 and len(ip) >= ihl + 14:
                flags = ip[ihl + 13]
                if flags & 0x02 and not flags & 0x10:  # SYN without ACK: a probe (or a connect)
                    syn[dst] = syn.get(dst, 0) + 1
                    ports.setdefault(dst, set()).add(struct.unpack("!H", ip[ihl + 2:ihl + 4])[0])
            elif ip[9] == 1 and len(ip) > ihl and ip[ihl] == 8:
                echo[dst] = echo.get(dst, 0) + 1

    print("ready", flush=True)
    while True:
        r, _, _ = select.select([s, sys.stdin], [], [])
        if s in r:
            drain()
        if sys.stdin in r and not os.read(sys.stdin.fileno(), 1):
            drain()
            break
    print(json.dumps({"syn": syn, "echo": echo, "syn_ports": {k: sorted(v) for k, v in ports.items()},
                      "every": every}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["client"]:
        _client_main()
    elif len(sys.argv) == 3 and sys.argv[1] == "record":
        _record_main(sys.argv[2])
    else:
        sys.exit("usage: serve_lib.py client | record IFNAME  (inside a namespace)")
