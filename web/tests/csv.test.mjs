// The lead's CSV upload in the browser, end to end, through the page's real file
// picker: the REAL cockpit-server (demo book and logins) serves the built site; Debian's
// Chromium (a fresh profile) is Lena's browser. She opens the team view's upload, and
// the file reaches the app the way a person's does: the button opens the browser's file
// chooser (pre.js, Module.cockpitPickFile), Playwright answers it with a file
// (FileChooser.setFiles, Playwright's setInputFiles on that very <input type=file>).
//   (a) a sheet with a bad row: its problems by row and column, "nothing will be
//       imported", Import disabled; clicking it anyway changes nothing, in the page
//       or on the server;
//   (b) the corrected sheet: "2 customers: 2 new…", Import, and the customers are in
//       the app (their customer view opens, they are rows of Today) and on the server
//       (the lead's pull from node).
//   COCKPIT_SITE=build/browser/app COCKPIT_SERVER=build/headless/shell/cockpit-server node csv.test.mjs
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  api, checkSite, clickControl, openCustomer, openPersistent, openTeamView, probe, settle, shot, startCockpitServer,
  textOf, waitControl, waitText, waitView,
} from './lib.mjs';

const site = process.env.COCKPIT_SITE;
const shots = process.env.COCKPIT_SCREENSHOTS || tmpdir();
checkSite(site, ['index.html', 'cockpit.js', 'cockpit.wasm']);
assert.ok(process.env.COCKPIT_SERVER, 'COCKPIT_SERVER: the cockpit-server binary that serves the site');
mkdirSync(shots, { recursive: true });

const work = mkdtempSync(join(tmpdir(), 'cockpit-csv-'));
const server = await startCockpitServer(process.env.COCKPIT_SERVER, { appDir: site, db: join(work, 'server.db') });
const IDS = ['c-csv-web-1', 'c-csv-web-2'];
const HEADER = 'Id,Name,Owner,Stage,Email,Preferred channel,Since';
const ROW1 = 'c-csv-web-1,Ada Upload,m-anna,Active,ada.upload@example.com,email,2026-01-15';
const BAD = `${HEADER}\r\n${ROW1}\r\nc-csv-web-2,Bo Broken,m-ben,sleeping,bo.broken@example.com,phone,2026-02-01\r\n`;
const GOOD = `${HEADER}\r\n${ROW1}\r\nc-csv-web-2,Bo Broken,m-ben,prospect,bo.broken@example.com,phone,2026-02-01\r\n`;

// The customers the server holds with these ids (the lead's pull, from node).
async function onServer(token) {
  const r = await api(server.url, 'api/pull?since=0', { token });
  assert.equal(r.status, 200, `pull from node: ${r.status} ${r.text}`);
  return r.json.changes.filter((c) => c.kind === 'customer' && IDS.includes(c.id)).map((c) => c.record);
}

// Picks `text` as `name` through the page's own file chooser: the click on the upload's
// button opens it, and the chooser is answered with the file.
async function pickFile(page, name, text) {
  const chooser = page.waitForEvent('filechooser', { timeout: 15000 });
  await clickControl(page, 'lead.csv.open');
  const fc = await chooser;
  assert.equal(fc.isMultiple(), false, 'one file at a time');
  await fc.setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
}

const { page, log, close } = await openPersistent(null);
try {
  const token = await openTeamView(page, server, 'm-lena');
  await clickControl(page, 'lead.csv.toggle');
  await waitControl(page, 'lead.csv.open');

  console.log('-- (a) a sheet with a bad row: problems by row and column, nothing applied');
  await pickFile(page, 'customers-bad.csv', BAD);
  await waitText(page, 'lead.csv.status', /^1 problem: nothing will be imported/);
  let p = await probe(page);
  const problem = textOf(p, 'lead.csv.problem.0');
  assert.match(problem, /^row 3, column "Stage" \(stage\): /, `the problem names the row and the column: ${problem}`);
  assert.match(problem, /sleeping/, `the problem names the value: ${problem}`);
  assert.equal(textOf(p, 'lead.csv.problem.1'), undefined, 'one problem only');
  await shot(page, join(shots, 'browser-csv-problems.png'));
  await clickControl(page, 'lead.csv.import');  // disabled: nothing happens (an import would close the preview)
  await settle(page);
  p = await probe(page);
  assert.match(textOf(p, 'lead.csv.status'), /^1 problem/, 'the preview is still there, nothing imported');
  await openCustomer(page, 'c-csv-web-1').then(() => assert.fail('c-csv-web-1 opened: the bad sheet was applied'),
                                              () => {});
  await page.evaluate(() => { location.hash = '#/lead'; });
  await waitView(page, 'lead');
  assert.deepEqual(await onServer(token), [], 'nothing of the bad sheet reached the server');

  console.log('-- (b) the corrected sheet: imported, in the app and on the server');
  await pickFile(page, 'customers.csv', GOOD);
  await waitText(page, 'lead.csv.status', /^2 customers: 2 new, 0 changed, 0 unchanged$/);
  p = await probe(page);
  assert.equal(textOf(p, 'lead.csv.line.0'), 'row 2: c-csv-web-1: new');
  assert.equal(textOf(p, 'lead.csv.line.1'), 'row 3: c-csv-web-2: new');
  assert.equal(textOf(p, 'lead.csv.map.preferred_channel'), 'Preferred channel', 'headers found however written');
  await clickControl(page, 'lead.csv.import');
  await page.waitForFunction(() => window.cockpit && !window.cockpit.controls['lead.csv.status'], null, { timeout: 15000 });

  // In the app: each imported customer opens, and is a row of the lead's Today.
  await openCustomer(page, 'c-csv-web-1');
  await shot(page, join(shots, 'browser-csv-customer.png'));
  await openCustomer(page, 'c-csv-web-2');
  await page.evaluate(() => { location.hash = '#/today'; });
  await waitView(page, 'today');
  await clickControl(page, 'today.search');
  await page.keyboard.type('Ada Upload');
  await waitControl(page, 'row.c-csv-web-1');

  // On the server: the sync sent them, as Lena's changes.
  const deadline = Date.now() + 20000;
  let got = [];
  while (Date.now() < deadline && got.length < 2) {
    got = await onServer(token);
    if (got.length < 2) await new Promise((r) => setTimeout(r, 200));  // polling the server's state, not a race
  }
  assert.equal(got.length, 2, `both customers reached the server: ${JSON.stringify(got)}`);
  const byId = Object.fromEntries(got.map((c) => [c.id, c]));
  assert.equal(byId['c-csv-web-1'].name, 'Ada Upload');
  assert.equal(byId['c-csv-web-1'].stage, 'active');
  assert.equal(byId['c-csv-web-2'].owner, 'm-ben');
  assert.equal(byId['c-csv-web-2'].stage, 'prospect');
  assert.deepEqual(log.errors, [], 'uncaught errors in the page');
  console.log('csv.test: ok');
} finally {
  writeFileSync(join(shots, 'browser-csv-console.log'), log.console.join('\n') + '\n');
  await close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
