// What a reader's first search downloads on a large site (the budget: under 150 KB in all):
//   node bench/search/first-query.mjs PUBLIC_DIR [QUERY…]
// For each query, a fresh browser opens /search/, types the query and waits for the results;
// prints the bytes of every file the server sent (page, style sheet, script, index).
import { serve, launch } from '../../tests/browser/static-server.mjs';
import path from 'node:path';

const [dir, ...rest] = process.argv.slice(2);
const queries = rest.length ? rest : ['neglect', 'child protection', 'safeguarding children', 'someone is hurting me', 'neglet'];
const server = await serve(path.resolve(dir));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
let worst = 0;
for (const q of queries) {
  const context = await browser.newContext();
  const page = await context.newPage();
  server.sent.length = 0;
  await page.goto(`${origin}/search/`);
  await page.fill('#search-q', q);
  await page.press('#search-q', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-haven-search-status]').textContent.length > 0, null, { timeout: 20000 });
  await page.waitForTimeout(300);
  const total = server.sent.reduce((n, [, b]) => n + b, 0);
  const index = server.sent.filter(([p]) => p.startsWith('/search/index/')).reduce((n, [, b]) => n + b, 0);
  const said = await page.textContent('[data-haven-search-status]');
  console.log(`${(total / 1024).toFixed(1).padStart(6)} KB in ${String(server.sent.length).padStart(2)} files (index ${(index / 1024).toFixed(1)} KB)  "${q}": ${said.slice(0, 60)}`);
  worst = Math.max(worst, total);
  await context.close();
}
await browser.close();
server.close();
console.log(`largest first query: ${(worst / 1024).toFixed(1)} KB (budget 150 KB)`);
