// Accessibility end to end (issue 21), in Debian's Chromium against the built site:
//  1. Chromium's accessibility tree (CDP Accessibility.getFullAXTree) holds every
//     customer row, list item and action of Today and of a customer, with its name.
//  2. axe-core finds no WCAG 2.1 A/AA violation in the mirror (Today, a customer, a dialog).
//  3. A manager does the seed flows by keyboard through the mirror alone: sign in, open a
//     customer, send a suggestion, mark a promise kept, undo, release a held message.
//     Each result is said by the live region.
//  4. The mirror follows the app within the frame: at every animation frame the
//     mirror's data revision is the app's, and a button's change shows in the next frame.
//  Also by keyboard: the customers table sorted by a header and filtered by stage, the
//     keys help opened and closed (Esc), and a team lead reassigning a customer (search,
//     customer, new owner, confirm), each view checked by axe-core.
//  5. 200% zoom (a 640 × 400 CSS-pixel window at devicePixelRatio 2): Today's cards and
//     the header fit; prefers-contrast: more starts the high-contrast theme.
//   COCKPIT_SITE=build/browser/app [COCKPIT_SERVER=…/cockpit-server] node a11y.test.mjs
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkSite, framesAfter, openPersistent, printPageLog, probe, startCockpitServer, waitView,
} from './lib.mjs';
import { startServer } from './serve.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const site = process.env.COCKPIT_SITE;
checkSite(site, ['index.html', 'cockpit.js', 'cockpit.wasm', 'mirror.js']);

const work = mkdtempSync(join(tmpdir(), 'cockpit-a11y-'));
const server = process.env.COCKPIT_SERVER
  ? await startCockpitServer(process.env.COCKPIT_SERVER, { appDir: site, db: join(work, 'server.db') })
  : { ...(await startServer(site)), password: () => undefined };

// ------------------------------------------------------------ the mirror from the page
const mirrorRev = (page) => page.evaluate(() => document.getElementById('mirror').dataset.rev);
const active = (page) => page.evaluate(() => {
  const a = document.activeElement;
  const k = a && a.closest('[data-k]');
  return k && document.getElementById('mirror').contains(k) ? k.dataset.k : '';
});
// What the live region has said so far (web/mirror.js keeps the list), newest last.
const said = (page) => page.evaluate(() => Module.cockpitMirror.said.join(' | '));
async function waitKey(page, key, present = true, timeout = 15000) {
  await page.waitForFunction(([k, p]) => !!document.querySelector(`#mirror [data-k="${CSS.escape(k)}"]`) === p,
                             [key, present], { timeout });
}
async function waitSaid(page, pattern, timeout = 15000) {
  await page.waitForFunction((s) => Module.cockpitMirror.said.some((t) => new RegExp(s).test(t)), pattern.source,
                             { timeout });
}
// The first mirror key matching `re`, or undefined.
const findKey = (page, re) => page.evaluate((s) => {
  const r = new RegExp(s);
  return [...document.querySelectorAll('#mirror [data-k]')].map((e) => e.dataset.k).find((k) => r.test(k));
}, re.source);

// Presses Tab (or Shift+Tab, when `key` comes before the focus) until the focus is on
// `key`; the focus must stay in the mirror all the way (keyboard only: no click, no
// element.focus()).
async function tabTo(page, key, limit = 400) {
  const back = await page.evaluate((k) => {
    const t = document.querySelector(`#mirror [data-k="${CSS.escape(k)}"]`), a = document.activeElement;
    return !!(t && a && (a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_PRECEDING));
  }, key);
  for (let i = 0; i < limit; ++i) {
    const now = await active(page);
    if (now === key) return i;
    assert.ok(i === 0 || now, `the focus left the mirror on the way to ${key}`);
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${key} not reached with ${limit} ${back ? 'Shift+Tab' : 'Tab'}`);
}

// ------------------------------------------------------------ the accessibility tree
async function axTree(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Accessibility.enable');
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  return nodes.filter((n) => !n.ignored).map((n) => ({ role: n.role && n.role.value, name: (n.name && n.name.value) || '' }));
}
// Every row, list item and button the mirror holds, with the words it should be read by.
const mirrorItems = (page) => page.evaluate(() => {
  const m = document.getElementById('mirror');
  const words = (e) => e.textContent.trim().replace(/\s+/g, ' ');
  return {
    buttons: [...m.querySelectorAll('button')].map(words),
    items: [...m.querySelectorAll('li')].length,
    rows: [...m.querySelectorAll('tr[data-k^="row."]')].map((r) => r.dataset.k.slice(4)),
  };
});
async function checkAxTree(page, what) {
  const ax = await axTree(page);
  const m = await mirrorItems(page);
  const buttons = new Set(ax.filter((n) => n.role === 'button').map((n) => n.name));
  for (const b of m.buttons) assert.ok(buttons.has(b), `${what}: the accessibility tree has no button "${b}"`);
  const items = ax.filter((n) => n.role === 'listitem').length;
  assert.equal(items, m.items, `${what}: list items in the accessibility tree`);
  return { ax, m };
}

async function axe(page, what) {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(() => window.axe.run(document.getElementById('mirror'), {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  const v = r.violations.map((x) => `${x.id}: ${x.help} (${x.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  assert.deepEqual(v, [], `${what}: axe-core violations`);
  console.log(`axe ${what}: ${r.passes.length} rules pass, 0 violations`);
}

// Samples, at every animation frame, whether the mirror shows the app's revision.
async function startFollowWatch(page) {
  await page.evaluate(() => {
    const w = { frames: 0, mismatches: [], revs: new Set() };
    window.__follow = w;
    const tick = () => {
      const m = document.getElementById('mirror').dataset.rev, c = window.cockpit;
      if (c) {
        w.frames++;
        w.revs.add(m);
        if (String(c.revision) !== m) w.mismatches.push([c.frames, c.revision, m]);
      }
      if (!w.stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

let failed = false;
const t0 = Date.now();
const { page, log, close } = await openPersistent(null, { bypassCSP: true });  // axe is injected
try {
  await page.goto(server.url);
  await framesAfter(page, 3);
  await waitView(page, 'sign-in');

  // ---- sign in by keyboard, through the mirror
  const local = await findKey(page, /^signin\.button\.signin:m-anna$/);
  if (local) {
    await page.focus(`#mirror [data-k="${local}"]`);  // where a screen reader's cursor would start
    await page.keyboard.press('Enter');
  } else {
    await page.focus('#mirror [data-k="signin.field.manager"] input');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('m-anna');
    await page.keyboard.press('Tab');
    assert.equal(await active(page), 'signin.field.password');
    await page.keyboard.type(server.password('m-anna'));
    await page.keyboard.press('Enter');
  }
  await waitView(page, 'today', 30000);
  await page.waitForFunction(() => document.querySelector('#mirror [data-k="customers.table"]'), null, { timeout: 15000 });
  await startFollowWatch(page);

  // ---- 1. Today in the accessibility tree: every customer row, item and action, named
  {
    const { ax, m } = await checkAxTree(page, 'Today');
    const summary = ax.find((n) => /^You have \d+ customers/.test(n.name));
    assert.ok(summary, 'the summary line is in the accessibility tree');
    const total = Number(summary.name.match(/(\d+) customers/)[1]);
    assert.equal(m.rows.length, total, 'a table row per customer');
    assert.equal(ax.filter((n) => n.role === 'row').length, total + 1, 'rows in the accessibility tree (with the header)');
    const p = await probe(page);
    for (const c of Object.keys(p.controls).filter((k) => k.startsWith('row.')))
      assert.ok(m.rows.includes(c.slice(4)), `the canvas shows ${c}, the mirror has no such row`);
    for (const h of ['Suggested messages', 'Overdue promises', 'Pending exceptions', 'Held automated messages'])
      assert.ok(ax.some((n) => n.role === 'heading' && n.name.startsWith(h)), `heading ${h}`);
    assert.ok(ax.some((n) => n.role === 'main'), 'a main landmark');
    assert.ok(ax.some((n) => n.role === 'table'), 'a table');
    console.log(`Today: ${total} customer rows, ${m.items} list items, ${m.buttons.length} buttons in the accessibility tree`);
    await axe(page, 'Today');
  }

  // ---- 3. the seed flows by keyboard, through the mirror alone
  // The focus followed the app's selection into the table (the sign-in button it was on is gone).
  assert.match(await active(page), /^row\..+\.open$/, 'the focus is on the selected customer');
  const tabs = await tabTo(page, 'row.c-bike.open');
  console.log(`keyboard: ${tabs} Tab to Marco Rossi's row`);
  await page.keyboard.press('Enter');
  await waitView(page, 'customer');
  await waitKey(page, 'suggestion.p-bike.send');
  {
    const { m } = await checkAxTree(page, 'customer');
    assert.ok(m.buttons.some((b) => b.startsWith('Kept: ')), 'a Kept button per open promise');
    await axe(page, 'customer');
  }
  await tabTo(page, 'suggestion.p-bike.send');
  await page.keyboard.press('Enter');
  await waitKey(page, 'dialog');
  await page.waitForFunction(() => document.activeElement && document.activeElement.closest('[data-k="dialog.field.subject"]'),
                             null, { timeout: 5000 });  // the dialog took the focus
  await axe(page, 'compose dialog');
  await tabTo(page, 'dialog.button.submit');
  await page.keyboard.press('Enter');
  await waitKey(page, 'dialog', false);
  await waitKey(page, 'suggestion.p-bike.send', false);
  await waitSaid(page, /^Sent/);
  assert.ok(await active(page), 'the focus came back into the customer');
  console.log(`sent; the live region said "${await said(page)}"`);

  // Mark the promise kept; count the frames from the key to the mirror's change.
  const kept = await findKey(page, /^promise\..+\.kept$/);
  assert.ok(kept, 'an open promise with its Kept button');
  await tabTo(page, kept);
  await page.evaluate((k) => {
    // The frame of the button's activation (Enter on a button is a click), and the frame
    // whose mirror no longer has the promise's Kept button.
    document.addEventListener('click', () => {
      const at = window.cockpit.frames;
      const obs = new MutationObserver(() => {
        if (!document.querySelector(`#mirror [data-k="${CSS.escape(k)}"]`)) {
          obs.disconnect();
          window.__kept = window.cockpit.frames - at;
        }
      });
      obs.observe(document.getElementById('mirror'), { childList: true, subtree: true });
    }, { capture: true, once: true });
  }, kept);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__kept !== undefined, null, { timeout: 10000 });
  const keptFrames = await page.evaluate(() => window.__kept);
  await waitSaid(page, /^Kept: /);
  console.log(`kept; the mirror changed ${keptFrames} frame(s) after the key; said "${await said(page)}"`);
  assert.ok(keptFrames <= 1, `the mirror followed the action within one frame (${keptFrames})`);

  // Undo: back up to the customer's Undo button.
  await tabTo(page, 'c.undo');
  await page.keyboard.press('Enter');
  await waitKey(page, kept);
  console.log(`undone; said "${await said(page)}"`);

  // Release a held message: Today's card, the item's Release, a quick note, confirm.
  await tabTo(page, 'nav.today');
  await page.keyboard.press('Enter');
  await waitView(page, 'today');
  const heldCard = await findKey(page, /^area\.held\..+\.open$/);
  assert.ok(heldCard, 'a held message on Today');
  await tabTo(page, heldCard);
  await page.keyboard.press('Enter');
  await waitView(page, 'customer');
  const release = await findKey(page, /^held\..+\.release$/);
  assert.ok(release, 'the held message has a Release button');
  await page.waitForFunction(() => document.activeElement && document.activeElement.closest('#mirror'), null, { timeout: 5000 });
  await tabTo(page, release);
  await page.keyboard.press('Enter');
  await waitKey(page, 'dialog');
  await page.keyboard.type('Checked: the timing is right');
  await page.keyboard.press('Enter');  // a one-line field's Enter is the dialog's confirm
  await waitKey(page, 'dialog', false).catch(async (e) => {
    const d = await page.evaluate(() => [document.querySelector('#mirror [data-k="dialog"]').innerText,
                                         document.activeElement.outerHTML.slice(0, 200), document.activeElement.value, Module.cockpitMirror.events.length, Module.cockpitMirror.said.slice(-3)]);
    throw new Error(`the release dialog stayed open: ${JSON.stringify(d)}`, { cause: e });
  });
  await waitKey(page, release, false);
  console.log(`released; said "${await said(page)}"`);

  // ---- the customers table's sort and stage filter, and the keys help, by keyboard
  await tabTo(page, 'nav.today');
  await page.keyboard.press('Enter');
  await waitView(page, 'today');
  await waitKey(page, 'customers.head.0.sort');
  {
    const ax = await axTree(page);
    for (const h of ['Customer', 'Stage', 'Worst open issue', 'Suggestions'])
      assert.ok(ax.some((n) => n.role === 'columnheader' && n.name === h), `a column header "${h}" in the accessibility tree`);
    for (const b of ['Stage: Every stage', 'Stage: Prospects', 'Stage: Active', 'Stage: Former', 'Keyboard shortcuts'])
      assert.ok(ax.some((n) => n.role === 'button' && n.name === b), `a button "${b}" in the accessibility tree`);
  }
  const sortOf = (k) => page.evaluate((key) => document.querySelector(`#mirror [data-k="${key}"]`).getAttribute('aria-sort'), k);
  assert.equal(await sortOf('customers.head.2'), 'ascending', 'sorted by urgency at first');
  await tabTo(page, 'customers.head.0.sort');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#mirror [data-k="customers.head.0"]').getAttribute('aria-sort') === 'ascending',
                             null, { timeout: 10000 });
  const rowNames = () => page.evaluate(() => [...document.querySelectorAll('#mirror tr[data-k^="row."] button')].map((b) => b.textContent));
  const byName = await rowNames();
  assert.deepEqual(byName, [...byName].sort(), 'the rows in name order after the Customer header');
  assert.equal(await sortOf('customers.head.2'), null, 'one sorted column');
  // The stage filter: the rarest stage among the rows (its button: prospect 0, active 1, former 2).
  const stageCells = () => page.evaluate(() => [...document.querySelectorAll('#mirror tr[data-k^="row."] td:nth-child(2)')].map((c) => c.textContent));
  const words = ['Prospect', 'Active', 'Former'];
  const before = await stageCells();
  const counts = words.map((w) => before.filter((t) => t.startsWith(w)).length);
  const pick = counts.reduce((best, n, i) => (n > 0 && (best < 0 || n < counts[best]) ? i : best), -1);
  assert.ok(pick >= 0, `a known stage among ${before}`);
  await tabTo(page, `customers.stage.${pick}`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((k) => document.querySelector(`#mirror [data-k="${k}"]`).getAttribute('aria-pressed') === 'true',
                             `customers.stage.${pick}`, { timeout: 10000 });
  await page.waitForFunction((n) => document.querySelectorAll('#mirror tr[data-k^="row."]').length === n, counts[pick], { timeout: 10000 });
  const stages = await stageCells();
  assert.ok(stages.every((t) => t.startsWith(words[pick])), `only ${words[pick]} customers: ${stages}`);
  await axe(page, `Today sorted by name, stage ${words[pick]} only`);
  await tabTo(page, 'customers.stage.all');
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#mirror tr[data-k^="row."]').length === n, byName.length, { timeout: 10000 });
  console.log(`table: sorted by name by keyboard, ${stages.length} of ${byName.length} rows in stage ${words[pick]}, every stage again`);

  await tabTo(page, 'banner.help');
  await page.keyboard.press('Enter');
  await waitKey(page, 'dialog');
  await page.waitForFunction(() => document.activeElement && document.activeElement.closest('[data-k="dialog.button.help.close"]'),
                             null, { timeout: 5000 });  // the help took the focus
  {
    const ax = await axTree(page);
    assert.ok(ax.some((n) => n.role === 'dialog' && n.name === 'Keyboard'), 'the keys help is a dialog named Keyboard');
    assert.ok(ax.some((n) => /^K: mark a promise as kept/.test(n.name)), 'the help says its keys');
  }
  await axe(page, 'keys help');
  await page.keyboard.press('Escape');
  await waitKey(page, 'dialog', false);
  console.log('keys help: opened from the banner, read, closed with Esc');

  // ---- 4. the mirror followed every frame
  const follow = await page.evaluate(() => { window.__follow.stop = true; return { ...window.__follow, revs: window.__follow.revs.size }; });
  console.log(`follow: ${follow.frames} frames sampled, ${follow.revs} revisions shown, ${follow.mismatches.length} behind`);
  assert.equal(follow.mismatches.length, 0, `frames where the mirror was behind the app: ${JSON.stringify(follow.mismatches.slice(0, 5))}`);
  assert.ok(follow.revs >= 4, 'the revisions changed while sampled');
  assert.deepEqual(log.errors, [], 'uncaught errors in the page');
} catch (e) {
  failed = true;
  console.error(e);
  printPageLog({ log });
} finally {
  await close();
}

// ---- a team lead reassigns a customer by keyboard, through the mirror alone
if (!failed) {
  const l = await openPersistent(null, { bypassCSP: true });
  const page = l.page;
  try {
    await page.goto(server.url);
    await framesAfter(page, 3);
    const local = await findKey(page, /^signin\.button\.signin:m-lena$/);
    if (local) {
      await page.focus(`#mirror [data-k="${local}"]`);
      await page.keyboard.press('Enter');
    } else {
      await page.focus('#mirror [data-k="signin.field.manager"] input');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('m-lena');
      await page.keyboard.press('Tab');
      await page.keyboard.type(server.password('m-lena'));
      await page.keyboard.press('Enter');
    }
    await waitView(page, 'today', 30000);
    await waitKey(page, 'nav.lead');
    await page.waitForFunction(() => document.activeElement && document.activeElement.closest('#mirror'), null, { timeout: 5000 });
    await tabTo(page, 'nav.lead');
    await page.keyboard.press('Enter');
    await waitView(page, 'lead');
    await waitKey(page, 'lead.reassign.search');
    {
      const ax = await axTree(page);
      assert.ok(ax.some((n) => n.role === 'region' && n.name === 'Reassign a customer'), 'the reassign region');
      assert.ok(ax.some((n) => /box/.test(n.role) && n.name === '1. Customer: type a name or id'), 'the search box, named');
      assert.ok(ax.some((n) => n.role === 'button' && /^New owner: /.test(n.name)), 'a button per manager');
    }
    await axe(page, 'team');
    await tabTo(page, 'lead.reassign.search');
    await page.keyboard.type('sofie');
    await waitKey(page, 'lead.reassign.customer.c-fairy');
    await tabTo(page, 'lead.reassign.customer.c-fairy');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#mirror [data-k="lead.reassign.customer.c-fairy"]').getAttribute('aria-pressed') === 'true',
                               null, { timeout: 10000 });
    await tabTo(page, 'lead.reassign.to.m-ben');
    await page.keyboard.press('Enter');
    await waitKey(page, 'lead.reassign.confirm');
    const question = await page.evaluate(() => document.querySelector('#mirror [data-k="lead.reassign.question"]').textContent);
    assert.match(question, /to Ben/, 'the question names the new owner');
    await axe(page, 'team, ready to reassign');
    await tabTo(page, 'lead.reassign.confirm');
    await page.keyboard.press('Enter');
    await waitSaid(page, /^Reassigned /);
    await waitKey(page, 'lead.reassign.confirm', false);
    console.log(`reassigned by keyboard: "${question}"; said "${await said(page)}"`);
    assert.deepEqual(l.log.errors, [], 'uncaught errors in the page');
  } catch (e) {
    failed = true;
    console.error(e);
    printPageLog(l);
  } finally {
    await l.close();
  }
}

// ---- 5. 200% zoom and more contrast
if (!failed) {
  const z = await openPersistent(null, { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
  try {
    await z.page.emulateMedia({ contrast: 'more' }).catch(() => {});
    await z.page.goto(server.url);
    await framesAfter(z.page, 3);
    const local = await findKey(z.page, /^signin\.button\.signin:m-anna$/);
    if (local) {
      await z.page.focus(`#mirror [data-k="${local}"]`);
      await z.page.keyboard.press('Enter');
    } else {
      await z.page.focus('#mirror [data-k="signin.field.manager"] input');
      await z.page.keyboard.press('Control+A');
      await z.page.keyboard.type('m-anna');
      await z.page.keyboard.press('Tab');
      await z.page.keyboard.type(server.password('m-anna'));
      await z.page.keyboard.press('Enter');
    }
    await waitView(z.page, 'today', 30000);
    const p = await probe(z.page);
    const width = await z.page.evaluate(() => window.innerWidth);
    assert.equal(width, 640);
    for (const c of ['card.suggested', 'card.overdue', 'card.exceptions', 'card.held', 'theme.toggle', 'header.sign_out']) {
      const r = p.controls[c];
      assert.ok(r, `at 200% zoom the canvas shows ${c}`);
      assert.ok(r[0] >= 0 && r[0] + r[2] <= width + 0.5, `${c} fits the width at 200% zoom: ${JSON.stringify(r)}`);
    }
    const nav = p.controls['nav.today'], who = p.controls['header.manager'];
    if (who) assert.ok(who[0] >= nav[0] + nav[2], 'the header does not overlap itself at 200% zoom');
    const contrast = await z.page.evaluate(() => matchMedia('(prefers-contrast: more)').matches);
    if (contrast) assert.equal(p.theme, 'high-contrast', 'prefers-contrast: more starts the high-contrast theme');
    console.log(`200% zoom: cards and header fit 640 CSS px; prefers-contrast emulated: ${contrast}, theme ${p.theme}`);
  } catch (e) {
    failed = true;
    console.error(e);
    printPageLog(z);
  } finally {
    await z.close();
  }
}

await (server.stop ? server.stop() : server.close());
rmSync(work, { recursive: true, force: true });
console.log(failed ? 'a11y test FAILED' : `a11y test passed in ${Date.now() - t0} ms`);
process.exit(failed ? 1 : 0);
