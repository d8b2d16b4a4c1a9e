// node budget.mjs SITE_DIR: the size of everything the page downloads, raw and
// compressed (gzip -9 and brotli), against the budget of 2 MB compressed (gzip, the
// conservative one). Prints one line per file and fails over budget.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET = 2 * 1024 * 1024;
const site = process.argv[2];
if (!site || !existsSync(join(site, 'cockpit.wasm'))) {
  console.error(`budget: no built site at ${site}: build the browser preset first`);
  process.exit(1);
}
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p); else files.push(p);
  }
})(site);
let raw = 0, gz = 0, br = 0;
for (const f of files.sort()) {
  const data = readFileSync(f);
  const g = gzipSync(data, { level: 9 }).length;
  const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  raw += data.length; gz += g; br += b;
  console.log(`${relative(site, f).padEnd(28)} ${String(data.length).padStart(9)} raw ${String(g).padStart(9)} gzip ${String(b).padStart(9)} brotli`);
}
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(`total: ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli; budget ${kb(BUDGET)} compressed`);
process.exit(gz <= BUDGET ? 0 : 1);
