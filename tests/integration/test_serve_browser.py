#!/usr/bin/env python3
"""`portauth serve` in a real browser: headless Chromium (Debian's) in the lab's client namespace.

The server runs in the lab's scanner namespace (198.18.0.1:8080); Chromium runs in the target
namespace, so the visitor is 198.18.0.2, whose ports tests/lab/profile.conf knows, and nothing
outside the lab can be reached (no route out; the browser's background traffic is switched off by
its flags). puppeteer-core (tests/browser/package.json, its lockfile) is installed with `npm ci` into
the build tree on first use. tests/browser/serve_browser.mjs does what a visitor does and reports;
this script judges:
  * the home page shows the visitor's own address;
  * All Service Ports fills the grid live (cells coloured one after another before the test is
    done), every one of the 1,056 cells in the state the profile gives, in under 5 s here (the
    benchmark holds the 2 s target); a custom list likewise;
  * the Port Authority navigates: Goto Port N+1 / N-1, Enter Port, a related port, the search box,
    a search hit, a trojan name, no N-1 at 0 and no N+1 at 65535; Probe Port 22 says open;
  * the report downloads; with JavaScript off the Common Ports test renders on the server, as
    profiled; no Content-Security-Policy violation and no script error anywhere;
  * the browser's whole session probed the visitor's address and nothing else, and every packet of
    the browser's namespace went to the server.
The screenshot is left in the build tree (serve.png); PORTAUTH_UPDATE_DOCS=1 also copies it to
docs/serve.png. Exit 0 pass, 1 fail, 77 skipped (no root, node, npm or chromium; registry offline).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402
import serve_lib  # noqa: E402

CLIENT = lablib.TARGET_IP
COMMON = [0, 21, 22, 23, 25, 79, 80, 110, 113, 119, 135, 139, 143, 389, 443, 445, 1002,
          1024, 1025, 1026, 1027, 1028, 1029, 1030, 1720, 5000]


def install_driver(repo, build_dir):
    """puppeteer-core into BUILD/serve-browser (npm ci from the lockfile); None when it cannot be."""
    node_dir = os.path.join(build_dir, "serve-browser")
    os.makedirs(node_dir, exist_ok=True)
    for f in ("package.json", "package-lock.json", "serve_browser.mjs"):
        shutil.copy(os.path.join(repo, "tests", "browser", f), node_dir)
    if not os.path.isdir(os.path.join(node_dir, "node_modules", "puppeteer-core")):
        inst = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=node_dir,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"})
        if inst.returncode != 0:
            lablib.log(f"SKIP: npm ci of puppeteer-core failed (registry unreachable?): {inst.stderr[-500:]}")
            return None
    return node_dir


def states_problems(what, states, addr, ports, profile):
    problems = []
    if sorted(int(p) for p in states) != sorted(ports):
        problems.append(f"{what}: {len(states)} cells, want {len(ports)}")
    for port in ports:
        want = profile.expected(addr, port)[0]
        got = states.get(str(port))
        if got != want:
            problems.append(f"{what}: cell {port} is {got!r}, want {want}")
    return problems


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    for tool in ("node", "npm", "chromium"):
        if shutil.which(tool) is None:
            lablib.log(f"SKIP: need {tool} (scripts/setup.sh installs chromium, nodejs and npm)")
            return lablib.SKIP
    node_dir = install_driver(args.repo, os.path.dirname(args.binary))
    if node_dir is None:
        return lablib.SKIP
    failed = 0
    with tempfile.TemporaryDirectory(prefix="portauth-browser-") as tmp, lablib.Lab(args.repo) as lab:
        profile = lablib.Profile(lab.profile_path)
        shot = os.path.join(tmp, "serve.png")
        with serve_lib.ServeProcess(lab, args.binary, ["--allow-clients", "198.18.0.0/15", "--wait", "0.5"]) as srv, \
                serve_lib.ProbeRecorder(lab.scan_ns) as rec, serve_lib.ProbeRecorder(lab.tgt_ns, "veth-tgt") as browser_side:
            run = subprocess.run(["ip", "netns", "exec", lab.tgt_ns, "node", os.path.join(node_dir, "serve_browser.mjs"),
                                  "http://198.18.0.1:8080/", shot], capture_output=True, text=True, timeout=180,
                                 env={**os.environ, "HOME": tmp})
        if run.returncode != 0 or not run.stdout.strip():
            lablib.log(f"FAIL: the browser driver: exit {run.returncode}\n{run.stderr[-3000:]}")
            return 1
        out = json.loads(run.stdout.strip().splitlines()[-1])
        s = out["steps"]

        problems = [f"browser: {e}" for e in out["errors"]]
        if s.get("home", {}).get("address") != CLIENT:
            problems.append(f"the home page shows {s.get('home', {}).get('address')!r}, want {CLIENT}")
        failed |= lablib.report("the home page shows the visitor's own address, without errors", problems)

        problems = []
        grid = s.get("service", {})
        if grid.get("state") != "done":
            problems.append(f"the service test ended {grid.get('state')!r}: {grid.get('status')}")
        problems += states_problems("service grid", grid.get("states", {}), CLIENT, range(1056), profile)
        times = sorted(grid.get("coloured_at", {}).values())
        done = grid.get("done_at")
        if not times or done is None:
            problems.append("no timing of the grid")
        else:
            lablib.log(f"  grid: first cell at {times[0]:.0f} ms, last at {times[-1]:.0f} ms, done at {done:.0f} ms "
                       f"({len(set(round(t) for t in times))} distinct moments)")
            if not times[0] < done or len(set(round(t) for t in times)) < 2:
                problems.append("the grid was not filled live: every cell at once, at the end")
            if done > 5000:
                problems.append(f"the grid took {done:.0f} ms")
        if grid.get("stream") != "closed":
            problems.append(f"the page did not see the end of the stream: {grid.get('stream')!r}")
        if grid.get("report_link") != "/report.txt":
            problems.append("no report link after the test")
        problems += states_problems("custom list", s.get("custom", {}).get("states", {}), CLIENT, [22, 23, 80], profile)
        failed |= lablib.report("the service grid fills live and matches the lab profile", problems)

        problems = []
        pa = s.get("port_authority", {})
        want = {"next": ("/port/80", "Port 80/tcp"), "prev": ("/port/79", "Port 79/tcp"),
                "enter": ("/port/443", "Port 443/tcp"), "hit": ("/port/31337", "Port 31337/tcp")}
        for step, (path, h1) in want.items():
            got = pa.get(step, {})
            if not got.get("url", "").endswith(path) or not got.get("h1", "").startswith(h1):
                problems.append(f"{step}: {got}, want {path} '{h1}...'")
        rel = pa.get("related", {})
        if not rel or not rel.get("url", "").endswith(rel.get("href", "?")) or \
                not rel.get("h1", "").startswith("Port " + rel.get("href", "/").split("/")[-1] + "/"):
            problems.append(f"related port link: {rel}")
        if "/port/31337" not in pa.get("search", {}).get("links", []):
            problems.append(f"search for back orifice: {pa.get('search')}")
        if "/search?q=" not in pa.get("trojan", {}).get("url", "") or "match" not in pa.get("trojan", {}).get("count", ""):
            problems.append(f"trojan name link: {pa.get('trojan')}")
        if pa.get("zero", {}).get("prev") or pa.get("zero", {}).get("next") != "/port/1":
            problems.append(f"port 0's navigation: {pa.get('zero')}")
        if pa.get("top", {}).get("next") or pa.get("top", {}).get("prev") != "/port/65534":
            problems.append(f"port 65535's navigation: {pa.get('top')}")
        probe = s.get("probe", {})
        if probe.get("state") != profile.expected(CLIENT, 22)[0]:
            problems.append(f"Probe Port 22: {probe}")
        failed |= lablib.report("the Port Authority pages navigate; Probe Port 22 answers", problems)

        problems = []
        rep = s.get("report", {})
        if rep.get("status") != 200 or "Port Authority Report" not in rep.get("text", "") or \
                "attachment" not in (rep.get("disposition") or ""):
            problems.append(f"report: {rep.get('status')} {rep.get('disposition')} {rep.get('text', '')[:100]!r}")
        nojs = s.get("nojs", {})
        if not nojs.get("h1", "").startswith("Common Ports") or not nojs.get("report"):
            problems.append(f"without JavaScript: {nojs.get('url')} {nojs.get('h1')!r}")
        problems += states_problems("no-script grid", nojs.get("states", {}), CLIENT, COMMON, profile)
        for where in ("home_csp", "pa_csp"):
            if s.get(where):
                problems.append(f"CSP violations ({where}): {s[where]}")
        failed |= lablib.report("the report downloads; without JavaScript the server renders the results; "
                                "no CSP violation", problems)

        problems = []
        probed = set(rec.result()["syn"]) | set(rec.result()["echo"])
        if probed != {CLIENT}:
            problems.append(f"probed {sorted(probed)}, want only {CLIENT}")
        scans = [line for line in srv.log().splitlines() if " scan client=" in line]
        if len(scans) != 4 or any(f"client={CLIENT} " not in line for line in scans):
            problems.append(f"{len(scans)} scans logged, want 4 of {CLIENT}: {scans}")
        # And the browser's side: every packet its namespace sent went to the server (the browser
        # and the kernel answering the probes alike), none anywhere else.
        elsewhere = sorted(d for d in browser_side.result()["every"] if d != "198.18.0.1")
        if elsewhere:
            problems.append(f"the browser's namespace sent packets to {elsewhere}")
        failed |= lablib.report("the browser session probed the visitor only, and reached nothing but the server",
                                problems)

        kept = os.path.join(os.path.dirname(args.binary), "serve.png")
        shutil.copy(shot, kept)
        if os.environ.get("PORTAUTH_UPDATE_DOCS") == "1":
            shutil.copy(shot, os.path.join(args.repo, "docs", "serve.png"))
        lablib.log(f"  screenshot: {kept}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
