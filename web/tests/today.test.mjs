// End to end in the browser: Debian's Chromium (headless, WebGL2 on SwiftShader) opens
// the built site served on 127.0.0.1, waits for the first frames, checks the canvas
// shows a real frame, clicks named controls and checks what is shown changed.
//   COCKPIT_SITE=build/browser/app COCKPIT_SCREENSHOTS=build/desktop/screenshots node today.test.mjs
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { decodePng, describe, difference } from './png.mjs';
import { startServer } from './serve.mjs';

const site = process.env.COCKPIT_SITE;
const shots = process.env.COCKPIT_SCREENSHOTS || tmpdir();
for (const f of ['index.html', 'cockpit.js', 'cockpit.wasm', 'fonts/Inter-Regular.otf']) {
  assert.ok(site && existsSync(join(site, f)), `missing ${site}/${f}: build the browser preset first`);
}
mkdirSync(shots, { recursive: true });

// Flags from shared/notes/toolchain.md: WebGL2 through SwiftShader, and no background
// traffic into the closed network.
const ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-gpu',
              '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const server = await startServer(site);
const profiles = [];
async function open(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cockpit-chromium-'));  // a fresh profile per run
  profiles.push(dir);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS,
    viewport: { width: 1280, height: 800 }, ...options,
  });
  const page = context.pages()[0] || await context.newPage();
  const log = { console: [], errors: [] };
  page.on('console', (m) => log.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.errors.push(String(e)));
  return { context, page, log };
}

const probe = (page) => page.evaluate(() => window.cockpit);
async function framesAfter(page, n) {
  await page.waitForFunction((k) => window.cockpit && window.cockpit.frames >= k, n, { timeout: 30000 });
}
async function shot(page, name) {
  const png = await page.screenshot({ path: join(shots, name) });
  return decodePng(png);
}
async function clickControl(page, name) {
  const p = await probe(page);
  const r = p.controls[name];
  assert.ok(r, `no control ${name} in ${JSON.stringify(Object.keys(p.controls))}`);
  await page.mouse.move(r[0] + r[2] / 2, r[1] + r[3] / 2);
  await framesAfter(page, p.frames + 2);
  await page.mouse.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
}

let failed = false;
try {
  const t0 = Date.now();
  const { context, page, log } = await open();
  try {
    await page.goto(server.url);
    await framesAfter(page, 3);
    console.log(`first frames after ${Date.now() - t0} ms`);
    const state = await page.evaluate(() => ({
      error: document.body.dataset.error || '', ready: document.body.dataset.ready,
      status: document.getElementById('status').hidden, webgl2: !!document.createElement('canvas').getContext('webgl2'),
    }));
    assert.equal(state.error, '', 'the page reported an error');
    assert.equal(state.ready, '1');
    assert.ok(state.status, 'the loading message is still shown');
    assert.ok(log.console.some((l) => l.includes('cockpit: font Inter')), `fonts: ${log.console.join(' | ')}`);

    let p = await probe(page);
    assert.equal(p.view, 'today');
    const today = await shot(page, 'browser-today.png');
    const d = describe(today);
    console.log('today:', JSON.stringify(d));
    assert.ok(d.colours > 100 && d.other > 0.05, `the canvas looks blank: ${JSON.stringify(d)}`);

    // A click on "Customers" switches the view: the app says so, the address says so,
    // and the pixels changed.
    await clickControl(page, 'nav.customers');
    await page.waitForFunction(() => window.cockpit.view === 'customers', null, { timeout: 10000 });
    await framesAfter(page, (await probe(page)).frames + 2);
    const customers = await shot(page, 'browser-customers.png');
    const changed = difference(today, customers);
    console.log(`customers: ${(changed * 100).toFixed(1)}% of pixels changed`);
    assert.ok(changed > 0.02, 'clicking Customers changed too little on screen');
    assert.equal(await page.evaluate(() => location.hash), '#/customers');
    p = await probe(page);
    assert.ok(p.controls['customers.filter'], 'the Customers view has its search box');

    // Typing into the search box narrows the table (keyboard reaches the canvas).
    await clickControl(page, 'customers.filter');
    await page.keyboard.type('bakery');
    await page.waitForFunction(() => !window.cockpit.controls['customers.row.c-1001'], null, { timeout: 10000 });
    assert.ok((await probe(page)).controls['customers.row.c-1005'], 'the matching customer is still listed');

    // The theme toggle turns the page dark.
    await clickControl(page, 'theme.toggle');
    await page.waitForFunction(() => window.cockpit.theme === 'dark', null, { timeout: 10000 });
    await framesAfter(page, (await probe(page)).frames + 2);
    const dark = describe(await shot(page, 'browser-customers-dark.png'));
    console.log('dark:', JSON.stringify(dark));
    assert.ok(parseInt(dark.background.slice(1), 16) < parseInt(d.background.slice(1), 16), 'background got darker');

    // A reload reopens the view named in the address.
    await page.reload();
    await framesAfter(page, 2);
    assert.equal((await probe(page)).view, 'customers');

    assert.deepEqual(log.errors, [], 'uncaught errors in the page');
    // CSP violations, and a wasm served with the wrong MIME type (no streaming compile).
    const csp = log.console.filter((l) => /Content Security Policy|Refused to|streaming compile failed/.test(l));
    assert.deepEqual(csp, [], 'the page broke its Content-Security-Policy');
  } finally {
    writeFileSync(join(shots, 'browser-console.log'), log.console.join('\n') + '\n');
    await context.close();
  }

  // High-DPI: at devicePixelRatio 2 the backing store doubles, the layout (CSS px) does not.
  {
    const { context, page } = await open({ deviceScaleFactor: 2 });
    try {
      await page.goto(server.url + '#/today');
      await framesAfter(page, 3);
      const p = await probe(page);
      const size = await page.evaluate(() => [document.getElementById('canvas').width, window.innerWidth]);
      assert.equal(size[0], size[1] * 2, 'canvas backing store is CSS width × 2');
      assert.ok(p.controls['theme.toggle'][0] + p.controls['theme.toggle'][2] <= 1280.5, 'controls in CSS pixels');
      const hi = describe(await shot(page, 'browser-today-2x.png'));
      assert.ok(hi.colours > 100, 'the 2x frame looks blank');
      await clickControl(page, 'nav.customers');
      await page.waitForFunction(() => window.cockpit.view === 'customers', null, { timeout: 10000 });
    } finally {
      await context.close();
    }
  }
  console.log(`browser test passed in ${Date.now() - t0} ms; screenshots in ${shots}`);
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await server.close();
  for (const d of profiles) rmSync(d, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
