// The lead's panel of source events with no customer (issue 20) in the browser, end to
// end: the REAL cockpit-server (demo book and logins) serves the built site and has
// Stripe bound (the admin command); node sends it a Stripe event signed the way Stripe
// signs (HMAC-SHA256 of "t.body" with the endpoint's secret) naming an e-mail nobody
// has. In Chromium, Lena's team view lists it (source, type, e-mail, when, summary);
// "Match to customer…", a search, Jonas Weber, Match: the event leaves the list, and
// its exception is in Jonas's customer view and on the server. With the network cut,
// Refresh says "Unavailable offline" instead of failing silently.
//   COCKPIT_SITE=build/browser/app COCKPIT_SERVER=build/headless/shell/cockpit-server node unmatched.test.mjs
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  api, checkSite, clickControl, openCustomer, openPersistent, openTeamView, probe, shot, startCockpitServer, textOf,
  waitControl, waitText, waitView,
} from './lib.mjs';

const site = process.env.COCKPIT_SITE;
const serverBin = process.env.COCKPIT_SERVER;
const shots = process.env.COCKPIT_SCREENSHOTS || tmpdir();
checkSite(site, ['index.html', 'cockpit.js', 'cockpit.wasm']);
assert.ok(serverBin, 'COCKPIT_SERVER: the cockpit-server binary that serves the site');
mkdirSync(shots, { recursive: true });

const work = mkdtempSync(join(tmpdir(), 'cockpit-unmatched-'));
const db = join(work, 'server.db');
const server = await startCockpitServer(serverBin, { appDir: site, db });
const SECRET = 'whsec_browser_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH';

// Stripe bound to the server, as CONNECT.md's set-up says (the secret on stdin).
const bound = spawnSync(serverBin, ['add-integration', '--db', db, '--name', 'stripe-live', '--source', 'stripe',
                                   '--secret-stdin'], { input: `${SECRET}\n`, encoding: 'utf8' });
assert.equal(bound.status, 0, `add-integration: ${bound.stderr}`);

// An invoice.payment_failed event as Stripe sends it, signed with Stripe's scheme.
async function sendStripe(evt, invoice, customer, email) {
  const t = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    id: evt, object: 'event', api_version: '2024-06-20', created: t, type: 'invoice.payment_failed', livemode: false,
    data: { object: { id: invoice, object: 'invoice', customer, customer_email: email, number: 'BRW-0001',
                      amount_due: 4200, currency: 'eur', status: 'open' } },
  });
  const sig = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
  const r = await fetch(new URL('api/connect/stripe', server.url), {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${t},v1=${sig}` }, body,
  });
  const json = await r.json();
  assert.equal(r.status, 200, `Stripe delivery: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

const { page, context, log, close } = await openPersistent(null);
try {
  const token = await openTeamView(page, server, 'm-lena');
  await waitText(page, 'lead.unmatched.status', /^Every source event found its customer\.$/);

  console.log('-- a Stripe event naming nobody: listed in the team view');
  const sent = await sendStripe('evt_browser_1', 'in_browser_1', 'cus_browser_1', 'jonas.private@elsewhere.example');
  assert.equal(sent.outcome, 'unmatched');
  const id = sent.unmatched;
  await clickControl(page, 'lead.unmatched.refresh');
  await waitText(page, `lead.unmatched.row.${id}`, /^Payment failed: invoice BRW-0001 \(42\.00 EUR\)$/);
  assert.equal(textOf(await probe(page), 'lead.unmatched.status'), '1 event waits for a customer.');
  await shot(page, join(shots, 'browser-unmatched.png'));

  console.log('-- matched to Jonas Weber: off the list, his exception');
  await clickControl(page, `lead.unmatched.match.${id}`);
  await clickControl(page, 'lead.unmatched.search');
  await page.keyboard.type('Weber');
  await waitControl(page, 'lead.unmatched.customer.c-weber');
  await clickControl(page, 'lead.unmatched.customer.c-weber');
  await clickControl(page, 'lead.unmatched.confirm');
  await waitText(page, 'lead.unmatched.done', new RegExp(`^Event ${id} applied for c-weber \\(`));
  await waitControl(page, `lead.unmatched.row.${id}`, false);
  await waitText(page, 'lead.unmatched.status', /^Every source event found its customer\.$/);
  const pull = await api(server.url, 'api/pull?since=0', { token });
  const x = pull.json.changes.find((c) => c.kind === 'exception' && c.id === 'x-stripe-in_browser_1');
  assert.ok(x, 'the exception is on the server');
  assert.equal(x.record.customer, 'c-weber');
  await openCustomer(page, 'c-weber');
  await waitControl(page, 'exception.x-stripe-in_browser_1.resolve');

  console.log('-- the team view opened again reads the list again, with no click');
  // (Another Stripe customer: cus_browser_1 is Jonas's now, his next events find him.)
  const second = await sendStripe('evt_browser_2', 'in_browser_2', 'cus_browser_2', 'someone.else@elsewhere.example');
  assert.equal(second.outcome, 'unmatched');
  await page.evaluate(() => { location.hash = '#/lead'; });
  await waitView(page, 'lead');
  await waitText(page, 'lead.unmatched.status', /^1 event waits for a customer\.$/);

  console.log('-- offline: the panel says so');
  await context.setOffline(true);
  await clickControl(page, 'lead.unmatched.refresh');
  await waitText(page, 'lead.unmatched.status', /^Unavailable offline/);
  await context.setOffline(false);
  assert.deepEqual(log.errors, [], 'uncaught errors in the page');
  console.log('unmatched.test: ok');
} finally {
  writeFileSync(join(shots, 'browser-unmatched-console.log'), log.console.join('\n') + '\n');
  await close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
