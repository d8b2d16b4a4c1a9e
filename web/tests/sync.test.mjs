// Sync in the browser, end to end: the REAL cockpit-server (demo book and logins)
// serves the built site; Debian's Chromium, started by the test (its own process group,
// one profile folder reused on purpose), is Anna's browser device. Other devices of
// Anna are a second browser (a profile of its own) and `cockpit-cli sync --act`; the
// server's side is checked from node with a plain HTTP client (a bearer sign-in).
//   (a) offline -> online: a message sent offline waits (badge "Offline", status line
//       "waiting"), survives closing the browser, and once the network is back reaches
//       the server without any click; the status line then says synced;
//   (b) live: a change on another device (a second browser, then cockpit-cli) appears
//       in the page without any action, the badge says Live, the row of that customer
//       glows (changed.<customer>); the time from the other device's push to the frame
//       that shows it is printed, with the page's requests for it, and that frame comes
//       at most two frames after the answer that brought the change (issue 17);
//   (c) a hidden tab (visibilityState hidden, no animation frames) and a frozen one (CDP lifecycle
//       state) catch up at once when shown / resumed;
//   (d) a session ended on the server shows the "session ended" banner, sends no more
//       requests, and signing in again in the banner sends what waited;
//   (e) signing out (offline, with a change waiting: confirmed) leaves nothing of Anna
//       in the profile: IndexedDB, Cache Storage, local/session storage, cookies; the
//       sign-out reaches the server once the network is back.
//   COCKPIT_SITE=build/browser/app COCKPIT_SERVER=build/desktop/shell/cockpit-server \
//   COCKPIT_CLI=build/desktop/shell/cockpit-cli COCKPIT_SCREENSHOTS=build/desktop/screenshots node sync.test.mjs
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  api, apiSignIn, checkSite, clickControl, framesAfter, launchChromium, openCustomer, openPersistent, probe, runCli,
  printPageLog, saved, sendSuggestion, shot, signIn, startCockpitServer, suggestionsShown, textOf, waitControl,
  waitText, waitView,
} from './lib.mjs';

const site = process.env.COCKPIT_SITE;
const serverBin = process.env.COCKPIT_SERVER;
const cliBin = process.env.COCKPIT_CLI;
const shots = process.env.COCKPIT_SCREENSHOTS || tmpdir();
checkSite(site, ['index.html', 'sw.js', 'cockpit.js', 'cockpit.wasm']);
mkdirSync(shots, { recursive: true });

const work = mkdtempSync(join(tmpdir(), 'cockpit-sync-'));
const profile = join(work, 'profile');  // Anna's browser, across every launch
const cliDb = join(work, 'cli-device.db');
const T0 = Date.now();
const now = () => performance.timeOrigin + performance.now();  // the same clock as the page's
const ANNA = ['c-bike', 'c-wardrobe', 'c-fairy'];  // what Anna owns in any version of the demo book
// Words of Anna's share that must not outlive her sign-out on the device: her ids (in
// the page's storage; the app's own wasm carries the demo book, so not in the raw
// profile) and what this run made (labels of notes, ids of messages) everywhere.
const made = [];
const LABEL = `sync-test-${process.pid}-${Date.now()}`;  // unique to this run

const timings = [];
const figures = [];
async function step(name, fn) {
  const t = Date.now();
  console.log(`-- ${name}`);
  await fn();
  timings.push(`${name}: ${Date.now() - t} ms`);
}

// ------------------------------------------------------------ the server's side
let token = '';  // node's own session as Anna
async function serverTouchpoints(customer) {
  const r = await api(server.url, 'api/pull?since=0', { token });
  assert.equal(r.status, 200, `pull from node: ${r.status} ${r.text}`);
  return new Set(r.json.changes.filter((c) => c.kind === 'touchpoint' && c.record.customer === customer &&
                                      c.record.direction === 'out' && c.record.sender === 'm-anna').map((c) => c.id));
}
const added = (before, after) => {
  const ids = [...after].filter((id) => !before.has(id));
  made.push(...ids);
  return ids;
};

// ------------------------------------------------------------ the page's side
// Sends the first suggestion the customer view offers (ids are the demo book's and may
// change: picked at run time). Returns its id.
async function sendFirstSuggestion(page, customer) {
  await openCustomer(page, customer);
  const offered = suggestionsShown(await probe(page));
  assert.ok(offered.length > 0, `${customer} has no suggestion left to send`);
  await sendSuggestion(page, customer, offered[0]);
  return offered[0];
}
// A customer of Anna's with a suggestion still to send.
async function customerWithSuggestion(page, skip = []) {
  for (const c of ANNA.filter((x) => !skip.includes(x))) {
    await openCustomer(page, c);
    if (suggestionsShown(await probe(page)).length > 0) return c;
  }
  throw new Error('none of Anna\'s known customers has a suggestion left');
}
async function toToday(page) {
  await page.evaluate(() => { location.hash = '#/today'; });
  await waitView(page, 'today');
}
// Records, in the page, the first frame that shows each changed.<customer> glow since
// the last reset (time on the page's clock, the frame, what the badge said), and when
// this device began a push (window.fetch is what the app's HTTP goes through).
async function instrument(page) {
  await page.evaluate(() => {
    if (window.__sync) return;
    const rec = window.__sync = { seen: {}, pushes: [], requests: [] };
    const publish = Module.cockpitPublish;
    Module.cockpitPublish = function (json) {
      publish(json);
      const p = window.cockpit;
      for (const k of Object.keys(p.controls)) {
        if (k.startsWith('changed.') && !(k in rec.seen))
          rec.seen[k] = { at: performance.timeOrigin + performance.now(), frame: p.frames, badge: p.texts['sync.badge'] };
      }
    };
    const fetch0 = window.fetch;
    const clock = () => performance.timeOrigin + performance.now();
    window.fetch = function (url, init) {
      const entry = { url: String(url).replace(/^.*api\//, '').split('?')[0], start: clock(), end: 0, bodyAt: 0 };
      if (entry.url === 'push') rec.pushes.push(entry.start);
      rec.requests.push(entry);
      const p = fetch0.apply(this, arguments);
      p.then(() => { entry.end = clock(); }, () => { entry.end = clock(); });
      // When the page had the whole answer, and the last frame drawn by then: the app
      // takes an answer as soon as its text is read (shell/browser/fetch_http.cpp), so
      // the next frame should show what it carried. (A copy of the body, read alongside.)
      p.then((r) => r.clone().text().then(() => { entry.bodyAt = clock(); entry.bodyFrame = window.cockpit.frames; }),
             () => {});
      return p;
    };
  });
}
const resetSeen = (page) => page.evaluate(() => {
  const rec = window.__sync;
  rec.seen = {};
  rec.pushes = [];
  rec.requests = rec.requests.filter((r) => !r.end);  // the parked live poll stays: its answer is the news
});
// Where the time went in the page: each request of the window (start/end relative to
// `t0`) and the frame rate over it.
async function breakdown(page, t0, seen) {
  const reqs = await page.evaluate(() => window.__sync.requests);
  return reqs.filter((r) => r.start <= seen.at || r.end <= seen.at)
    .map((r) => `${r.url} ${r.start < t0 ? 'parked' : (r.start - t0).toFixed(0)}..${r.end ? (r.end - t0).toFixed(0) : 'open'}`)
    .join(', ');
}
// Frames from the answer that brought the change (the last one before it showed) to the
// frame that shows it; issue 17 asks for at most two.
async function framesAfterAnswer(page, seen) {
  const answers = (await page.evaluate(() => window.__sync.requests)).filter((r) => r.bodyAt && r.bodyAt <= seen.at);
  assert.ok(answers.length, 'an answer of the server came before the change showed');
  const last = answers.reduce((a, b) => (b.bodyAt > a.bodyAt ? b : a));
  const frames = seen.frame - last.bodyFrame;
  assert.ok(frames <= 2, `the change showed ${frames} frames after the ${last.url} answer that carried it (at most 2)`);
  return { frames, url: last.url };
}
async function waitSeen(page, customer, timeout = 15000) {
  await page.waitForFunction((k) => window.__sync.seen[k], `changed.${customer}`, { timeout, polling: 50 });
  return page.evaluate((k) => window.__sync.seen[k], `changed.${customer}`);
}
// Every request the page sends to the API, with the time node saw it.
function countRequests(page) {
  const list = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) list.push({ at: now(), url: r.url().replace(/^.*\/api\//, '') }); });
  return list;
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

// Opens the site, signs Anna in if the device asks, waits for Live.
async function openAsAnna(page, url) {
  await page.goto(url);
  await framesAfter(page, 3);
  assert.equal(await page.evaluate(() => document.body.dataset.error || ''), '', 'the page reported an error');
  if ((await probe(page)).view === 'sign-in' || await page.evaluate(() => location.hash === '#/sign-in'))
    await signIn(page, 'm-anna', server.password('m-anna'));
  await waitView(page, 'today', 30000);
  await waitText(page, 'sync.badge', /^Live/, 30000);
}

let failed = false;
let server = null;
let chrome = null;
let other = null;
try {
  server = await startCockpitServer(serverBin, { appDir: site, db: join(work, 'server.db') });
  const { url } = server;
  token = await apiSignIn(url, 'm-anna', server.password('m-anna'));
  console.log(`cockpit-server on ${url}`);

  await step('(a) offline -> online: a change waits, survives a restart, and syncs by itself', async () => {
    chrome = await launchChromium(profile);
    let { page, context } = chrome;
    await openAsAnna(page, url);
    await page.waitForFunction(() => Module.cockpitUpdate.offline, null, { timeout: 30000 });  // starts offline later
    await saved(page);
    const before = await serverTouchpoints('c-bike');

    await context.setOffline(true);
    assert.equal(await page.evaluate(() => navigator.onLine), false);
    const about = await sendFirstSuggestion(page, 'c-bike');
    await waitText(page, 'sync.badge', /^Offline.*\d+ waiting/, 20000);
    await waitText(page, 'status.synced', /^\d+ changes? waiting for the server$/);
    await saved(page);
    await shot(page, join(shots, 'sync-offline-waiting.png'));
    assert.deepEqual(added(before, await serverTouchpoints('c-bike')), [], 'the server cannot have it yet');

    await chrome.close();
    chrome = await launchChromium(profile);
    ({ page, context } = chrome);
    await context.setOffline(true);
    await page.goto(`${url}#/customer/c-bike`);
    await framesAfter(page, 3);
    await waitView(page, 'customer');
    await waitControl(page, 'customer.name');
    const p = await probe(page);
    assert.ok(!p.controls[`suggestion.${about}.send`], 'the message sent offline is still sent after the restart');
    await waitText(page, 'status.synced', /^\d+ changes? waiting for the server$/);
    await waitText(page, 'sync.badge', /^Offline.*\d+ waiting/, 20000);
    console.log(`after the restart, offline: "${textOf(await probe(page), 'sync.badge')}" / "${textOf(await probe(page), 'status.synced')}"`);

    const requests = countRequests(page);
    const t = Date.now();
    await context.setOffline(false);
    await waitText(page, 'status.synced', /^Synced/, 60000);
    const took = Date.now() - t;
    const sent = added(before, await serverTouchpoints('c-bike'));
    assert.equal(sent.length, 1, `exactly one new message of Anna's on c-bike on the server: ${JSON.stringify(sent)}`);
    await waitText(page, 'sync.badge', /^Live$/, 60000);
    figures.push(`(a) back online -> synced without a click: ${took} ms (retry backoff), ` +
                 `${requests.filter((r) => r.url.startsWith('push')).length} push(es)`);
    await shot(page, join(shots, 'sync-back-online.png'));
  });

  await step('(b) live: a change on another device appears at once, glowing, badge Live', async () => {
    const { page } = chrome;
    await toToday(page);
    await instrument(page);
    const requests = countRequests(page);

    // A second browser of Anna's (a profile of its own) sends a message.
    other = await openPersistent(null);
    await openAsAnna(other.page, url);
    await instrument(other.page);
    const customer = await customerWithSuggestion(other.page, ['c-bike']);
    await resetSeen(page);
    await resetSeen(other.page);
    const n0 = requests.length;
    await sendFirstSuggestion(other.page, customer);
    const seen = await waitSeen(page, customer);
    const pushAt = (await other.page.evaluate(() => window.__sync.pushes))[0];
    assert.ok(pushAt, 'the other browser pushed');
    assert.match(seen.badge, /^Live$/, 'the badge says Live when the change shows');
    const onScreen = await framesAfterAnswer(page, seen);
    await framesAfter(page, seen.frame + 2);
    const inWindow = requests.slice(n0).filter((r) => r.at <= seen.at + 5);
    figures.push(`(b) browser -> browser: push to the glowing frame ${ms(seen.at - pushAt)}; this page's requests: ` +
                 `${inWindow.map((r) => r.url.split('?')[0]).join(', ') || 'none'}; on screen ` +
                 `${onScreen.frames} frame(s) after the ${onScreen.url} answer arrived`);
    await shot(page, join(shots, 'sync-live-glow.png'));
    await other.close();
    other = null;

    // cockpit-cli as a third device: one numbered note per run, five runs.
    const password = `${server.password('m-anna')}\n`;
    const delays = [], framesAfterData = [];
    for (let i = 1; i <= 5; ++i) {
      await page.waitForFunction(() => !Object.keys(window.cockpit.controls).some((k) => k.startsWith('changed.')),
                                 null, { timeout: 15000 });  // the last glow has faded
      await resetSeen(page);
      let committed = 0, on = '';
      const r = await runCli(cliBin, ['sync', '--db', cliDb, '--server', url, '--as', 'm-anna', '--password-stdin',
                                      '--act', '1', '--label', `${LABEL} b${i}`, '--timeout', '30'], {
        input: password,
        onLine: (line, at) => {
          const m = line.match(/^committed 1\/1: .* on (\S+)$/);
          if (m) { committed = at; on = m[1]; }
        },
      });
      assert.equal(r.code, 0, `cockpit-cli: ${r.out}${r.err}`);
      assert.ok(committed, `no "committed" line: ${r.out}`);
      const s = await waitSeen(page, on);
      assert.match(s.badge, /^Live$/);
      delays.push(s.at - committed);
      framesAfterData.push((await framesAfterAnswer(page, s)).frames);
      console.log(`change ${i}: glowing at ${(s.at - committed).toFixed(0)} ms after the commit; the page's ` +
                  `requests (ms after it): ${await breakdown(page, committed, s)}`);
    }
    const rate = await page.evaluate(async () => {
      const f0 = window.cockpit.frames, d0 = window.cockpit.drawn, t0 = performance.now();
      await new Promise((ok) => setTimeout(ok, 1000));  // a measurement window, not a wait for a condition
      const s = (performance.now() - t0) / 1000;
      return { frames: (window.cockpit.frames - f0) / s, drawn: (window.cockpit.drawn - d0) / s };
    });
    figures.push(`(b) cockpit-cli -> browser, 5 changes: commit (and push) to the glowing frame median ` +
                 `${ms(median(delays))}, all ${delays.map((d) => d.toFixed(0)).join(' / ')} ms; on screen ` +
                 `${framesAfterData.join(' / ')} frame(s) after the answer that carried it arrived; ` +
                 `the page runs ${rate.frames.toFixed(0)} frames/s, and drew ${rate.drawn.toFixed(0)} of them in the second ` +
                 `after the last change (its glow fading; headless, SwiftShader)`);
  });

  await step('(c) a hidden tab and a frozen tab catch up at once', async () => {
    const { page, context } = chrome;
    const password = `${server.password('m-anna')}\n`;
    const change = async (what) => {
      const label = `${LABEL} ${what}`;
      let on = '';
      const r = await runCli(cliBin, ['sync', '--db', cliDb, '--server', url, '--as', 'm-anna', '--password-stdin',
                                      '--act', '1', '--label', label, '--timeout', '30'], {
        input: password, onLine: (line) => { const m = line.match(/^committed 1\/1: .* on (\S+)$/); if (m) on = m[1]; },
      });
      assert.equal(r.code, 0, `cockpit-cli: ${r.out}${r.err}`);
      return on;
    };
    const noGlow = () => page.waitForFunction(
      () => !Object.keys(window.cockpit.controls).some((k) => k.startsWith('changed.')), null, { timeout: 15000 });

    // c1: hidden. Headless Chromium keeps every tab "visible" (a tab behind another
    // only gets fewer frames), so the page is hidden the way a browser hides it from
    // the app: document.visibilityState "hidden" with its event, and no animation
    // frames at all (the loop's requestAnimationFrame callbacks are held), while
    // timers and the network go on. Shown again: the state, the event, the frames.
    await noGlow();
    await resetSeen(page);
    await page.evaluate(() => {
      const h = window.__hidden = { on: true, held: [], raf: window.requestAnimationFrame };
      window.requestAnimationFrame = (cb) => (h.on ? (h.held.push(cb), 0) : h.raf.call(window, cb));
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h.on ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h.on });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForFunction(() => window.__hidden.held.length > 0, null, { timeout: 10000, polling: 20 });
    const framesHidden = await page.evaluate(() => window.cockpit.frames);
    const on = await change('c-hidden');
    const stalled = await page.evaluate(() => ({ frames: window.cockpit.frames, seen: Object.keys(window.__sync.seen),
                                                 state: document.visibilityState }));
    assert.equal(stalled.frames, framesHidden, 'a hidden tab drew frames');
    assert.deepEqual(stalled.seen, [], 'nothing was drawn while hidden');
    assert.equal(stalled.state, 'hidden');
    const t = now();
    await page.evaluate(() => {
      const h = window.__hidden;
      h.on = false;
      window.requestAnimationFrame = h.raf;
      delete document.visibilityState;
      delete document.hidden;
      document.dispatchEvent(new Event('visibilitychange'));
      for (const cb of h.held.splice(0)) h.raf.call(window, cb);
    });
    const seen = await waitSeen(page, on, 5000);
    assert.equal(await page.evaluate(() => document.visibilityState), 'visible');
    figures.push(`(c) hidden tab shown again: the change on screen after ${ms(seen.at - t)} ` +
                 `(requests: ${await breakdown(page, t, seen)})`);
    assert.ok(seen.at - t < 2000, `a shown tab took ${seen.at - t} ms to catch up`);

    // c2: frozen (what Chromium does to a tab in the background for long): no tasks run at
    // all, the live poll's answer waits; resumed, it shows the change at once.
    await noGlow();
    await resetSeen(page);
    const cdp = await context.newCDPSession(page);
    let frozen = true;
    try {
      await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    } catch (e) {
      frozen = false;
      figures.push(`(c) frozen: not tried, CDP refused (${e.message.split('\n')[0]})`);
    }
    if (frozen) {
      const on2 = await change('c-frozen');
      const t2 = now();
      await cdp.send('Page.setWebLifecycleState', { state: 'active' });
      const s2 = await waitSeen(page, on2, 5000);
      figures.push(`(c) frozen tab resumed: the change on screen after ${ms(s2.at - t2)} ` +
                   `(requests: ${await breakdown(page, t2, s2)})`);
      assert.ok(s2.at - t2 < 2000, `a resumed tab took ${s2.at - t2} ms to catch up`);
    }
    await cdp.detach();
  });

  await step('(d) a session ended on the server: banner, no request loop, sign in again sends what waited', async () => {
    const { page, context } = chrome;
    const cookie = (await context.cookies(url)).find((c) => c.name === 'cockpit_session');
    assert.ok(cookie && cookie.httpOnly, 'the browser holds an HttpOnly session cookie');
    const r = await api(url, 'api/session', { method: 'DELETE', token: cookie.value });
    assert.equal(r.status, 200, `ending the browser's session: ${r.text}`);
    assert.equal((await api(url, 'api/me', { token: cookie.value })).status, 401, 'the session is over');

    // The next exchange learns it: a change made now is refused 401 and waits.
    const customer = await customerWithSuggestion(page, []);
    const before = await serverTouchpoints(customer);
    const requests = countRequests(page);
    await sendFirstSuggestion(page, customer);
    await waitControl(page, 'sync.session_ended', true, 20000);
    await waitText(page, 'sync.session_ended', /session has ended.*\d+ changes? waits?/);
    await waitText(page, 'sync.badge', /^Signed out.*\d+ waiting/);
    await shot(page, join(shots, 'sync-session-ended.png'));
    const n = requests.length;
    const f = (await probe(page)).frames;
    const t = Date.now();
    await framesAfter(page, f + 240, 60000);  // a few seconds of frames: any retry loop would show
    const more = requests.slice(n);
    console.log(`after the banner: ${more.length} requests in ${Date.now() - t} ms (240 frames)`);
    assert.deepEqual(more.map((x) => x.url), [], 'no requests once the session has ended');
    assert.ok(requests.some((x) => x.url.startsWith('push')), 'the change was tried once');
    assert.deepEqual(added(before, await serverTouchpoints(customer)), []);

    // Signing in again in the banner resumes syncing and sends the change.
    await clickControl(page, 'sync.password');
    await page.keyboard.type(server.password('m-anna'));
    await clickControl(page, 'sync.sign_in');
    await waitControl(page, 'sync.session_ended', false, 20000);
    await waitText(page, 'status.synced', /^Synced/, 20000);
    await waitText(page, 'sync.badge', /^Live$/, 20000);
    assert.equal(added(before, await serverTouchpoints(customer)).length, 1, 'what waited reached the server');
    await shot(page, join(shots, 'sync-signed-in-again.png'));
  });

  await step('(e) signing out leaves nothing of Anna in the profile', async () => {
    const { page, context } = chrome;
    const cookie = (await context.cookies(url)).find((c) => c.name === 'cockpit_session');
    assert.ok(cookie, 'signed in: a session cookie');
    const customer = await customerWithSuggestion(page, []);
    await context.setOffline(true);
    await sendFirstSuggestion(page, customer);
    await waitText(page, 'sync.badge', /^Offline.*\d+ waiting/, 20000);
    await clickControl(page, 'header.sign_out');
    await waitControl(page, 'signout.confirm');
    await shot(page, join(shots, 'sync-sign-out-confirm.png'));
    await clickControl(page, 'signout.anyway');
    await waitView(page, 'sign-in');
    await saved(page);

    // Nothing of hers in the page's storage: every IndexedDB database (page_store.js
    // keeps the files in "cockpit-pages"), every cache, local and session storage, the in-memory files.
    const left = async () => page.evaluate(async (needles) => {
      const text = (v) => {
        if (v instanceof Uint8Array || v instanceof ArrayBuffer) {
          const b = v instanceof Uint8Array ? v : new Uint8Array(v);
          let s = '';
          for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
          return s;
        }
        if (v && typeof v === 'object') return Object.values(v).map(text).join('\n');
        return String(v);
      };
      const found = [];
      const look = (where, s) => { for (const n of needles) if (s.includes(n)) found.push(`${where}: ${n}`); };
      const dbs = await indexedDB.databases();
      const files = {};
      for (const { name } of dbs) {
        const db = await new Promise((ok, fail) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
        for (const store of db.objectStoreNames) {
          const [keys, values] = await Promise.all(['getAllKeys', 'getAll'].map((m) => new Promise((ok, fail) => {
            const r = db.transaction([store], 'readonly').objectStore(store)[m]();
            r.onsuccess = () => ok(r.result);
            r.onerror = () => fail(r.error);
          })));
          keys.forEach((k, i) => {
            look(`IndexedDB ${name}/${store}/${k}`, text(values[i]));
            if (name === 'cockpit-pages') files[`${store}/${k}`] = values[i] && values[i].length !== undefined ? values[i].length : 0;
          });
        }
        db.close();
      }
      const cached = [];
      for (const name of await caches.keys()) {
        for (const req of await (await caches.open(name)).keys()) {
          cached.push(req.url);
          if (req.url.includes('/api/')) found.push(`Cache Storage ${name}: ${req.url}`);
        }
      }
      const memory = {};
      for (const f of FS.readdir('/data').filter((x) => x !== '.' && x !== '..')) {
        const bytes = FS.readFile(`/data/${f}`);
        memory[f] = bytes.length;
        look(`memory /data/${f}`, text(bytes));
      }
      return { found, databases: dbs.map((d) => d.name), files, memory, cached: cached.length,
               local: localStorage.length, session: sessionStorage.length };
    }, [...ANNA, 'm-anna', LABEL, ...made]);
    const offline = await left();
    console.log(`after the sign-out, offline: ${JSON.stringify({ ...offline, found: offline.found.length })}`);
    assert.deepEqual(offline.found, [], 'something of Anna is left in the page\'s storage');
    assert.deepEqual([offline.local, offline.session], [0, 0], 'local and session storage are empty');
    assert.ok(offline.cached > 0, 'the app itself stays cached (it starts offline)');

    // The cookie: only the server can clear an HttpOnly cookie. Offline the sign-out
    // cannot reach it yet; once the network is back, it must.
    await context.setOffline(false);
    const t = Date.now();
    const deadline = t + 60000;
    while ((await context.cookies(url)).some((c) => c.name === 'cockpit_session')) {
      assert.ok(Date.now() < deadline, 'the session cookie is still in the browser 60 s after the network came back');
      await framesAfter(page, (await probe(page)).frames + 10);
    }
    figures.push(`(e) sign-out reached the server ${Date.now() - t} ms after the network came back`);
    assert.equal((await api(url, 'api/me', { token: cookie.value })).status, 401, 'Anna\'s session is over on the server');
    const online = await left();
    assert.deepEqual(online.found, []);

    // A reload is a fresh device: the sign-in form, nothing of Anna.
    await page.reload();
    await framesAfter(page, 3);
    await waitView(page, 'sign-in');
    const again = await left();
    assert.deepEqual(again.found, []);
    await shot(page, join(shots, 'sync-signed-out.png'));
    assert.deepEqual(chrome.log.errors, [], 'uncaught errors in the page');
    await chrome.close();
    chrome = null;

    // For the record (not asserted: Chromium's LevelDB keeps deleted values in its log
    // and table files until it compacts them): the profile's files that still hold one
    // of the words as plain bytes.
    const raw = [];
    (function walk(dir) {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        let st;
        try { st = statSync(p); } catch { continue; }
        if (st.isDirectory()) walk(p);
        else if (st.size < 64 << 20) {
          const data = readFileSync(p).toString('latin1');
          const hits = [LABEL, ...made].filter((n) => data.includes(n));
          if (hits.length) raw.push(`${p.slice(profile.length + 1)} (${hits.join(', ')})`);
        }
      }
    })(profile);
    figures.push(`(e) profile files with raw bytes of Anna's ids after the browser closed: ${raw.length ? raw.join('; ') : 'none'}`);
  });

  console.log(`sync test passed in ${Date.now() - T0} ms; screenshots in ${shots}`);
} catch (e) {
  failed = true;
  console.error(e);
  for (const b of [chrome, other]) if (b) printPageLog(b);
} finally {
  for (const f of figures) console.log(`  ${f}`);
  for (const t of timings) console.log(`  ${t}`);
  if (other) await other.close().catch(() => {});
  if (chrome) await chrome.kill().catch(() => {});
  if (server) await server.stop().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
