// Offline-first in the browser, end to end: the data and the app survive what the
// browser does. The REAL cockpit-server serves a copy of the built site; Debian's
// Chromium is started by the test itself (its own process group, driven over CDP) so it
// can be killed hard, and ONE profile folder is reused across every restart on purpose
// (a second browser, which installs version 1 at the start and stays open, is the
// device that gets the update in (e): Chromium defers update checks for about a
// minute after a start or a previous check).
//   (a) first visit online installs the service worker; with the network off and the
//       server stopped, a relaunched browser starts the app from the worker's cache
//       (page, js, wasm, fonts) and shows the stored data;
//   (b) a change made offline and saved survives SIGKILL of the whole browser, and its
//       save wrote only the chunks it changed;
//   (c) a kill after an action but before its save completes: the action is fully
//       there or fully absent (the touchpoint, the suggestion's answer and the audit row
//       agree), the database passes integrity_check and the app starts;
//   (d) a second tab waits for the first (Web Lock), says so, and once the first closes
//       loads what it saved and starts;
//   (e) a new version (the site copy with another sw.js version and a changed file):
//       the page reports it ready; after apply() every file comes from the new cache;
//   (f) IndexedDB's copy (a base and an overlay of chunks, shell/browser/page_store.js)
//       assembled equals the database byte for byte, a compaction empties the overlay,
//       and the timeout path (marks failure, the next request retries what it held);
//   (h) a device left in the earlier layout (IDBFS, the whole file in "/data") is
//       migrated on its first start, and "/data" deleted;
//   (g) the sign-out wipe leaves nothing in IndexedDB.
//   COCKPIT_SITE=build/browser/app COCKPIT_SERVER=build/desktop/shell/cockpit-server \
//   COCKPIT_SCREENSHOTS=build/desktop/screenshots node offline.test.mjs
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkSite, clickControl, framesAfter, launchChromium, printPageLog, probe, saved, sendSuggestion, shot, signIn,
  startCockpitServer, waitControl, waitView,
} from './lib.mjs';
import { describe } from './png.mjs';

const site = process.env.COCKPIT_SITE;
const serverBin = process.env.COCKPIT_SERVER;
const shots = process.env.COCKPIT_SCREENSHOTS || tmpdir();
checkSite(site, ['index.html', 'sw.js', 'cockpit.js', 'cockpit.wasm', 'fonts/Inter-Regular.otf', 'assets/messages.json',
                 'manifest.webmanifest', 'icons/icon-192.png', 'icons/icon-512.png']);
mkdirSync(shots, { recursive: true });

const work = mkdtempSync(join(tmpdir(), 'cockpit-offline-'));
const siteDir = join(work, 'site');  // a copy: (e) turns it into "the next version"
cpSync(site, siteDir, { recursive: true });
const profile = join(work, 'profile');  // one profile for every launch, on purpose
const updater = join(work, 'profile-update');  // (e)'s device
const serverDb = join(work, 'server.db');
const T0 = Date.now();
const WAITING = 'Cockpit is open in another tab of this browser. This tab takes over when that one closes.';
const swVersion = (dir) => readFileSync(join(dir, 'sw.js'), 'utf8').match(/const VERSION = '([0-9a-f]+)'/)[1];
const APP_FILES = ['', 'boot.js', 'cockpit.js', 'cockpit.wasm', 'cockpit.css', 'fonts/Inter-Regular.otf',
                   'fonts/Inter-SemiBold.otf', 'assets/messages.json'];

const timings = [];
async function step(name, fn) {
  const t = Date.now();
  console.log(`-- ${name}`);
  await fn();
  timings.push(`${name}: ${Date.now() - t} ms`);
}

// Responses of a page: which came from the service worker.
function recordResponses(page) {
  const seen = new Map();
  page.on('response', (r) => seen.set(r.url(), { status: r.status(), sw: r.fromServiceWorker() }));
  return seen;
}
function assertFromWorker(seen, base, files) {
  for (const f of files) {
    const r = seen.get(base + f);
    assert.ok(r, `no response for ${base + f}: ${JSON.stringify([...seen.keys()])}`);
    assert.ok(r.sw && r.status === 200, `${f || 'index.html'} did not come from the service worker: ${JSON.stringify(r)}`);
  }
}

// Opens the app at `url` and waits for its first frames; fails on a reported error.
async function start(page, url) {
  await page.goto(url);
  await framesAfter(page, 3);
  const state = await page.evaluate(() => ({ error: document.body.dataset.error || '', ready: document.body.dataset.ready }));
  assert.equal(state.error, '', 'the page reported an error');
  assert.equal(state.ready, '1');
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

// The database as the page holds it (just loaded from IndexedDB), checked with SQLite:
// integrity, and the rows a sent suggestion writes in ONE transaction since the test
// began: the touchpoint and the suggestion's decision (for one customer, and in all),
// and the audit row (in all: its detail names the records, not the customer).
async function dbFacts(page, customer) {
  const b64 = await page.evaluate(() => {
    const bytes = FS.readFile('/data/cockpit.db');
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const file = join(work, `check-${Date.now()}.db`);
  writeFileSync(file, Buffer.from(b64, 'base64'));
  const py = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
c, t0 = sys.argv[2], int(sys.argv[3])
q = lambda sql, *a: db.execute(sql, a).fetchone()[0]
# SQLite 3.40's integrity_check reports "NULL value in T.C" for every NOT NULL column of
# a WITHOUT ROWID table (a false positive: a fresh one-row table shows it too); every
# other report (pages, b-trees, indexes) counts.
problems = [r[0] for r in db.execute("PRAGMA integrity_check") if not r[0].startswith("NULL value in ")]
print(json.dumps({
  "integrity": ",".join(problems) or "ok",
  "touchpoints": q("SELECT count(*) FROM touchpoints WHERE customer = ? AND direction = 'out' AND sender = 'm-anna' AND at >= ?", c, t0),
  "decisions": q("SELECT count(*) FROM suggestion_decisions WHERE customer = ? AND reason = 'sent' AND at >= ?", c, t0),
  "all_touchpoints": q("SELECT count(*) FROM touchpoints WHERE direction = 'out' AND sender = 'm-anna' AND at >= ?", t0),
  "all_decisions": q("SELECT count(*) FROM suggestion_decisions WHERE reason = 'sent' AND at >= ?", t0),
  "all_audits": q("SELECT count(*) FROM audit WHERE action = 'send_message' AND at >= ?", t0),
}))`;
  const r = spawnSync('python3', ['-c', py, file, customer, String(T0)], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sqlite check failed: ${r.stderr}`);
  rmSync(file, { force: true });
  return JSON.parse(r.stdout);
}
// The customer has `n` sends, each with both rows, and every send in the database has
// its touchpoint, its decision and its audit row: nothing half-applied.
function assertAtomic(facts, n) {
  assert.equal(facts.integrity, 'ok', `integrity_check: ${facts.integrity}`);
  assert.deepEqual([facts.touchpoints, facts.decisions], [n, n], `rows of the send: ${JSON.stringify(facts)}`);
  assert.ok(facts.all_touchpoints === facts.all_decisions && facts.all_decisions === facts.all_audits,
            `sends, decisions and audit rows disagree: ${JSON.stringify(facts)}`);
}

// IndexedDB as page_store.js keeps it: the size, the base's length, the overlay's chunk
// count, the small files' names, and whether base and overlay assembled equal the
// database in memory byte for byte (assembled here on its own, as the oracle).
const stored = (page) => page.evaluate(() => new Promise((ok, fail) => {
  const open = indexedDB.open('cockpit-pages');
  open.onerror = () => fail(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const tx = db.transaction(['base', 'pages', 'meta', 'files'], 'readonly');
    const r = {};
    const get = (store, method, key, field) => {
      const q = key === undefined ? tx.objectStore(store)[method]() : tx.objectStore(store)[method](key);
      q.onsuccess = () => { r[field] = q.result; };
    };
    get('meta', 'get', 'db', 'meta');
    get('base', 'get', 'db', 'base');
    get('pages', 'getAllKeys', undefined, 'keys');
    get('pages', 'getAll', undefined, 'chunks');
    get('files', 'getAllKeys', undefined, 'files');
    tx.onerror = () => fail(tx.error);
    tx.oncomplete = async () => {
      db.close();
      let same = null;
      if (r.meta) {
        const all = new Uint8Array(r.meta.size);
        if (r.base) all.set(new Uint8Array(await r.base.arrayBuffer()).subarray(0, Math.min(r.meta.floor, r.meta.size)));
        r.keys.forEach((k, i) => {
          const at = k * 4096;
          if (at < r.meta.size) all.set(r.chunks[i].subarray(0, Math.min(r.chunks[i].length, r.meta.size - at)), at);
        });
        let mem = null;
        try { mem = FS.readFile('/data/cockpit.db'); } catch { /* no database in memory */ }
        same = !!mem && mem.length === all.length && mem.every((byte, i) => byte === all[i]);
      }
      ok({ size: r.meta ? r.meta.size : -1, base: r.base ? r.base.size : 0, overlay: r.keys.length, files: r.files, same });
    };
  };
}));

let failed = false;
let server = null;
let chrome = null;
let second = null;  // (e)'s device, open from its install to its update
try {
  server = await startCockpitServer(serverBin, { appDir: siteDir, db: serverDb });
  const { url, port } = server;
  const v1 = swVersion(siteDir);
  console.log(`cockpit-server on ${url}; site version ${v1}`);

  await step('(a) first visit online: the service worker installs the whole app', async () => {
    chrome = await launchChromium(profile);
    const { page } = chrome;
    await start(page, url);
    await signIn(page, 'm-anna', server.password('m-anna'));
    await page.waitForFunction(() => Module.cockpitUpdate.offline, null, { timeout: 30000 });
    assert.deepEqual(await page.evaluate(() => caches.keys()), [`cockpit-${v1}`]);
    const cached = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => r.url), `cockpit-${v1}`);
    const shipped = Object.keys(JSON.parse(readFileSync(join(siteDir, 'sw.js'), 'utf8').match(/const FILES = (\{[^}]*\})/)[1]));
    assert.deepEqual(cached.map((u) => u.slice(url.length)).sort(), shipped.sort(), 'the cache holds exactly the shipped files');
    // What Chromium says about installing it as an app (manifest, icons, worker).
    const cdp = await chrome.context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], 'Chromium considers the app installable');
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors || [], [], 'manifest errors');
    // The storage question was answered, and the status line shows it.
    const storage = await page.evaluate(() => Module.cockpitStorage);
    assert.ok(['granted', 'denied', 'unsupported'].includes(storage.state), JSON.stringify(storage));
    await waitControl(page, 'status.storage');
    console.log(`storage: ${JSON.stringify(storage)}`);
    await saved(page);
    await shot(page, join(shots, 'offline-first-visit.png'));
  });

  await step('(f) the stored copy is the database; a save that never settles times out', async () => {
    const { page } = chrome;
    const first = await stored(page);
    assert.equal(first.same, true, `IndexedDB's chunks assembled equal the database in memory: ${JSON.stringify(first)}`);
    assert.ok(first.base > 0, 'the first save stored the whole file as the base');

    // A save that would grow the overlay past its share of the file compacts: the file
    // becomes the base and the overlay empties (the threshold lowered for the demo book).
    const c = await page.evaluate(async () => {
      const persist = Module.cockpitPersist;
      const until = (f) => new Promise((ok) => { const t = () => (f() ? ok() : setTimeout(t, 5)); t(); });
      const min = persist.compactMin;
      persist.full = true;  // start from an empty overlay
      persist.request();
      await until(() => persist.state() === 0);
      const n = persist.compactions;
      persist.compactMin = 3;
      try {
        persist.request([0, 1]);
        await until(() => persist.state() === 0);
        const small = persist.compactions - n;
        persist.request([2, 3, 4, 5]);
        await until(() => persist.state() === 0);
        return { small, big: persist.compactions - n, last: persist.last };
      } finally {
        persist.compactMin = min;
      }
    });
    assert.equal(c.small, 0, 'two chunks go to the overlay');
    assert.equal(c.big, 1, 'four more compact');
    assert.equal(c.last.full, true);
    const compacted = await stored(page);
    assert.equal(compacted.overlay, 0, JSON.stringify(compacted));
    assert.equal(compacted.same, true);

    // A save whose transaction never settles fails after the timeout; the next request
    // saves again, carrying what the failed one held (its chunk and the small file).
    const t = await page.evaluate(async () => {
      const persist = Module.cockpitPersist, pages = Module.cockpitPages;
      const until = (f) => new Promise((ok) => { const t = () => (f() ? ok() : setTimeout(t, 5)); t(); });
      const real = pages.commit;
      const timeout = persist.timeoutMs;
      persist.timeoutMs = 200;
      pages.commit = () => {};  // swallowed: never calls back
      try {
        FS.writeFile('/data/probe', 'one');
        persist.request([1]);
        const s1 = persist.state();
        await until(() => persist.state() !== 1);
        const s2 = persist.state();
        pages.commit = real;
        persist.timeoutMs = timeout;
        const n = persist.flushes;
        persist.request();
        await until(() => persist.state() !== 1);
        return { s1, s2, s3: persist.state(), flushed: persist.flushes - n, carried: persist.last.chunks };
      } finally {
        pages.commit = real;
        persist.timeoutMs = timeout;
      }
    });
    const { carried, ...states } = t;
    assert.deepEqual(states, { s1: 1, s2: 2, s3: 0, flushed: 1 }, 'saving, then failed after the timeout, then saved on retry');
    assert.ok(carried >= 1, 'the retry carried the failed save\'s chunk');
    assert.ok((await stored(page)).files.includes('probe'), 'the retry carried the small file');
    await page.evaluate(() => { FS.unlink('/data/probe'); Module.cockpitPersist.request(); });
    await saved(page);
    assert.ok(!(await stored(page)).files.includes('probe'), 'a removed small file leaves IndexedDB with the next save');
  });

  await step('(e) before: a second device installs this version', async () => {
    await chrome.context.setOffline(true);
    await chrome.close();
    second = await launchChromium(updater);
    const { page } = second;
    await start(page, url);
    await signIn(page, 'm-anna', server.password('m-anna'));
    await page.waitForFunction(() => Module.cockpitUpdate.offline, null, { timeout: 30000 });
    await saved(page);
    await page.goto('about:blank');  // the browser stays open (see (e)), idle
  });

  await step('(a) offline: network off, server stopped, browser relaunched', async () => {
    await server.stop();
    chrome = await launchChromium(profile);
    const { page, context, log } = chrome;
    await context.setOffline(true);
    const seen = recordResponses(page);
    await start(page, url);
    assertFromWorker(seen, url, APP_FILES);
    assert.ok(log.console.some((l) => l.includes('cockpit: font Inter')), `fonts: ${log.console.join(' | ')}`);
    await waitView(page, 'today');  // the person who signed in last, from the stored data
    const p = await probe(page);
    for (const c of ['row.c-bike', 'row.c-fairy', 'card.suggested', 'card.suggested.item.p-bike'])
      assert.ok(p.controls[c], `Today shows ${c} offline`);
    const d = describe(await shot(page, join(shots, 'offline-today.png')));
    assert.ok(d.colours > 100, 'the offline frame looks blank');
  });

  await step('(b) a change made offline and saved survives SIGKILL', async () => {
    const { page } = chrome;
    await sendSuggestion(page, 'c-bike', 'p-bike');
    await saved(page);
    // The send's save wrote the chunks its commits changed, not the database.
    const last = await page.evaluate(() => Module.cockpitPersist.last);
    const copy = await stored(page);
    console.log(`the send's save: ${last.chunks} chunks (${last.bytes} bytes) of ${Math.ceil(copy.size / 4096)}, ${last.ms.toFixed(1)} ms`);
    assert.equal(last.full, false);
    // (The demo book's database is small: a send touches a good part of its pages.
    // tests/unit/store/page_vfs_test.cpp shows a small edit of a large file.)
    const total = Math.ceil(copy.size / 4096);
    assert.ok(last.chunks > 0 && last.chunks < total && copy.overlay >= last.chunks, `the send wrote ${last.chunks} of ${total} chunks`);
    assert.equal(copy.same, true);
    await chrome.kill();
    chrome = await launchChromium(profile);
    await start(chrome.page, `${url}#/customer/c-bike`);
    await waitView(chrome.page, 'customer');
    await waitControl(chrome.page, 'customer.name');
    const p = await probe(chrome.page);
    assert.ok(!p.controls['suggestion.p-bike.send'], 'the sent suggestion is back after the kill');
    assert.ok(Object.keys(p.controls).some((k) => k.startsWith('suggestion.')), 'the other suggestions are there');
    assertAtomic(await dbFacts(chrome.page, 'c-bike'), 1);
    await shot(chrome.page, join(shots, 'offline-after-kill.png'));
  });

  await step('(c) killed before the flush completed: all or nothing, never corrupt', async () => {
    // c1: the flush never reaches IndexedDB (held back), the browser dies while saving.
    let page = chrome.page;
    await page.evaluate(() => { location.hash = '#/customer/c-fairy'; });
    await waitView(page, 'customer');
    await page.evaluate(() => { Module.cockpitPages.commit = () => {}; });  // held forever
    await sendSuggestion(page, 'c-fairy', 'p-fairy');
    assert.equal(await page.evaluate(() => Module.cockpitPersist.state()), 1, 'still saving when killed');
    await chrome.kill();
    chrome = await launchChromium(profile);
    page = chrome.page;
    await start(page, `${url}#/customer/c-fairy`);
    await waitView(page, 'customer');
    await waitControl(page, 'suggestion.p-fairy.send');  // the unsaved send is fully absent
    assertAtomic(await dbFacts(page, 'c-fairy'), 0);

    // c2: killed the moment the commit's flush has started (it may or may not finish).
    await clickControl(page, 'suggestion.p-fairy.send');
    await waitControl(page, 'compose.send');
    const n = await page.evaluate(() => Module.cockpitPersist.flushes);
    const r = (await probe(page)).controls['compose.send'];
    await page.mouse.move(r[0] + r[2] / 2, r[1] + r[3] / 2);
    await framesAfter(page, (await probe(page)).frames + 2);
    await page.mouse.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
    await page.waitForFunction((k) => Module.cockpitPersist.running || Module.cockpitPersist.flushes > k, n,
                               { polling: 'raf', timeout: 10000 });
    await chrome.kill();
    chrome = await launchChromium(profile);
    page = chrome.page;
    await start(page, `${url}#/customer/c-fairy`);
    await waitView(page, 'customer');
    await waitControl(page, 'customer.name');
    const facts = await dbFacts(page, 'c-fairy');
    const kept = facts.decisions === 1;
    assertAtomic(facts, kept ? 1 : 0);
    const shown = !!(await probe(page)).controls['suggestion.p-fairy.send'];
    assert.equal(shown, !kept, 'the view agrees with the database');
    console.log(`c2: the send was ${kept ? 'saved before the kill' : 'lost whole with the kill'}`);
  });

  await step('(d) a second tab waits for the first, then loads what it saved', async () => {
    const first = chrome.page;
    const second = await chrome.context.newPage();
    await second.goto(`${url}#/customer/c-wardrobe`);
    await second.waitForFunction(() => document.body.dataset.waiting === 'another-tab', null, { timeout: 20000 });
    const waiting = await second.evaluate(() => ({
      text: document.getElementById('status').textContent, hidden: document.getElementById('status').hidden,
      lock: Module.cockpitLock, app: typeof window.cockpit, ready: document.body.dataset.ready || '',
    }));
    assert.deepEqual(waiting, { text: WAITING, hidden: false, lock: 'waiting', app: 'undefined', ready: '' });
    await second.screenshot({ path: join(shots, 'offline-second-tab-waiting.png') });
    // The first tab changes something while the second waits: the second must see it.
    await first.bringToFront();  // a background tab gets no animation frames
    await first.evaluate(() => { location.hash = '#/customer/c-wardrobe'; });
    await waitView(first, 'customer');
    await sendSuggestion(first, 'c-wardrobe', 'p-hinges');
    await saved(first);
    assert.equal(await second.evaluate(() => typeof window.cockpit), 'undefined', 'the second tab did not start');
    await first.close();
    await framesAfter(second, 3);
    await waitView(second, 'customer');
    await waitControl(second, 'customer.name');
    const p = await probe(second);
    assert.ok(!p.controls['suggestion.p-hinges.send'], 'the second tab loaded what the first saved');
    assertAtomic(await dbFacts(second, 'c-wardrobe'), 1);
    assert.equal(await second.evaluate(() => Module.cockpitLock), 'held');
    await shot(second, join(shots, 'offline-second-tab.png'));
    chrome.page = second;
  });

  await step('(h) a copy kept by the earlier layout (IDBFS) is migrated on the first start', async () => {
    let page = chrome.page;
    await saved(page);
    // The device as the earlier build left it: every file whole in IDBFS's database
    // "/data" (store FILE_DATA, key = path, { timestamp, mode, contents }), and no
    // "cockpit-pages". This tab stops saving first.
    const files = await page.evaluate(() => new Promise((ok, fail) => {
      Module.cockpitPersist.loaded = false;
      Module.cockpitPages.close();
      const files = {};
      for (const f of FS.readdir('/data')) if (f !== '.' && f !== '..') files[`/data/${f}`] = FS.readFile(`/data/${f}`);
      const del = indexedDB.deleteDatabase('cockpit-pages');
      del.onerror = () => fail(del.error);
      del.onsuccess = () => {
        const open = indexedDB.open('/data', 21);
        open.onupgradeneeded = () => open.result.createObjectStore('FILE_DATA').createIndex('timestamp', 'timestamp', { unique: false });
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['FILE_DATA'], 'readwrite');
          const store = tx.objectStore('FILE_DATA');
          store.put({ timestamp: new Date(), mode: 16895 }, '/data');
          for (const [k, v] of Object.entries(files)) store.put({ timestamp: new Date(), mode: 33206, contents: v }, k);
          tx.oncomplete = () => { db.close(); ok(Object.keys(files).sort()); };
          tx.onerror = () => fail(tx.error);
        };
      };
    }));
    assert.ok(files.includes('/data/cockpit.db'), JSON.stringify(files));
    await page.reload();
    await framesAfter(page, 3);
    await waitView(page, 'customer');
    await waitControl(page, 'customer.name');
    assert.ok(!(await probe(page)).controls['suggestion.p-hinges.send'], 'the send saved before the update is there');
    await saved(page);
    const copy = await stored(page);
    assert.equal(copy.same, true, 'the migrated copy is the database');
    assert.deepEqual(copy.files, files.filter((f) => f !== '/data/cockpit.db').map((f) => f.slice('/data/'.length)));
    await page.waitForFunction(async () => !(await indexedDB.databases()).some((d) => d.name === '/data'), null,
                               { timeout: 10000, polling: 50 });
    assertAtomic(await dbFacts(page, 'c-wardrobe'), 1);
  });

  await step('(g) the sign-out wipe leaves nothing in IndexedDB', async () => {
    const page = chrome.page;
    const before = await stored(page);
    assert.ok(before.base > 0 && before.size > 0, JSON.stringify(before));
    const r = await page.evaluate(async () => {
      const p = Module.cockpitWipe();
      const during = Module.cockpitPersist.state();
      return { during, ok: await p, after: Module.cockpitPersist.state(), files: FS.readdir('/data').length };
    });
    assert.deepEqual(r, { during: 1, ok: true, after: 0, files: 2 }, 'saving during the wipe, then saved; /data empty');
    assert.deepEqual(await stored(page), { size: -1, base: 0, overlay: 0, files: [], same: null }, 'IndexedDB holds nothing');
    await page.reload();
    await framesAfter(page, 3);
    await waitView(page, 'sign-in');  // a fresh device: the demo book again, nobody signed in
    await chrome.close();
    chrome = null;
  });


  await step('(e) a new version: ready, then every file from the new cache', async () => {
    const marker = '/* cockpit offline test: the next version */';
    const css = readFileSync(join(siteDir, 'cockpit.css'), 'utf8') + `\n${marker}\n`;
    writeFileSync(join(siteDir, 'cockpit.css'), css);
    const oldCss = sha256(readFileSync(join(site, 'cockpit.css')));
    const v2 = createHash('sha256').update(`${v1} next`).digest('hex').slice(0, 16);
    const sw = readFileSync(join(siteDir, 'sw.js'), 'utf8');
    assert.ok(sw.includes(oldCss), 'sw.js lists cockpit.css by its hash');
    writeFileSync(join(siteDir, 'sw.js'), sw.replace(`'${v1}'`, `'${v2}'`).replace(oldCss, sha256(Buffer.from(css))));
    server = await startCockpitServer(serverBin, { appDir: siteDir, db: serverDb, port });
    chrome = second;
    second = null;
    const page = chrome.page;
    await start(page, `${url}#/today`);
    await waitView(page, 'today');
    // Chromium defers an update check that comes within about a minute of the
    // registration's previous one or of the browser's start (measured: ~60 s, with or
    // without Playwright attached). This browser installed version 1 at the start and
    // stayed open, so the check runs at once; the generous timeout covers a fast run.
    const t = Date.now();
    await page.evaluate(() => Module.cockpitUpdate.check());
    await page.waitForFunction(() => Module.cockpitUpdate.ready, null, { timeout: 90000 });
    console.log(`update ready after ${Date.now() - t} ms`);
    const before = await page.evaluate(async () => (await (await fetch('cockpit.css')).text()));
    assert.ok(!before.includes(marker), 'before apply() the page still gets the running version');
    // The API is never the worker's: it reaches the server, and no cache holds it.
    const health = await page.evaluate(async () => (await fetch('api/health')).status);
    assert.equal(health, 200);

    const seen = recordResponses(page);
    const reloaded = page.waitForEvent('load', { timeout: 30000 });
    assert.equal(await page.evaluate(() => Module.cockpitUpdate.apply()), true);
    await reloaded;
    await framesAfter(page, 3);
    await waitView(page, 'today');
    assertFromWorker(seen, url, APP_FILES.slice(1));
    const after = await page.evaluate(async () => ({
      css: await (await fetch('cockpit.css')).text(),
      caches: await caches.keys(),
      api: (await Promise.all((await caches.keys()).map(async (n) => (await (await caches.open(n)).keys()).map((r) => r.url))))
        .flat().filter((u) => u.includes('/api/')),
      version: await new Promise((ok) => {
        navigator.serviceWorker.addEventListener('message', (e) => ok(e.data.version), { once: true });
        navigator.serviceWorker.controller.postMessage({ type: 'version' });
      }),
      ready: Module.cockpitUpdate.ready,
    }));
    assert.ok(after.css.includes(marker), 'after apply() the files come from the new version');
    assert.deepEqual(after.caches, [`cockpit-${v2}`], 'the old cache is gone');
    assert.deepEqual(after.api, [], 'nothing of /api/ is cached');
    assert.equal(after.version, v2);
    assert.equal(after.ready, false);
    const p = await probe(page);
    assert.ok(p.controls['row.c-bike'], 'the data is still there after the update');
    await shot(page, join(shots, 'offline-new-version.png'));
    await chrome.close();
    chrome = null;
  });

  console.log(`offline test passed in ${Date.now() - T0} ms; screenshots in ${shots}`);
} catch (e) {
  failed = true;
  console.error(e);
  if (chrome) printPageLog(chrome);
} finally {
  for (const t of timings) console.log(`  ${t}`);
  if (chrome) await chrome.kill().catch(() => {});
  if (second) await second.kill().catch(() => {});
  if (server) await server.stop().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
