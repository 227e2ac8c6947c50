// Phones first, checked on every page of the built demo at 320 x 640 (run by .ci/run after
// `haven build`):   node phone.test.mjs [PUBLIC_DIR]
// 1. the page's <h1> starts on the first screen (its top above 640 px), whatever sits above it:
//    the exit bar, the header, the folded navigation, the alerts, the breadcrumbs;
// 2. nothing makes the page scroll sideways (wide tables scroll inside their own region);
// 3. the way to the hub's phone number is on the first screen: the header's "Report a concern"
//    link, whose page has the number as a tel: link.
// Exits non-zero with a list of every failure.
import { serve, launch, htmlPages } from './static-server.mjs';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(process.argv[2] || path.join(import.meta.dirname, '../../public'));
const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.error(`FAIL ${msg}`);
};


const server = await serve(ROOT);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
const page = await context.newPage();
let checked = 0;
let deepest = { top: 0, page: '' };
for (const rel of htmlPages(ROOT)) {
  const html = fs.readFileSync(path.join(ROOT, rel), 'utf8');
  if (html.includes('http-equiv="refresh"')) continue; // alias pages redirect at once
  const url = `${origin}/${rel.replace(/index\.html$/, '')}`;
  await page.goto(url);
  const m = await page.evaluate(() => {
    const h1 = document.querySelector('h1');
    const report = document.querySelector('.site-header__report');
    return {
      h1: h1 ? h1.getBoundingClientRect().top + window.scrollY : null,
      scrollWidth: document.documentElement.scrollWidth,
      report: report ? report.getBoundingClientRect().bottom + window.scrollY : null,
      reportHref: report ? report.getAttribute('href') : null,
    };
  });
  checked += 1;
  if (m.h1 === null) fail(`${rel}: no <h1>`);
  else {
    if (m.h1 >= 640) fail(`${rel}: the <h1> starts at ${Math.round(m.h1)} px, below the first screen`);
    if (m.h1 > deepest.top) deepest = { top: Math.round(m.h1), page: rel };
  }
  if (m.scrollWidth > 320) fail(`${rel}: the page is ${m.scrollWidth} px wide at 320 px`);
  if (m.report === null || m.report > 640) fail(`${rel}: the header's "Report a concern" link is not on the first screen`);
}
// The page the header's link leads to has the hub's number as a tel: link.
await page.goto(`${origin}/`);
await page.click('.site-header__report');
const tel = await page.locator('a[href^="tel:"]').count();
if (tel < 2) fail(`the "Report a concern" page has ${tel} tel: links`);
await browser.close();
server.close();
console.log(`phone: ${checked} pages at 320 x 640; lowest <h1> at ${deepest.top} px (${deepest.page}); ${failures.length} failures`);
process.exit(failures.length ? 1 : 0);
