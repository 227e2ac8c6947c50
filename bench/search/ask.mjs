// Haven's first ten results for each query given, on a built site, for looking into a ranking:
//   node bench/search/ask.mjs PUBLIC_DIR "query" ["query" ...]
import { serve, launch } from '../../tests/browser/static-server.mjs';

const [root, ...queries] = process.argv.slice(2);
const server = await serve(root);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
const context = await browser.newContext();
await context.route('**/*', (r) => (r.request().url().startsWith(origin) ? r.continue() : r.abort()));
const page = await context.newPage();
for (const q of queries) {
  await page.goto(`${origin}/search/`);
  await page.fill('#search-q', q);
  await page.press('#search-q', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-haven-search-status]').textContent.length > 0, null, { timeout: 10000 });
  const hrefs = await page.$$eval('[data-haven-search-results] li a', (as) => as.map((a) => a.getAttribute('href')));
  const safety = await page.$('[data-haven-search-safety] .search-safety__box');
  console.log(`${q}${safety ? '   [safety box]' : ''}`);
  hrefs.slice(0, 10).forEach((h, i) => console.log(`  ${i + 1}. ${h}`));
}
await browser.close();
server.close();
