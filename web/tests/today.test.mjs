// End to end in the browser: Debian's Chromium (headless, WebGL2 on SwiftShader) opens
// the built site served on 127.0.0.1 with a fresh profile (an empty IndexedDB: the app
// creates /data/cockpit.db, with the demo book on a device of its own, or with the
// signed-in person's share of the server's demo book). The manager signs in, opens a
// customer, sends a suggested message and sees it leave the list; after a reload (the
// database comes back from IndexedDB) it is still gone. Screenshots of every main view.
//   COCKPIT_SITE=build/browser/app COCKPIT_SCREENSHOTS=build/desktop/screenshots node today.test.mjs
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkSite, clickControl, framesAfter, openPersistent, probe, saved, shot as shotAt, signIn, startCockpitServer,
  waitControl, waitView,
} from './lib.mjs';
import { describe, difference } from './png.mjs';
import { startServer } from './serve.mjs';

const site = process.env.COCKPIT_SITE;
const shots = process.env.COCKPIT_SCREENSHOTS || tmpdir();
checkSite(site, ['index.html', 'cockpit.js', 'cockpit.wasm', 'fonts/Inter-Regular.otf', 'assets/messages.json']);
mkdirSync(shots, { recursive: true });

// Served by cockpit-server (COCKPIT_SERVER: the app is then a device of that server,
// with password sign-in and sync), else by the static file server (a device of its own).
const work = mkdtempSync(join(tmpdir(), 'cockpit-today-'));
const server = process.env.COCKPIT_SERVER
  ? await startCockpitServer(process.env.COCKPIT_SERVER, { appDir: site, db: join(work, 'server.db') })
  : { ...(await startServer(site)), password: () => undefined };
const open = (options = {}) => openPersistent(null, options);  // a fresh profile per run
const shot = (page, name) => shotAt(page, join(shots, name));

let failed = false;
try {
  const t0 = Date.now();
  const { page, log, close } = await open();
  try {
    await page.goto(server.url);
    await framesAfter(page, 3);
    console.log(`first frames after ${Date.now() - t0} ms`);
    const state = await page.evaluate(() => ({
      error: document.body.dataset.error || '', ready: document.body.dataset.ready,
      status: document.getElementById('status').hidden,
    }));
    assert.equal(state.error, '', 'the page reported an error');
    assert.equal(state.ready, '1');
    assert.ok(state.status, 'the loading message is still shown');
    assert.ok(log.console.some((l) => l.includes('cockpit: font Inter')), `fonts: ${log.console.join(' | ')}`);

    // 1. Sign in: an empty device got the demo book; the local identity lists its people.
    await waitView(page, 'sign-in');
    assert.equal(await page.evaluate(() => location.hash), '#/sign-in');
    const signInShot = await shot(page, 'browser-sign-in.png');
    assert.ok(describe(signInShot).colours > 50, 'the sign-in screen looks blank');
    await signIn(page, 'm-anna', server.password('m-anna'));
    assert.equal(await page.evaluate(() => location.hash), '#/today');
    let p = await probe(page);
    // A device of its own marks the demo book as such; a device of a server shows sync.
    const mode = process.env.COCKPIT_SERVER ? ['sync.badge', 'status.synced'] : ['header.demo'];
    for (const c of ['card.suggested', 'card.overdue', 'card.exceptions', 'card.held', 'row.c-bike', ...mode])
      assert.ok(p.controls[c], `Today shows ${c} in ${JSON.stringify(Object.keys(p.controls))}`);
    const today = await shot(page, 'browser-today.png');
    const d = describe(today);
    console.log('today:', JSON.stringify(d));
    assert.ok(d.colours > 100 && d.other > 0.05, `the canvas looks blank: ${JSON.stringify(d)}`);

    // 2. Open a customer: the view and the address follow.
    await clickControl(page, 'row.c-bike');
    await waitView(page, 'customer');
    assert.equal(await page.evaluate(() => location.hash), '#/customer/c-bike');
    await waitControl(page, 'suggestion.p-bike.send');
    const customer = await shot(page, 'browser-customer.png');
    assert.ok(difference(today, customer) > 0.05, 'opening a customer changed too little on screen');

    // 3. Send the suggested message about the overdue delivery.
    await clickControl(page, 'suggestion.p-bike.send');
    await waitControl(page, 'compose.send');
    await shot(page, 'browser-compose.png');
    await clickControl(page, 'compose.send');
    await waitControl(page, 'compose.send', false);
    await waitControl(page, 'suggestion.p-bike.send', false);
    await waitControl(page, 'toast.undo');
    await shot(page, 'browser-sent.png');
    await saved(page);

    // 4. Reload: the same person, the same customer, and the message is still gone.
    await page.reload();
    await framesAfter(page, 3);
    await waitView(page, 'customer');
    p = await probe(page);
    assert.ok(p.controls['customer.name'], 'the customer view is back after a reload');
    assert.ok(!p.controls['suggestion.p-bike.send'], 'the sent suggestion came back after a reload');
    assert.ok(Object.keys(p.controls).some((k) => k.startsWith('suggestion.')), 'the other suggestions are still there');

    // 5. Back goes to Today; the keyboard reaches the canvas (j, Enter open the second customer).
    await page.goBack();
    await waitView(page, 'today');
    await page.mouse.move(5, 790);
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await waitView(page, 'customer');
    assert.match(await page.evaluate(() => location.hash), /^#\/customer\/c-/);
    await page.keyboard.press('Escape');
    await waitView(page, 'today');

    // 6. The theme toggle turns the page dark.
    await clickControl(page, 'theme.toggle');
    await page.waitForFunction(() => window.cockpit.theme === 'dark', null, { timeout: 10000 });
    const dark = describe(await shot(page, 'browser-today-dark.png'));
    assert.ok(parseInt(dark.background.slice(1), 16) < parseInt(d.background.slice(1), 16), 'background got darker');
    await clickControl(page, 'theme.toggle');

    // 7. Sign out; the team lead signs in and sees every manager's load.
    await clickControl(page, 'header.sign_out');
    await signIn(page, 'm-lena', server.password('m-lena'));
    await clickControl(page, 'nav.lead');
    await waitView(page, 'lead');
    assert.equal(await page.evaluate(() => location.hash), '#/lead');
    await waitControl(page, 'lead.row.m-anna');
    await shot(page, 'browser-lead.png');

    assert.deepEqual(log.errors, [], 'uncaught errors in the page');
    // CSP violations, and a wasm served with the wrong MIME type (no streaming compile).
    const csp = log.console.filter((l) => /Content Security Policy|Refused to|streaming compile failed/.test(l));
    assert.deepEqual(csp, [], 'the page broke its Content-Security-Policy');
  } finally {
    writeFileSync(join(shots, 'browser-console.log'), log.console.join('\n') + '\n');
    await close();
  }

  // High-DPI: at devicePixelRatio 2 the backing store doubles, the layout (CSS px) does not.
  {
    const { page, close } = await open({ deviceScaleFactor: 2 });
    try {
      await page.goto(server.url);
      await framesAfter(page, 3);
      const p = await probe(page);
      const size = await page.evaluate(() => [document.getElementById('canvas').width, window.innerWidth]);
      assert.equal(size[0], size[1] * 2, 'canvas backing store is CSS width × 2');
      assert.ok(p.controls['theme.toggle'][0] + p.controls['theme.toggle'][2] <= 1280.5, 'controls in CSS pixels');
      await signIn(page, 'm-anna', server.password('m-anna'));
      const hi = describe(await shot(page, 'browser-today-2x.png'));
      assert.ok(hi.colours > 100, 'the 2x frame looks blank');
    } finally {
      await close();
    }
  }
  console.log(`browser test passed in ${Date.now() - t0} ms; screenshots in ${shots}`);
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await (server.stop ? server.stop() : server.close());
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
