// Drives Debian's Chromium (headless, through puppeteer-core) against `portauth serve`, as a
// visitor would, and prints what it saw as one JSON object for tests/integration/test_serve_browser.py
// to judge against the lab profile. Run inside the lab's client namespace, where nothing outside the
// lab can be reached.
//
//   node serve_browser.mjs BASE_URL SCREENSHOT.png
//
// Steps: the home page (the address shown); the All Service Ports test run live (every cell's
// state, when each was coloured, when the test was done) and a screenshot; a custom list; the Port
// Authority (Goto Port N+1 / N-1, Enter Port, a related port, search, a trojan name); Probe Port 22;
// the report; then the Common Ports test again with JavaScript off (the server-rendered page).
// Any Content-Security-Policy violation or script error is reported.
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import puppeteer from "puppeteer-core";

const [base, screenshot] = process.argv.slice(2);
const profileDir = mkdtempSync(join(tmpdir(), "portauth-chromium-"));
const out = {errors: [], steps: {}};
const browser = await puppeteer.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
         `--user-data-dir=${profileDir}`],
});

function watch(page) {
  page.on("console", (m) => { if (m.type() === "error") out.errors.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => out.errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    // A fetch whose body the page reads as a stream is sometimes reported "aborted" by DevTools once
    // the page has read it to its end (the page itself then sees the end: data-stream="closed",
    // which the steps below wait for and check); any other failure is an error.
    const streamEnd = r.url().endsWith("/api/scan/stream") && r.failure()?.errorText === "net::ERR_ABORTED";
    if (streamEnd) out.stream_aborts = (out.stream_aborts || 0) + 1;
    else out.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
}

async function cspWatch(page) {
  await page.evaluateOnNewDocument(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window.__csp = window.__csp || []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

async function cspViolations(page) { return page.evaluate(() => window.__csp || []); }

try {
  const page = await browser.newPage();
  watch(page);
  await cspWatch(page);
  await page.setViewport({width: 1280, height: 1500});

  // Home.
  await page.goto(base, {waitUntil: "load"});
  out.steps.home = {address: await page.$eval("#client-address", (e) => e.textContent),
                    title: await page.title()};

  // All Service Ports, live.
  await page.evaluate(() => {
    window.__cells = {};
    window.__t0 = performance.now();
    const live = document.getElementById("live");
    new MutationObserver((ms) => {
      for (const m of ms) {
        const t = m.target;
        if (t === live && live.getAttribute("data-state") !== "running" && window.__done === undefined)
          window.__done = performance.now() - window.__t0;
        if (t.classList && t.classList.contains("cell") && !t.classList.contains("pending") &&
            window.__cells[t.dataset.port] === undefined)
          window.__cells[t.dataset.port] = performance.now() - window.__t0;
      }
    }).observe(live, {subtree: true, attributes: true, attributeFilter: ["class", "data-state"]});
  });
  await page.click("#test-service");
  await page.waitForSelector('#live[data-state="done"], #live[data-state="error"], #live[data-state="incomplete"]',
                            {timeout: 30000});
  await page.waitForSelector('#live[data-stream="closed"]', {timeout: 10000}).catch(() => {});
  const grid = await page.evaluate(() => {
    const states = {};
    for (const c of document.querySelectorAll("#live-grid .cell")) states[c.dataset.port] = c.className.replace("cell ", "");
    return {state: document.getElementById("live").getAttribute("data-state"), states,
            coloured_at: window.__cells, done_at: window.__done,
            status: document.getElementById("live-status")?.textContent,
            verdict: document.getElementById("live-verdict")?.textContent,
            report_link: document.getElementById("live-report")?.getAttribute("href")};
  });
  grid.stream = await page.$eval("#live", (e) => e.getAttribute("data-stream"));
  out.steps.service = grid;
  await page.mouse.move(1270, 10);  // no cell under the pointer (hover outline)
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({path: screenshot, clip: {x: 0, y: 0, width: 1280, height: 1320}});

  // A custom list.
  await page.type("#custom-ports", "22,23,80");
  await page.click("#test-custom");
  await page.waitForFunction(() => {
    const l = document.getElementById("live");
    return l.getAttribute("data-test") === "custom" && l.getAttribute("data-stream") === "closed";
  }, {timeout: 30000});
  out.steps.custom = await page.evaluate(() => {
    const states = {};
    for (const c of document.querySelectorAll("#live-grid .cell")) states[c.dataset.port] = c.className.replace("cell ", "");
    return {state: document.getElementById("live").getAttribute("data-state"), states,
            error: document.getElementById("live-error")?.textContent};
  });
  out.steps.home_csp = await cspViolations(page);

  // The Port Authority.
  const pa = {};
  await page.goto(`${base}port/79`, {waitUntil: "load"});
  await Promise.all([page.waitForNavigation(), page.click("a.next")]);
  pa.next = {url: page.url(), h1: await page.$eval("h1", (e) => e.textContent)};
  await Promise.all([page.waitForNavigation(), page.click("a.prev")]);
  pa.prev = {url: page.url(), h1: await page.$eval("h1", (e) => e.textContent)};
  await page.type("nav.pa-nav input[name=n]", "443");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  pa.enter = {url: page.url(), h1: await page.$eval("h1", (e) => e.textContent)};
  const related = await page.$("p.related a");
  if (related) {
    const href = await related.evaluate((e) => e.getAttribute("href"));
    await Promise.all([page.waitForNavigation(), related.click()]);
    pa.related = {href, url: page.url(), h1: await page.$eval("h1", (e) => e.textContent)};
  }
  await page.type("header input[name=q]", "back orifice");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  pa.search = {url: page.url(), count: await page.$eval("#hit-count", (e) => e.textContent),
               links: await page.$$eval("table.hits a", (as) => as.map((a) => a.getAttribute("href")))};
  await Promise.all([page.waitForNavigation(), page.click('table.hits a[href="/port/31337"]')]);
  pa.hit = {url: page.url(), h1: await page.$eval("h1", (e) => e.textContent)};
  await Promise.all([page.waitForNavigation(), page.click("p.trojans a")]);
  pa.trojan = {url: page.url(), count: await page.$eval("#hit-count", (e) => e.textContent)};
  await page.goto(`${base}port/0`, {waitUntil: "load"});
  pa.zero = {prev: await page.$("a.prev") !== null, next: await page.$eval("a.next", (e) => e.getAttribute("href"))};
  await page.goto(`${base}port/65535`, {waitUntil: "load"});
  pa.top = {next: await page.$("a.next") !== null, prev: await page.$eval("a.prev", (e) => e.getAttribute("href"))};
  out.steps.port_authority = pa;

  // Probe Port 22 (a POST form: the result page).
  await page.goto(`${base}port/22`, {waitUntil: "load"});
  await Promise.all([page.waitForNavigation({timeout: 30000}), page.click("form.probe button")]);
  out.steps.probe = {url: page.url(), state: await page.$eval("#probe-state", (e) => e.textContent).catch(() => null),
                     h1: await page.$eval("h1", (e) => e.textContent)};

  // The report of the last test.
  out.steps.report = await page.evaluate(async () => {
    const r = await fetch("/report.txt");
    return {status: r.status, disposition: r.headers.get("content-disposition"), text: (await r.text()).slice(0, 4000)};
  });
  out.steps.pa_csp = await cspViolations(page);
  await page.close();

  // Without JavaScript: the form posts to /scan and the server renders the results.
  const plain = await browser.newPage();
  watch(plain);
  await plain.setJavaScriptEnabled(false);
  await plain.goto(base, {waitUntil: "load"});
  await Promise.all([plain.waitForNavigation({timeout: 30000}), plain.click("#test-common")]);
  out.steps.nojs = await plain.evaluate(() => {
    const states = {};
    for (const c of document.querySelectorAll("#grid .cell")) {
      const port = c.getAttribute("href").split("/").pop();
      states[port] = c.className.replace("cell ", "");
    }
    return {url: location.href, h1: document.querySelector("h1")?.textContent, states,
            verdict: document.getElementById("verdict")?.textContent,
            report: !!document.getElementById("report-link")};
  });
  await plain.close();
} catch (e) {
  out.errors.push(`driver: ${e.stack || e}`);
} finally {
  await browser.close();
  rmSync(profileDir, {recursive: true, force: true});
}
console.log(JSON.stringify(out));
