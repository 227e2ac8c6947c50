// Haven's search against Pagefind's, on the same build of the demo site, with a judged set of
// queries (queries-tune.tsv, and queries-holdout.tsv set aside until the end):
//   node bench/search/run.mjs PUBLIC_DIR [--set tune|holdout|holdout2|all|NAME,NAME] [--show] [--no-pagefind]
// Haven is asked through its own client on /search/ in Chromium, as a reader would; Pagefind
// (default settings, indexing a copy of the same build) through its JavaScript API. Prints, per
// engine and per set, success at 1 and at 3 and the mean reciprocal rank (first relevant
// address in the top 10; 0 when none is). `--show` lists every query with both engines' ranks.
// Run through bench/search/run, which builds the demo and installs Pagefind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch } from '../../tests/browser/static-server.mjs';
import { havenResults } from './haven-results.mjs';

const args = process.argv.slice(2);
const ROOT = path.resolve(args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--set') || 'public');
const which = args.includes('--set') ? args[args.indexOf('--set') + 1] : 'tune';
const show = args.includes('--show');
// --no-pagefind: Haven alone, for a quick look while changing the ranking.
const withPagefind = !args.includes('--no-pagefind');
const HERE = import.meta.dirname;

function readSet(name) {
  return fs.readFileSync(path.join(HERE, `queries-${name}.tsv`), 'utf8').split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [query, want, reader] = l.split('\t');
      return { set: name, query, want: want.trim().split(/\s+/), reader: (reader || '').trim() };
    });
}
// `all`: every queries-NAME.tsv here, in name order; or names joined by commas.
const sets = which === 'all'
  ? fs.readdirSync(HERE).filter((f) => /^queries-.+\.tsv$/.test(f)).map((f) => f.slice(8, -4)).sort((a, b) => (a === 'tune' ? -1 : b === 'tune' ? 1 : a.localeCompare(b)))
  : which.split(',');
const queries = sets.flatMap(readSet);

// Pagefind indexes a copy, so the build under test is left as it was.
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-pagefind-'));
fs.cpSync(ROOT, copy, { recursive: true });
const pagefind = path.join(HERE, 'node_modules/.bin/pagefind');
const t0 = Date.now();
if (withPagefind) execFileSync(pagefind, ['--site', copy], { stdio: ['ignore', 'ignore', 'inherit'] });
const pagefindTime = Date.now() - t0;

const server = await serve(copy);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
// bypassCSP: Pagefind's WebAssembly is not allowed by the site's own policy.
const context = await browser.newContext({ bypassCSP: true });
await context.route('**/*', (r) => (r.request().url().startsWith(origin) ? r.continue() : r.abort()));
const page = await context.newPage();

const clean = (u) => {
  const p = new URL(u, origin).pathname.replace(/index\.html$/, '');
  return p.endsWith('/') ? p : `${p}/`;
};

async function haven(q) {
  const r = await havenResults(page, origin, q);
  return { urls: r.hrefs.map(clean), safety: r.safety };
}

const pfPage = withPagefind ? await context.newPage() : null;
if (pfPage) {
  await pfPage.goto(`${origin}/404.html`);
  await pfPage.evaluate(async () => { window.pf = await import('/pagefind/pagefind.js'); await window.pf.init(); });
}
async function pagefindSearch(q) {
  if (!pfPage) return { urls: [] };
  const urls = await pfPage.evaluate(async (query) => {
    const r = await window.pf.search(query);
    const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
    return data.map((d) => d.url);
  }, q);
  return { urls: urls.map(clean) };
}

const rankOf = (urls, want) => {
  const i = urls.slice(0, 10).findIndex((u) => want.includes(u));
  return i < 0 ? 0 : i + 1;
};
const rows = [];
for (const q of queries) {
  const h = await haven(q.query);
  const p = await pagefindSearch(q.query);
  rows.push({ ...q, haven: rankOf(h.urls, q.want), pagefind: rankOf(p.urls, q.want), havenTop: h.urls[0], pagefindTop: p.urls[0], safety: h.safety });
}
await browser.close();
server.close();
fs.rmSync(copy, { recursive: true, force: true });

const score = (rs, engine) => {
  const n = rs.length;
  const at = (k) => rs.filter((r) => r[engine] >= 1 && r[engine] <= k).length / n;
  const mrr = rs.reduce((s, r) => s + (r[engine] ? 1 / r[engine] : 0), 0) / n;
  return { s1: at(1), s3: at(3), mrr };
};
const pct = (x) => `${(100 * x).toFixed(0)}%`.padStart(5);
if (show) {
  for (const r of rows) {
    console.log(`${r.set.padEnd(8)} haven ${String(r.haven || '-').padStart(2)}  pagefind ${String(r.pagefind || '-').padStart(2)}${r.safety ? '  [safety box]' : ''}  ${r.query}` +
      (r.haven === 1 ? '' : `   (haven's first: ${r.havenTop || 'nothing'}; wanted ${r.want.join(' ')})`));
  }
}
if (withPagefind) console.log(`Pagefind 1.6.0 indexed the copy in ${pagefindTime} ms`);
console.log('set      queries  engine     success@1  success@3    MRR');
for (const set of sets) {
  const rs = rows.filter((r) => r.set === set);
  for (const engine of withPagefind ? ['haven', 'pagefind'] : ['haven']) {
    const s = score(rs, engine);
    console.log(`${set.padEnd(8)} ${String(rs.length).padStart(7)}  ${engine.padEnd(9)}  ${pct(s.s1)}      ${pct(s.s3)}      ${s.mrr.toFixed(3)}`);
  }
}
