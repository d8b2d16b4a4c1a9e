// Benchmark (run by hand, not a ctest test): issue 5's browser budgets with the
// 10,000-customer synthetic book, served by the real cockpit-server to Debian's
// headless Chromium (WebGL2 on SwiftShader: no GPU here).
//   (i)   median frame under 6 ms: the app's own CPU time per frame, as the browser
//         shell measures it around its whole loop body (window.cockpit.frame_ms), on
//         Today at rest and while scrolling the customer list;
//   (ii)  cold start under 1.5 s: from the navigation to the first frame of Today with
//         its rows drawn, the database already in IndexedDB and the app in the service
//         worker's cache; reloads of the page, and restarts of the whole browser;
//   (iii) the whole download under 2 MB compressed (budget.mjs's figure);
//   (iv)  an action until "saved on this device" (issue 17: at most 50 ms for a manager
//         and the lead alike): a suggested message sent, timed from the click on Send;
// plus, for the record, a browser device's first full sync (issue 6): signing in on
// an empty profile until Today shows the person's share.
// Per role: a manager of the book (m-001, about 500 customers) and the lead (all).
//
//   COCKPIT_SITE=build/browser/app COCKPIT_SERVER=build/desktop/shell/cockpit-server \
//   COCKPIT_CLI=build/desktop/shell/cockpit-cli node web/tests/bench.mjs [--customers N] [--roles m-001,m-lead]
//                                                                          [--reloads 5] [--frames 300] [--actions 5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  api, CHROMIUM, checkSite, clickControl, fillSignIn, framesAfter, launchChromium, printPageLog, probe, saved,
  settle, startCockpitServer, waitView,
} from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const CUSTOMERS = Number(arg('customers', 10000));
const ROLES = arg('roles', 'm-001,m-lead').split(',');
const RELOADS = Number(arg('reloads', 5));
const FRAMES = Number(arg('frames', 300));
const ACTIONS = Number(arg('actions', 5));
const PASSWORD = 'bench-password';

const site = process.env.COCKPIT_SITE;
const serverBin = process.env.COCKPIT_SERVER;
const cliBin = process.env.COCKPIT_CLI;
checkSite(site, ['index.html', 'sw.js', 'cockpit.js', 'cockpit.wasm']);
const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cockpit-bench-'));

const pct = (v, p) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const f1 = (x) => (x === undefined ? '-' : x.toFixed(1));
const f2 = (x) => (x === undefined ? '-' : x.toFixed(2));
function run(cmd, args, input = '') {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

// Every frame's figures from now on, kept in the page: the shell's CPU time of the
// frame before (frame_ms: the probe carries the previous frame's) and the time between
// animation frames (what the browser managed, GPU process included).
const startRecording = (page) => page.evaluate(() => {
  const rec = window.__bench = { cpu: [], interval: [], last: 0, first: null, lastRow: null,
                                 drawn0: window.cockpit.drawn || 0 };
  if (!window.__benchHooked) {
    window.__benchHooked = true;
    const publish = Module.cockpitPublish;
    Module.cockpitPublish = function (json) {
      publish(json);
      const r = window.__bench;
      if (!r) return;
      const t = performance.now();
      if (r.last) r.interval.push(t - r.last);
      r.last = t;
      if (window.cockpit.frame_ms > 0) r.cpu.push(window.cockpit.frame_ms);
      // The clipper always lays out row 0 (to measure it): the first one shown is the next.
      const rows = Object.keys(window.cockpit.controls).filter((k) => k.startsWith('row.'));
      if (rows.length > 1) {
        if (r.first === null) r.first = rows[1];
        r.lastRow = rows[1];
      }
    };
  }
});
const stopRecording = (page) => page.evaluate(() => {
  const r = window.__bench;
  window.__bench = null;
  r.drawn = (window.cockpit.drawn || 0) - r.drawn0;  // frames that drew to the canvas (the shell skips the others)
  return r;
});
const summary = (r) => ({
  frames: r.cpu.length, drawn: r.drawn,
  cpu_median: pct(r.cpu, 0.5), cpu_p95: pct(r.cpu, 0.95), cpu_max: pct(r.cpu, 1),
  interval_median: pct(r.interval, 0.5), interval_p95: pct(r.interval, 0.95),
});

// The first frame of Today with rows, in ms after the navigation began (the page's own
// clock: performance.now() starts at the navigation). Installed before any page script.
const COLD_START_PROBE = `(() => {
  let value;
  window.__coldStart = null;
  Object.defineProperty(window, 'cockpit', {
    configurable: true,
    get() { return value; },
    set(v) {
      value = v;
      if (window.__coldStart === null && v && v.view === 'today' && Object.keys(v.controls).some((k) => k.startsWith('row.')))
        window.__coldStart = { ms: performance.now(), frames: v.frames };
    },
  });
})();`;

// Sends ACTIONS suggested messages, each on a customer of `rows` that has one, and times
// each from the click on the composer's Send to the end of the save it caused.
async function actionsUntilSaved(page, rows) {
  const out = [];
  for (const row of rows) {
    if (out.length >= ACTIONS) break;
    await page.evaluate((id) => { location.hash = `#/customer/${id}`; }, row.slice('row.'.length));
    await waitView(page, 'customer');
    await framesAfter(page, (await probe(page)).frames + 3);
    const send = Object.keys((await probe(page)).controls).find((k) => /^suggestion\..+\.send$/.test(k));
    if (!send) continue;
    await clickControl(page, send);
    await page.waitForFunction(() => window.cockpit.controls['compose.send'], null, { timeout: 20000, polling: 20 });
    await saved(page);
    const r = (await probe(page)).controls['compose.send'];
    await page.mouse.move(r[0] + r[2] / 2, r[1] + r[3] / 2);
    await framesAfter(page, (await probe(page)).frames + 2);
    const n = await page.evaluate(() => Module.cockpitPersist.flushes);
    const t = Date.now();
    await page.mouse.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
    await page.waitForFunction((k) => Module.cockpitPersist.flushes > k && Module.cockpitPersist.state() === 0, n,
                               { timeout: 60000, polling: 2 });
    const took = Date.now() - t;
    const last = await page.evaluate(() => Module.cockpitPersist.last);
    out.push({ row, ms: took, chunks: last.chunks, save_ms: last.ms });
  }
  await page.evaluate(() => { location.hash = '#/today'; });
  await waitView(page, 'today');
  return out;
}

async function coldStart(page) {
  await page.waitForFunction(() => window.__coldStart, null, { timeout: 120000, polling: 20 });
  const c = await page.evaluate(() => ({ ...window.__coldStart, storage: Module.cockpitPersist.loadMs }));
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return n ? { domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd } : null;
  });
  return { ...c, ...nav };
}

const report = [];
const say = (line) => { console.log(line); report.push(line); };
let server = null;
let chrome = null;
try {
  // ------------------------------------------------------------ the book on the server
  say(`machine: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `load ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${run(CHROMIUM, ['--version']).trim()}; node ${process.version}`);
  let t = Date.now();
  const bookDb = join(work, 'book.db');
  say(run(cliBin, ['generate', '--db', bookDb, '--customers', String(CUSTOMERS), '--seed', '1']).trim() +
      ` (${Date.now() - t} ms)`);
  const docPath = join(work, 'book.json');
  run(cliBin, ['export', '--db', bookDb, docPath]);
  const doc = readFileSync(docPath);
  const serverDb = join(work, 'server.db');
  server = await startCockpitServer(serverBin, {
    appDir: site, db: serverDb, demo: false, args: ['--max-body', '1000000000', '--rate', '0', '--sign-in-burst', '100'],
  });
  const integration = run(serverBin, ['add-integration', '--db', serverDb, '--name', 'bench']).trim();
  // Managers are accounts: only the admin commands make them (ingest refuses new ones).
  for (const m of JSON.parse(doc.toString('utf8')).managers || []) {
    run(serverBin, ['add-manager', '--db', serverDb, '--id', m.id, '--name', m.name, '--email', m.email, '--role', m.role,
                    '--password-stdin'], `${PASSWORD}\n`);
  }
  t = Date.now();
  const ingest = await fetch(new URL('api/ingest', server.url), {
    method: 'POST', headers: { Authorization: `Bearer ${integration}`, 'Content-Type': 'application/json' }, body: doc,
  });
  const ingested = await ingest.text();
  if (ingest.status !== 200) throw new Error(`ingest: ${ingest.status} ${ingested.slice(0, 500)}`);
  say(`ingest of ${(doc.length / 1e6).toFixed(1)} MB: ${ingested.trim()} in ${Date.now() - t} ms`);

  // ------------------------------------------------------------ per role
  for (const who of ROLES) {
    const profile = join(work, `profile-${who}`);
    const share = await (async () => {
      const tok = (await api(server.url, 'api/session', { method: 'POST', body: { manager: who, password: PASSWORD } })).json.token;
      // A lead's share comes in pages (PROTOCOL.md, "Pages"): follow them to the end.
      const t0 = Date.now();
      const ids = new Set();
      let customers = 0, bytes = 0, pages = 0, since = 0, more = true;
      while (more) {
        const r = await api(server.url, `api/pull?since=${since}`, { token: tok });
        for (const c of r.json.changes) {
          const key = `${c.kind}/${c.id}`;
          if (ids.has(key)) continue;
          ids.add(key);
          if (c.kind === 'customer') ++customers;
        }
        bytes += r.text.length;
        ++pages;
        since = r.json.cursor;
        more = r.json.more === true;
      }
      const customerIds = [...ids].filter((k) => k.startsWith('customer/')).map((k) => k.slice('customer/'.length));
      return { customers, customerIds, records: ids.size, bytes, pages, took: Date.now() - t0 };
    })();
    say(`\n== ${who}: ${share.customers} customers, ${share.records} records, pull since=0 is ` +
        `${(share.bytes / 1e6).toFixed(1)} MB in ${share.pages} answer(s) (${share.took} ms from node)`);

    // First full sync into an empty browser profile: submit to Today with its rows.
    chrome = await launchChromium(profile);
    let { page } = chrome;
    await page.goto(server.url);
    await framesAfter(page, 3, 60000);
    await waitView(page, 'sign-in');
    await fillSignIn(page, who, PASSWORD);
    t = Date.now();
    await clickControl(page, 'signin.submit');
    await page.waitForFunction(() => window.cockpit.view === 'today' &&
                               Object.keys(window.cockpit.controls).some((k) => k.startsWith('row.')), null,
                               { timeout: 600000, polling: 50 });
    const firstSync = Date.now() - t;
    await saved(page, 120000);
    const firstSaved = Date.now() - t;
    await page.waitForFunction(() => Module.cockpitUpdate.offline, null, { timeout: 60000 });
    const idb = await page.evaluate(() => FS.stat('/data/cockpit.db').size);
    say(`first full sync in the browser: ${firstSync} ms to Today, ${firstSaved} ms until saved in IndexedDB ` +
        `(database ${(idb / 1e6).toFixed(1)} MB)`);

    // (i) frames: Today at rest, then scrolling the customer list.
    await page.mouse.move(640, 600);
    await settle(page);
    await startRecording(page);
    await framesAfter(page, (await probe(page)).frames + FRAMES, 120000);
    const rest = summary(await stopRecording(page));
    const p = await probe(page);
    const rowControls = Object.keys(p.controls).filter((k) => k.startsWith('row.'));
    const firstRow = p.controls[rowControls[0]];
    await page.mouse.move(firstRow[0] + firstRow[2] / 2, firstRow[1] + 40);
    // A fast flick: 8 notches of the wheel a frame (some 30 rows), down to the end of the
    // list and back up, for FRAMES frames.
    const shown = async () => Object.keys((await probe(page)).controls).filter((k) => k.startsWith('row.')).join();
    await startRecording(page);
    let dir = 1, turns = 0, rowsShown = 0, last = await shown();
    for (let i = 0; i < FRAMES; ++i) {
      await page.mouse.wheel(0, dir * 800);
      await framesAfter(page, (await probe(page)).frames + 1);
      const now = await shown();
      if (now === last) { dir = -dir; ++turns; } else rowsShown++;
      last = now;
    }
    const scrollRec = await stopRecording(page);
    const scroll = summary(scrollRec);
    say(`Today at rest, ${rest.frames} frames (${rest.drawn} drawn): CPU per frame median ${f2(rest.cpu_median)} ms, p95 ${f2(rest.cpu_p95)} ms, ` +
        `max ${f2(rest.cpu_max)} ms; frame interval median ${f1(rest.interval_median)} ms, p95 ${f1(rest.interval_p95)} ms`);
    say(`scrolling (${FRAMES} wheel flicks of 800 px, ${rowsShown} of them moved the list, ${turns} turns at an end), ` +
        `${scroll.frames} frames (${scroll.drawn} drawn): CPU median ${f2(scroll.cpu_median)} ms, p95 ${f2(scroll.cpu_p95)} ms, ` +
        `max ${f2(scroll.cpu_max)} ms; interval median ${f1(scroll.interval_median)} ms, p95 ${f1(scroll.interval_p95)} ms`);

    // (iv) an action until "saved on this device": a suggested message sent, from the
    // click on Send until pre.js reports the save done (state 0 after a new save).
    // The app saves with strict durability (flushed to disk); relaxed is measured beside it
    // for the record.
    let used = share.customerIds.map((id) => `row.${id}`);
    for (const durability of ['strict', 'relaxed']) {
      await page.evaluate((d) => { Module.cockpitPages.durability = d; }, durability);
      const actions = await actionsUntilSaved(page, used);
      used = used.filter((r) => !actions.some((a) => a.row === r));
      const ms = actions.map((a) => a.ms);
      say(`action -> saved on this device (${durability}) x${actions.length}: median ${f1(pct(ms, 0.5))} ms, ` +
          `max ${f1(Math.max(...ms))} ms (click to saved / the save's own time / chunks written: ` +
          `${actions.map((a) => `${a.ms.toFixed(0)} ms/${a.save_ms.toFixed(0)} ms/${a.chunks}`).join(', ')})`);
    }
    await page.evaluate(() => { Module.cockpitPages.durability = 'strict'; });
    // The save alone: 16 chunks of this database, with the frame loop paused (on this
    // machine SwiftShader's software WebGL takes the CPU the save's callbacks wait for).
    const alone = await page.evaluate(async () => {
      const persist = Module.cockpitPersist;
      const until = (f) => new Promise((ok) => { const t = () => (f() ? ok() : setTimeout(t, 1)); t(); });
      const times = [];
      Module.pauseMainLoop();
      try {
        for (let k = 0; k < 10; k++) {
          const t = performance.now();
          persist.request(Array.from({ length: 16 }, (_, i) => i * 37 + k));
          await until(() => persist.state() === 0);
          times.push(performance.now() - t);
        }
      } finally {
        Module.resumeMainLoop();
      }
      return times;
    });
    say(`a save of 16 chunks with the frame loop paused x10: median ${f1(pct(alone, 0.5))} ms, max ${f1(Math.max(...alone))} ms`);

    // (ii) cold start: reloads, then restarts of the browser (same profile).
    await chrome.context.addInitScript(COLD_START_PROBE);
    const reloads = [];
    for (let i = 0; i < RELOADS; ++i) {
      await page.reload();
      reloads.push(await coldStart(page));
      await saved(page);
    }
    await chrome.close();
    chrome = null;
    const restarts = [];
    for (let i = 0; i < RELOADS; ++i) {
      chrome = await launchChromium(profile);
      page = chrome.page;
      await chrome.context.addInitScript(COLD_START_PROBE);
      await page.goto(`${server.url}#/today`);
      restarts.push(await coldStart(page));
      await saved(page);
      await chrome.close();
      chrome = null;
    }
    const line = (v) => `median ${f1(pct(v.map((x) => x.ms), 0.5))} ms (${v.map((x) => x.ms.toFixed(0)).join(' / ')}; ` +
                         `DOMContentLoaded median ${f1(pct(v.map((x) => x.domContentLoaded), 0.5))} ms; ` +
                         `reading the stored copy from IndexedDB median ${f1(pct(v.map((x) => x.storage), 0.5))} ms)`;
    say(`cold start to the first Today frame with rows, page reloaded ×${RELOADS}: ${line(reloads)}`);
    say(`cold start, browser restarted ×${RELOADS}: ${line(restarts)}`);
  }

  // (iii) the download.
  const budget = spawnSync(process.execPath, [join(here, 'budget.mjs'), site], { encoding: 'utf8' });
  say(`\ndownload: ${budget.stdout.trim().split('\n').pop()}${budget.status === 0 ? '' : ' (OVER BUDGET)'}`);
  say(`load after the run: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} catch (e) {
  console.error(e);
  if (chrome) printPageLog(chrome);
  process.exitCode = 1;
} finally {
  if (chrome) await chrome.kill().catch(() => {});
  if (server) await server.stop().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
