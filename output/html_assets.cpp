#include "output/html_assets.h"

namespace portauth::output {

const char* const kHtmlStyle = R"CSS(
:root{--open:#d62728;--closed:#1f6fd1;--stealth:#2ca02c;--unprobed:#c8c8c8;--ink:#1d232b;--muted:#5d6773;
--line:#dde2e8;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#1d232b;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px;font-weight:600}
header h1 span{font-weight:400;color:#9fb3c8;margin-left:8px}
header .meta{margin:6px 0 0;color:#c3ccd6;font-size:13px}
header code{color:#fff;background:#2d3540;padding:1px 5px;border-radius:3px;word-break:break-all}
main{padding:8px 28px 28px;max-width:1400px}
h2{font-size:18px;margin:26px 0 10px}
h3{font-size:15px;margin:18px 0 8px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:18px}
.card{background:#fff;border:1px solid var(--line);border-left:6px solid #888;border-radius:6px;padding:10px 18px;
min-width:130px;color:var(--muted)}
.card b{display:block;font-size:28px;color:var(--ink)}
.card.open{border-left-color:var(--open)}.card.closed{border-left-color:var(--closed)}
.card.stealth{border-left-color:var(--stealth)}
.verdict{margin:16px 0 0;padding:10px 14px;border-radius:6px;background:#fff;border:1px solid var(--line)}
.verdict.pass{border-color:var(--stealth);background:#eef8ee}.verdict.fail{border-color:var(--open);background:#fdf0f0}
.pass{color:#1d7a1d;font-weight:600}.fail{color:#b3191a;font-weight:600}
.legend{color:var(--muted);font-size:13px}
.key{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin:0 4px 0 10px}
.key.open,.cell.open,.hm.open{background:var(--open)}.key.closed,.cell.closed,.hm.closed{background:var(--closed)}
.key.stealth,.cell.stealth,.hm.stealth{background:var(--stealth)}
.key.unprobed,.cell.unprobed,.hm.unprobed{background:var(--unprobed)}
details.host{background:#fff;border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:8px 12px}
details.host summary{cursor:pointer}
.grid{display:grid;gap:2px;margin:10px 0 4px;width:max-content;max-width:100%;overflow:auto}
.grid.small{gap:1px}.grid.tiny{gap:0}
.rl{font:11px/1 ui-monospace,Menlo,Consolas,monospace;color:var(--muted);text-align:right;padding-right:6px;
align-self:center}
.grid.small .rl{font-size:9px}
.cell{display:block;width:100%;aspect-ratio:1;border-radius:2px;cursor:pointer}
.grid.tiny .cell{border-radius:0}
.cell:hover,.cell.sel{outline:2px solid #111;outline-offset:-1px}
#heatmap table{border-collapse:collapse;font-size:12px}
#heatmap td{padding:1px 6px 1px 0;white-space:nowrap}
#heatmap .bar{display:flex;gap:1px}
.hm{display:inline-block;width:9px;height:14px;cursor:pointer}
.tip,.pinned{background:#fff;border:1px solid #aab3bd;border-radius:6px;box-shadow:0 4px 14px rgba(0,0,0,.15);
padding:8px 12px;font-size:13px;max-width:420px}
.tip{position:fixed;pointer-events:none;z-index:10}
.pinned{position:sticky;top:8px;z-index:5;margin:8px 0;max-width:none}
.tip b,.pinned b{font-size:14px}
.st{font-weight:600}.st.open{color:var(--open)}.st.closed{color:var(--closed)}.st.stealth{color:var(--stealth)}
table.ports{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);font-size:13px}
table.ports th{text-align:left;background:#eef1f4;padding:6px 8px;border-bottom:1px solid var(--line)}
table.ports td{padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
table.ports td.desc{color:var(--muted);max-width:560px}
.risk{padding:1px 7px;border-radius:9px;font-size:12px;font-weight:600;background:#e6e9ed}
.risk.high{background:#fbd5d5;color:#9b1c1c}.risk.medium{background:#fde8c8;color:#8a4b00}
.risk.low{background:#fdf6c3;color:#6b5a00}.risk.info{background:#e3ecf7;color:#1e4a7a}
.note{color:var(--muted);font-size:13px}
footer{padding:14px 28px;color:var(--muted);font-size:12px;border-top:1px solid var(--line)}
)CSS";

const char* const kHtmlScript = R"JS(
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("portauth-data").textContent);
  var ports = [];
  D.ports.forEach(function (r) { for (var p = r[0]; p <= r[1]; p++) ports.push(p); });
  var n = ports.length;
  function stateOf(code) { return code < 0 || code >= D.states.length ? "unprobed" : D.states[code]; }
  function codeAt(h, k) { var c = D.hosts[h].s.charCodeAt(k); return c === 46 ? -1 : c - 97; }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function describe(h, k) {
    var code = codeAt(h, k), st = stateOf(code), port = ports[k], a = D.ann[port] || ["", "", ""];
    var html = "<b>" + port + "/tcp</b> on " + esc(D.hosts[h].ip) + "<br><span class=\"st " + st + "\">" + st +
        "</span>" + (code >= 0 ? " (" + esc(D.reasons[code]) + ")" : " (no result: the scan was interrupted)");
    html += "<br>" + (a[0] ? "<b>" + esc(a[0]) + "</b>" : "unknown service") + (a[1] ? ": " + esc(a[1]) : "");
    if (a[2]) html += "<br>risk if open: <span class=\"risk " + esc(a[2]) + "\">" + esc(a[2]) + "</span>";
    return html;
  }
  var cols = Math.min(n, n <= 1056 ? 32 : n <= 8192 ? 64 : 256);
  var size = n <= 1056 ? 18 : n <= 8192 ? 11 : 4;
  var kind = n <= 1056 ? "" : n <= 8192 ? " small" : " tiny";
  function render(h) {
    var g = document.querySelector('.grid[data-host="' + h + '"]');
    if (!g || g.getAttribute("data-drawn")) return;
    g.setAttribute("data-drawn", "1");
    g.className = "grid" + kind;
    // Row labels (the first port of each row), as on ShieldsUP's grid; not on the tiny grid.
    var labels = size >= 11;
    g.style.gridTemplateColumns = (labels ? "auto " : "") + "repeat(" + cols + ", " + size + "px)";
    var frag = document.createDocumentFragment();
    for (var k = 0; k < n; k++) {
      if (labels && k % cols === 0) {
        var l = document.createElement("span");
        l.className = "rl";
        l.textContent = ports[k];
        frag.appendChild(l);
      }
      var c = document.createElement("i");
      c.className = "cell " + stateOf(codeAt(h, k));
      c.setAttribute("data-k", k);
      frag.appendChild(c);
    }
    g.appendChild(frag);
  }
  // Draw the first hosts at once, the rest when opened: a sweep of many hosts would
  // otherwise ask the browser for millions of cells.
  var budget = 200000;
  Array.prototype.forEach.call(document.querySelectorAll("details.host"), function (d) {
    var h = +d.getAttribute("data-host");
    if (budget >= n || h === 0) { d.open = true; render(h); budget -= n; }
    d.addEventListener("toggle", function () { if (d.open) render(h); });
  });
  // Heat map: one row per host, its ports in up to 64 buckets coloured by the most exposed
  // state inside (open, then closed, then stealth).
  var hm = document.getElementById("heatmap");
  if (hm) {
    var buckets = Math.min(64, n), per = Math.ceil(n / buckets), rank = {open: 3, closed: 2, stealth: 1, unprobed: 0};
    var rows = [], maxRows = Math.min(D.hosts.length, 4096);
    for (var h = 0; h < maxRows; h++) {
      var cells = [], open = 0, closed = 0;
      for (var b = 0; b * per < n; b++) {
        var best = "unprobed", bo = 0, bc = 0;
        for (var k = b * per; k < Math.min(n, (b + 1) * per); k++) {
          var st = stateOf(codeAt(h, k));
          if (st === "open") bo++; else if (st === "closed") bc++;
          if (rank[st] > rank[best]) best = st;
        }
        open += bo; closed += bc;
        var lo = ports[b * per], hi = ports[Math.min(n, (b + 1) * per) - 1];
        cells.push('<span class="hm ' + best + '" title="ports ' + lo + (hi !== lo ? "-" + hi : "") + ": " + bo +
                   " open, " + bc + ' closed"></span>');
      }
      rows.push('<tr data-host="' + h + '"><td><a href="#host-' + h + '">' + esc(D.hosts[h].ip) + "</a></td><td>" +
                open + " open, " + closed + ' closed</td><td><div class="bar">' + cells.join("") + "</div></td></tr>");
    }
    hm.innerHTML = "<table>" + rows.join("") + "</table>" + (D.hosts.length > maxRows ?
        '<p class="note">' + (D.hosts.length - maxRows) + " more hosts below.</p>" : "");
    hm.addEventListener("click", function (e) {
      var tr = e.target.closest("tr");
      if (!tr) return;
      var d = document.getElementById("host-" + tr.getAttribute("data-host"));
      d.open = true;
      d.scrollIntoView({block: "start"});
    });
  }
  var tip = document.getElementById("tip"), pinned = document.getElementById("pinned"), selected = null;
  function cellInfo(t) {
    var c = t && t.closest ? t.closest(".cell") : null;
    return c ? {cell: c, h: +c.parentNode.getAttribute("data-host"), k: +c.getAttribute("data-k")} : null;
  }
  document.addEventListener("mouseover", function (e) {
    var i = cellInfo(e.target);
    if (!i) { tip.hidden = true; return; }
    tip.innerHTML = describe(i.h, i.k);
    tip.hidden = false;
  });
  document.addEventListener("mousemove", function (e) {
    if (tip.hidden) return;
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth - 8) x = e.clientX - tip.offsetWidth - 14;
    if (y + tip.offsetHeight > window.innerHeight - 8) y = e.clientY - tip.offsetHeight - 14;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  });
  document.addEventListener("click", function (e) {
    var i = cellInfo(e.target);
    if (!i) return;
    if (selected) selected.classList.remove("sel");
    selected = i.cell;
    selected.classList.add("sel");
    pinned.innerHTML = describe(i.h, i.k);
    pinned.hidden = false;
  });
})();
)JS";

}  // namespace portauth::output
