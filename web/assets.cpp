#include "web/assets.h"

namespace portauth::web {

const char* const kStyleSheet = R"CSS(
:root{--open:#d62728;--closed:#1f6fd1;--stealth:#2ca02c;--pending:#d4d8dd;--ink:#1d232b;--muted:#5d6773;
--line:#dde2e8;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header.top{display:flex;align-items:center;gap:18px;flex-wrap:wrap;background:#1d232b;color:#fff;padding:10px 28px}
header.top .brand{color:#fff;font-weight:700;font-size:20px;text-decoration:none}
header.top nav a{color:#c3ccd6;text-decoration:none;margin-right:14px}
header.top nav a.on{color:#fff;border-bottom:2px solid #fff}
header.top form.search{margin-left:auto;display:flex;gap:6px}
header.top input[type=search]{width:260px;padding:5px 8px;border-radius:4px;border:1px solid #445}
main{padding:10px 28px 28px;max-width:1200px}
h1{font-size:26px;margin:18px 0 10px}h2{font-size:18px;margin:24px 0 8px}
a{color:#1457b8}
button{font:inherit;padding:6px 14px;border-radius:5px;border:1px solid #8895a3;background:#fff;cursor:pointer}
button:hover{background:#eef2f6}button:disabled{opacity:.5;cursor:default}
input{font:inherit;padding:5px 8px;border:1px solid #aab3bd;border-radius:4px}
.addr{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:18px}
.you{background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px 16px}
form.tests{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:12px}
.test{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px 14px}
.test button{font-weight:600;width:100%}
.test p{margin:8px 0 0;color:var(--muted);font-size:14px}
.test input{width:100%}
.st{font-weight:600}.st.open{color:var(--open)}.st.closed{color:var(--closed)}.st.stealth{color:var(--stealth)}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:14px}
.card{background:#fff;border:1px solid var(--line);border-left:6px solid #888;border-radius:6px;padding:8px 16px;
min-width:120px;color:var(--muted)}
.card b{display:block;font-size:26px;color:var(--ink)}
.card.open{border-left-color:var(--open)}.card.closed{border-left-color:var(--closed)}
.card.stealth{border-left-color:var(--stealth)}
.grid{display:grid;grid-template-columns:auto repeat(32,18px);gap:2px;margin:10px 0 4px;width:max-content;max-width:100%;
overflow:auto}
.rl{font:11px/1 ui-monospace,Menlo,Consolas,monospace;color:var(--muted);text-align:right;padding-right:6px;
align-self:center}
.cell{display:block;width:18px;height:18px;border-radius:2px;background:var(--pending)}
.cell.open,.key.open{background:var(--open)}.cell.closed,.key.closed{background:var(--closed)}
.cell.stealth,.key.stealth{background:var(--stealth)}
.cell:hover{outline:2px solid #111;outline-offset:-1px}
.legend{color:var(--muted);font-size:13px}
.key{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin:0 4px 0 10px}
table{border-collapse:collapse;background:#fff;border:1px solid var(--line);font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:#eef1f4}
table.ports{width:100%}td.desc{color:var(--muted);max-width:560px}
td.pass,.pass{color:#1d7a1d;font-weight:700}td.fail,.fail{color:#b3191a;font-weight:700}
.verdict{margin:12px 0 0;padding:10px 14px;border-radius:6px;background:#fff;border:1px solid var(--line)}
.verdict.pass{border-color:var(--stealth);background:#eef8ee;color:var(--ink);font-weight:400}
.verdict.fail{border-color:var(--open);background:#fdf0f0;color:var(--ink);font-weight:400}
.risk{padding:1px 7px;border-radius:9px;font-size:12px;font-weight:600;background:#e6e9ed}
.risk.high{background:#fbd5d5;color:#9b1c1c}.risk.medium{background:#fde8c8;color:#8a4b00}
.risk.low{background:#fdf6c3;color:#6b5a00}.risk.info{background:#e3ecf7;color:#1e4a7a}
.why{background:#fdf0f0;border:1px solid var(--open);border-radius:6px;padding:10px 14px}
.note,.none,small{color:var(--muted)}
nav.pa-nav{display:flex;align-items:center;justify-content:space-between;gap:12px;flex-wrap:wrap;background:#fff;
border:1px solid var(--line);border-radius:6px;padding:8px 14px;margin:14px 0}
nav.pa-nav form{display:inline-flex;gap:6px;align-items:center;margin:0}
nav.pa-nav .prev,nav.pa-nav .next{min-width:120px}nav.pa-nav .next{text-align:right}
dl.facts{display:grid;grid-template-columns:150px 1fr;gap:4px 12px;background:#fff;border:1px solid var(--line);
border-radius:6px;padding:12px 16px}
dl.facts dt{font-weight:600;color:var(--muted)}dl.facts dd{margin:0}
section.pa p{margin:6px 0}
.answered{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
#live{background:#fff;border:1px solid var(--line);border-radius:6px;padding:4px 16px 14px;margin-top:16px}
footer{padding:14px 28px;color:var(--muted);font-size:12px;border-top:1px solid var(--line)}
)CSS";

const char* const kScript = R"JS(
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  var live = document.getElementById("live");
  if (!form || !live || !window.fetch || !window.TextDecoder) return;
  var clicked = null;
  form.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button") : null;
    if (b) clicked = b;
  });
  form.addEventListener("submit", function (e) {
    var b = e.submitter || clicked;
    if (!b) return;
    var test = b.value;
    var ports = test === "service" ? "service" : test === "custom" ? document.getElementById("custom-ports").value : "common";
    e.preventDefault();
    run(test, b.textContent, ports);
  });

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = String(text);
    return n;
  }
  function buttons(on) {
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = !on; });
  }

  var cells, counts, tested, total, status, grid;

  function run(test, title, ports) {
    buttons(false);
    live.hidden = false;
    live.textContent = "";
    live.removeAttribute("data-stream");
    live.setAttribute("data-state", "running");
    live.setAttribute("data-test", test);
    live.appendChild(el("h2", "", title));
    status = live.appendChild(el("p", "testing", "Starting the test\u2026"));
    status.id = "live-status";
    grid = live.appendChild(el("div", "grid"));
    grid.id = "live-grid";
    cells = {};
    counts = {open: 0, closed: 0, stealth: 0};
    tested = 0;
    total = 0;
    fetch("/api/scan/stream", {
      method: "POST",
      headers: {"Content-Type": "application/json", "Accept": "text/event-stream"},
      body: JSON.stringify({ports: ports}),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (res) {
      if (!res.ok) {
        return res.json().then(function (j) { throw new Error(j.error || res.statusText); },
                               function () { throw new Error(res.status + " " + res.statusText); });
      }
      var reader = res.body.getReader(), dec = new TextDecoder(), buf = "";
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) {
            live.setAttribute("data-stream", "closed");
            return;
          }
          buf += dec.decode(r.value, {stream: true});
          var i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            event(buf.slice(0, i));
            buf = buf.slice(i + 2);
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      live.setAttribute("data-state", "error");
      var p = el("p", "why", "The test could not run: " + err.message);
      p.id = "live-error";
      live.appendChild(p);
    }).then(function () { buttons(true); });
  }

  function event(block) {
    var name = "message", data = "";
    block.split("\n").forEach(function (line) {
      if (line.indexOf("event: ") === 0) name = line.slice(7);
      else if (line.indexOf("data: ") === 0) data += line.slice(6);
    });
    var d;
    try { d = JSON.parse(data); } catch (e) { return; }
    if (name === "begin") begin(d);
    else if (name === "port") port(d);
    else if (name === "service") service(d);
    else if (name === "done") done(d);
    else if (name === "error") status.textContent = "The test could not run: " + d.error;
  }

  function begin(d) {
    var k = 0;
    total = d.count;
    d.ports.forEach(function (r) {
      for (var p = r[0]; p <= r[1]; p++, k++) {
        if (k % 32 === 0) grid.appendChild(el("span", "rl", p));
        var c = el("a", "cell pending");
        c.href = "/port/" + p;
        c.title = p + "/tcp: testing";
        c.setAttribute("data-port", p);
        grid.appendChild(c);
        cells[p] = c;
      }
    });
    status.textContent = "Testing " + d.target + ": " + total + (total === 1 ? " port" : " ports") + "\u2026";
  }

  // The service object (the JSONL writer's): the name found, inside TLS as "ssl/NAME", else the
  // database's; "unknown" when we talked to the port and nothing could be named.
  function serviceName(s) {
    if (!s) return "";
    if (s.method === "probed") return s.name ? (s.tunnel === "ssl" ? "ssl/" : "") + s.name : "unknown";
    return s.name || "";
  }
  function cellTitle(d) {
    var name = serviceName(d.service), what = d.answered;
    return d.port + "/tcp " + d.state + " (" + d.reason + ")" + (name ? ": " + name : "") + (what ? " " + what : "");
  }

  function port(d) {
    var c = cells[d.port];
    if (!c) return;
    c.className = "cell " + d.state;
    c.title = cellTitle(d);
    counts[d.state] = (counts[d.state] || 0) + 1;
    tested++;
    status.textContent = tested + " of " + total + " ports: " + counts.open + " open, " + counts.closed +
        " closed, " + counts.stealth + " stealth\u2026";
  }

  // What answers on an open port, once identified (after its port event).
  function service(d) {
    var c = cells[d.port];
    if (c) {
      c.title = cellTitle(d);
      c.setAttribute("data-service", serviceName(d.service));
    }
  }

  function row(tr, values) {
    values.forEach(function (v) {
      var td = tr.appendChild(el("td"));
      if (v && v.nodeType) td.appendChild(v); else td.textContent = v === undefined || v === null ? "" : String(v);
    });
  }

  function done(d) {
    d.ports.forEach(port0);
    d.ports.forEach(function (p) { if (p.service && p.service.method === "probed") service(p); });
    status.textContent = "Tested " + d.target + " in " + d.seconds.toFixed(2) + " s: " + d.counts.open + " open, " +
        d.counts.closed + " closed, " + d.counts.stealth + " stealth.";
    var cards = live.appendChild(el("div", "cards"));
    cards.id = "live-counts";
    ["open", "closed", "stealth", "tested"].forEach(function (k) {
      var card = cards.appendChild(el("div", "card " + k));
      card.appendChild(el("b", "", d.counts[k]));
      card.appendChild(document.createTextNode(k));
    });
    // Every open port; closed ones up to 50 (the grid shows them all, the report lists them).
    var closedShown = 0;
    var answered = d.ports.filter(function (p) { return p.state === "open"; }).concat(
        d.ports.filter(function (p) { return p.state === "closed" && closedShown++ < 50; }));
    live.appendChild(el("h2", "", "What answered"));
    if (!answered.length) {
      live.appendChild(el("p", "", "No tested port answered: nothing tells anyone that a system exists at your address."));
    } else {
      var t = live.appendChild(el("table", "ports"));
      var h = t.appendChild(el("thead")).appendChild(el("tr"));
      ["port", "state", "reason", "TTL", "service", "risk if open", "purpose"].forEach(function (x) { h.appendChild(el("th", "", x)); });
      var body = t.appendChild(el("tbody"));
      answered.forEach(function (p) {
        var a = el("a", "", p.port + "/tcp");
        a.href = "/port/" + p.port;
        var svc = el("span", "", serviceName(p.service) || "unknown");
        var what = p.answered;
        if (what) {
          var cell = el("span");
          cell.appendChild(svc);
          cell.appendChild(el("br"));
          cell.appendChild(el("span", "answered", what));
          svc = cell;
        }
        row(body.appendChild(el("tr", p.state)), [a, el("span", "st " + p.state, p.state), p.reason, p.ttl,
            svc, p.risk || "\u2013", p.purpose]);
      });
      if (d.counts.closed > 50)
        live.appendChild(el("p", "note", (d.counts.closed - 50) + " more closed ports are in the grid and the report."));
    }
    var ts = d.trustealth;
    live.appendChild(el("h2", "", "TruStealth analysis"));
    var ct = live.appendChild(el("table", "checks"));
    [["All ports stealth", ts.all_stealth], ["Unsolicited packets", ts.unsolicited], ["Ping reply", ts.ping]].forEach(function (x) {
      var tr = ct.appendChild(el("tr"));
      tr.appendChild(el("th", "", x[0]));
      tr.appendChild(el("td", x[1].passed ? "pass" : "fail", x[1].passed ? "PASSED" : "FAILED"));
      tr.appendChild(el("td", "", x[1].detail));
    });
    var v = live.appendChild(el("p", "verdict " + (ts.passed ? "pass" : "fail")));
    v.id = "live-verdict";
    v.appendChild(document.createTextNode("TruStealth: "));
    v.appendChild(el("b", "", ts.passed ? "PASSED" : "FAILED"));
    var after = live.appendChild(el("p", "after"));
    var r = after.appendChild(el("a", "", "Download the report"));
    r.href = d.report;
    r.setAttribute("download", "port-authority-report.txt");
    r.id = "live-report";
    live.setAttribute("data-state", d.complete ? "done" : "incomplete");
  }

  // A port the stream missed (its events are not guaranteed to arrive before "done").
  function port0(p) {
    var c = cells[p.port];
    if (c && c.className.indexOf("pending") >= 0) port(p);
  }
})();
)JS";

}  // namespace portauth::web
