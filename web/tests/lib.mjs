// Shared by the browser tests: Debian's Chromium (headless, WebGL2 on SwiftShader)
// through playwright-core, the app's probe (window.cockpit: frames, view, control
// rectangles in CSS pixels), and the processes a test starts (cockpit-server, a
// Chromium of its own when the test must kill it hard).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { decodePng } from './png.mjs';

export const CHROMIUM = '/usr/bin/chromium';
// Chromium flags: WebGL2 through SwiftShader (no GPU in CI), and no background
// traffic into the closed network.
export const ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-gpu',
                     '--no-first-run', '--disable-background-networking', '--disable-component-update',
                     '--disable-sync'];

export function checkSite(site, files) {
  for (const f of files) assert.ok(site && existsSync(join(site, f)), `missing ${site}/${f}: build the browser preset first`);
}

// Console lines and uncaught errors of a page, kept for assertions and the log file.
export function watch(page, log = { console: [], errors: [] }) {
  page.on('console', (m) => log.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.errors.push(String(e)));
  return log;
}

// Playwright's own launch, with a fresh profile unless `dir` is given. close() closes
// it and deletes a profile it created.
export async function openPersistent(dir, options = {}) {
  const fresh = !dir;
  const profile = dir || mkdtempSync(join(tmpdir(), 'cockpit-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 800 }, ...options,
    });
  } catch (e) {
    if (fresh) rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] || await context.newPage();
  const log = watch(page);
  return {
    context, page, log, profile,
    close: async () => {
      await context.close();
      if (fresh) rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------ the app's probe
export const probe = (page) => page.evaluate(() => window.cockpit);
export async function framesAfter(page, n, timeout = 30000) {
  await page.waitForFunction((k) => window.cockpit && window.cockpit.frames >= k, n, { timeout });
}
export async function settle(page) { await framesAfter(page, (await probe(page)).frames + 3); }
export async function shot(page, path) {
  await settle(page);
  return decodePng(await page.screenshot({ path }));
}
export async function waitView(page, view, timeout = 15000) {
  try {
    await page.waitForFunction((v) => window.cockpit && window.cockpit.view === v, view, { timeout });
  } catch (e) {
    // Say what the app shows instead: the view, its controls and the words it reports.
    const p = await probe(page).catch(() => undefined);
    const what = p ? `view ${p.view}, controls ${Object.keys(p.controls).join(' ')}, texts ${JSON.stringify(p.texts)}`
                   : 'no probe';
    throw new Error(`waiting ${timeout} ms for the ${view} view: ${what}`, { cause: e });
  }
  await settle(page);
}
export async function waitControl(page, name, present = true, timeout = 15000) {
  await page.waitForFunction(([n, p]) => window.cockpit && (!!window.cockpit.controls[n]) === p, [name, present],
                             { timeout });
}
export async function clickControl(page, name) {
  await settle(page);
  const p = await probe(page);
  const r = p.controls[name];
  assert.ok(r, `no control ${name} in ${JSON.stringify(Object.keys(p.controls))}`);
  await page.mouse.move(r[0] + r[2] / 2, r[1] + r[3] / 2);
  await framesAfter(page, p.frames + 2);
  await page.mouse.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
  await settle(page);
}
// The save to IndexedDB after the last commit has finished (pre.js: 0 = saved).
export async function saved(page, timeout = 20000) {
  await page.waitForFunction(() => window.Module && Module.cockpitPersist && Module.cockpitPersist.state() === 0, null,
                             { timeout });
}

// Signs `who` in from the sign-in view and waits for Today: the one place that knows
// how signing in looks. A device of its own lists its people (a button each); a device
// of a server asks for the manager id and the password, then loads the person's share.
export async function signIn(page, who, password) {
  await waitView(page, 'sign-in');
  const p = await probe(page);
  if (p.controls[`signin.${who}`]) {
    await clickControl(page, `signin.${who}`);
  } else {
    assert.ok(p.controls['signin.password'], `no way to sign in ${who}: ${JSON.stringify(Object.keys(p.controls))}`);
    assert.ok(password !== undefined, `the password form is shown: pass ${who}'s password`);
    await fillSignIn(page, who, password);
    await clickControl(page, 'signin.submit');
  }
  await waitView(page, 'today', 30000);
}

// Signs `who` in on the page the server serves and opens the team view; returns an API
// token of the same account for the checks made beside the UI.
export async function openTeamView(page, server, who) {
  const token = await apiSignIn(server.url, who, server.password(who));
  await page.goto(server.url);
  await signIn(page, who, server.password(who));
  await clickControl(page, 'nav.lead');
  await waitView(page, 'lead');
  return token;
}

// The password form filled in (the manager id replacing what the field held), not yet
// submitted: for callers that time or watch the submit themselves.
export async function fillSignIn(page, who, password) {
  await clickControl(page, 'signin.manager');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(who);
  await clickControl(page, 'signin.password');
  await page.keyboard.type(password);
}

// Opens the customer, sends the suggestion about `about` as proposed, and waits until
// it has left the list (the commit is done; the flush may still run).
export async function sendSuggestion(page, customer, about) {
  if ((await probe(page)).view !== 'customer' || !(await probe(page)).controls[`suggestion.${about}.send`]) {
    await clickControl(page, `row.${customer}`);
    await waitView(page, 'customer');
  }
  await waitControl(page, `suggestion.${about}.send`);
  await clickControl(page, `suggestion.${about}.send`);
  await waitControl(page, 'compose.send');
  await clickControl(page, 'compose.send');
  await waitControl(page, 'compose.send', false);
  await waitControl(page, `suggestion.${about}.send`, false);
}

// The last console lines and every uncaught error of a browser's page, for a failed test.
export function printPageLog(browser) {
  for (const line of browser.log.console.slice(-30)) console.error(`  page: ${line}`);
  for (const line of browser.log.errors) console.error(`  page error: ${line}`);
}

// ------------------------------------------------------------ processes
// Reads a child's output line by line until `pattern` matches; resolves the match.
function waitForLine(stream, pattern, what, timeout = 20000) {
  return new Promise((ok, fail) => {
    let buf = '';
    const timer = setTimeout(() => fail(new Error(`${what}: no line matching ${pattern} in ${timeout} ms:\n${buf}`)),
                             timeout);
    const onData = (chunk) => {
      buf += chunk;
      const m = buf.match(pattern);
      if (m) {
        clearTimeout(timer);
        stream.off('data', onData);
        stream.resume();  // keep draining: a full pipe would block the child
        ok(m);
      }
    };
    stream.setEncoding('utf8');
    stream.on('data', onData);
  });
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((ok) => child.once('exit', ok));
}

// cockpit-server serving `appDir` (the built site) with its database at `db`, on
// 127.0.0.1 (`port` 0: a free one), with the demo book and its logins. password(id) is
// a demo login's password, as the server printed it. stop() sends SIGTERM and waits.
// COCKPIT_SERVER_LOG=1 in the environment shows its request log.
// `args`: more flags for serve; `demo: false` serves what `db` holds (no demo book).
export async function startCockpitServer(binary, { appDir, db, port = 0, args = [], demo = true }) {
  assert.ok(binary && existsSync(binary), `no cockpit-server at ${binary}: build the desktop preset first`);
  const log = !!process.env.COCKPIT_SERVER_LOG;
  const child = spawn(binary, ['serve', '--db', db, '--app-dir', appDir, '--port', String(port), '--bind', '127.0.0.1',
                               ...(demo ? ['--demo'] : []), ...(log ? [] : ['--no-log']), ...args],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  if (log) child.stderr.on('data', (d) => process.stderr.write(d));
  else child.stderr.resume();
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => { out += d; });
  const [, url, p] = await Promise.race([
    waitForLine(child.stdout, /listening on (http:\/\/127\.0\.0\.1:(\d+)\/)/, 'cockpit-server'),
    exited(child).then(() => { throw new Error(`cockpit-server exited with ${child.exitCode}`); }),
  ]);
  return {
    url, port: Number(p), child,
    // "  m-anna manager demo-anna" under "demo logins": printed once, at the start.
    password: (id) => {
      const m = out.match(new RegExp(`^\\s+${id} \\S+ (\\S+)$`, 'm'));
      assert.ok(m, `cockpit-server printed no demo login for ${id}:\n${out}`);
      return m[1];
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited(child);
    },
  };
}

// A Chromium of our own (its own process group) driven over CDP, so that kill() can
// end it like a crash or a power cut of the app: SIGKILL to every process of the
// browser at once, no shutdown code. close() is the orderly exit (CDP Browser.close).
// The profile directory is the caller's, reused across launches on purpose.
export async function launchChromium(profile, { extraArgs = [] } = {}) {
  const child = spawn(CHROMIUM, [...ARGS, '--headless', '--window-size=1280,800', `--user-data-dir=${profile}`,
                                 '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1', ...extraArgs,
                                 'about:blank'],
                      { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const [, ws] = await Promise.race([
    waitForLine(child.stderr, /DevTools listening on (ws:\/\/\S+)/, 'chromium', 30000),
    exited(child).then(() => { throw new Error(`chromium exited with ${child.exitCode}`); }),
  ]);
  const browser = await chromium.connectOverCDP(ws);
  const context = browser.contexts()[0];
  const page = context.pages()[0] || await context.newPage();
  const log = watch(page);
  const group = child.pid;
  const gone = async () => {
    await exited(child);
    // The renderers, GPU and utility processes share the group: wait until all are gone.
    const deadline = Date.now() + 10000;
    for (;;) {
      try { process.kill(-group, 0); } catch { return; }
      if (Date.now() > deadline) throw new Error('chromium processes outlived the browser');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return {
    browser, context, page, log, pid: child.pid,
    kill: async () => {
      try { process.kill(-group, 'SIGKILL'); } catch { /* already gone */ }
      await gone();
    },
    close: async () => {
      try {
        const cdp = await browser.newBrowserCDPSession();
        await cdp.send('Browser.close');
      } catch { /* the connection closed under us: it is going */ }
      await gone();
    },
  };
}

// ------------------------------------------------------------ more of the probe
// The words a control shows (TestProbe::texts: the sync badge, status.synced,
// sync.session_ended), or undefined.
export const textOf = (p, name) => (p && p.texts ? p.texts[name] : undefined);
export async function waitText(page, name, pattern, timeout = 15000) {
  const source = pattern instanceof RegExp ? pattern.source : String(pattern);
  try {
    await page.waitForFunction(([n, s]) => window.cockpit && window.cockpit.texts && new RegExp(s).test(window.cockpit.texts[n] || ''),
                               [name, source], { timeout });
  } catch (e) {
    const p = await probe(page).catch(() => null);
    throw new Error(`${name} never matched /${source}/ in ${timeout} ms: it says ${JSON.stringify(textOf(p, name))}\n${e.message}`);
  }
}
// The suggestions the open customer view offers (controls suggestion.<about>.send).
export const suggestionsShown = (p) =>
  Object.keys(p.controls).map((k) => k.match(/^suggestion\.(.+)\.send$/)).filter(Boolean).map((m) => m[1]);
// Opens a customer from wherever the page is (the address), and waits for the view.
export async function openCustomer(page, customer) {
  await page.evaluate((c) => { location.hash = `#/customer/${c}`; }, customer);
  await page.waitForFunction((c) => window.cockpit && window.cockpit.view === 'customer' &&
                             window.cockpit.controls['customer.name'] && location.hash === `#/customer/${c}`, customer,
                             { timeout: 15000 });
  await settle(page);
}

// ------------------------------------------------------------ the server's API from node
// A plain HTTP client of cockpit-server (Node's fetch): the bearer token of its own
// sign-in, never a cookie; `base` is the server's URL ending in '/'.
export async function api(base, path, { method = 'GET', token, body } = {}) {
  const headers = { 'X-Cockpit-Schema': '1' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(new URL(path, base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text, headers: r.headers };
}
export async function apiSignIn(base, who, password) {
  const r = await api(base, 'api/session', { method: 'POST', body: { manager: who, password } });
  assert.equal(r.status, 200, `sign-in of ${who} from node: ${r.status} ${r.text}`);
  return r.json.token;
}

// ------------------------------------------------------------ cockpit-cli, a device without a window
// Runs `cockpit-cli ARGS` with `input` on stdin; onLine(line, ms) sees each output line
// as it comes (ms: performance.timeOrigin + performance.now() when it arrived).
// Resolves { code, out, err } when it exits.
export function runCli(binary, args, { input = '', onLine = () => {}, timeout = 60000 } = {}) {
  assert.ok(binary && existsSync(binary), `no cockpit-cli at ${binary}: build the desktop preset first`);
  return new Promise((ok, fail) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '', partial = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); fail(new Error(`cockpit-cli ${args.join(' ')}: no exit in ${timeout} ms:\n${out}${err}`)); }, timeout);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      const at = performance.timeOrigin + performance.now();
      out += d;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop();
      for (const l of lines) onLine(l, at);
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => { clearTimeout(timer); fail(e); });
    child.on('exit', (code) => { clearTimeout(timer); ok({ code, out, err }); });
    child.stdin.end(input);
  });
}
