// Haven's first ten results for each query given, on a built site, for looking into a ranking:
//   node bench/search/ask.mjs PUBLIC_DIR "query" ["query" ...]
import { serve, launch } from '../../tests/browser/static-server.mjs';
import { havenResults } from './haven-results.mjs';

const [root, ...queries] = process.argv.slice(2);
const server = await serve(root);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
const context = await browser.newContext();
await context.route('**/*', (r) => (r.request().url().startsWith(origin) ? r.continue() : r.abort()));
const page = await context.newPage();
for (const q of queries) {
  const { hrefs, safety } = await havenResults(page, origin, q);
  console.log(`${q}${safety ? '   [safety box]' : ''}`);
  hrefs.slice(0, 10).forEach((h, i) => console.log(`  ${i + 1}. ${h}`));
}
await browser.close();
server.close();
