// Browser checks of the built demo site, run by .ci/run after `haven build`:
//   node portal.test.mjs [PUBLIC_DIR]
// 1. every HTML page passes axe-core's WCAG 2.0/2.1/2.2 A and AA rules at 1280 px and 320 px,
//    and does not scroll sideways at 320 px (reflow);
// 2. "Exit this page" (button and Shift pressed three times) leaves, and Back does not return;
//    without JavaScript the button is a plain link;
// 3. the skip link moves focus to the main content;
// 4. no request leaves the local server and no cookie is set.
// Exits non-zero with a list of every failure.
import { serve, launch } from './static-server.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ROOT = path.resolve(process.argv[2] || path.join(import.meta.dirname, '../../public'));
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 320, height: 640 },
];
const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.error(`FAIL ${msg}`);
};

function htmlPages(dir, rel = '') {
  let out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = path.posix.join(rel, e.name);
    if (e.isDirectory()) out = out.concat(htmlPages(dir, r));
    else if (e.name.endsWith('.html')) out.push(r);
  }
  return out;
}

const server = await serve(ROOT);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();

// Anything not served by the local server is a third-party request: record it and refuse it.
async function guard(context, allow = () => false) {
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
    if (allow(url)) return route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>Weather</title><p>Weather</p>' });
    fail(`request left the local server: ${url} (from ${route.request().frame().url()})`);
    return route.abort();
  });
}

// 1. axe at two widths, plus reflow at 320 px.
const pages = htmlPages(ROOT);
let checked = 0;
for (const viewport of WIDTHS) {
  // bypassCSP lets axe be injected; the site's own scripts are unaffected.
  const context = await browser.newContext({ viewport, bypassCSP: true });
  await guard(context);
  const page = await context.newPage();
  for (const rel of pages) {
    const html = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    if (/http-equiv="refresh"/.test(html)) continue; // alias redirects leave at once
    const url = `${origin}/${rel.replace(/index\.html$/, '')}`;
    await page.goto(url, { waitUntil: 'load' });
    // Reflow is measured before axe is injected: axe adds off-screen elements of its own.
    if (viewport.width === 320) {
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > 320) fail(`/${rel} scrolls sideways at 320px (content is ${wide}px wide)`);
    }
    await page.addScriptTag({ content: AXE });
    const result = await page.evaluate((tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
    for (const v of result.violations) {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ');
      fail(`axe ${v.id} (${v.impact}) at ${viewport.width}px on /${rel}: ${v.help} [${where}]`);
    }
    checked += 1;
  }
  const cookies = await context.cookies();
  if (cookies.length) fail(`cookies were set: ${cookies.map((c) => c.name).join(', ')}`);
  await context.close();
}
console.log(`axe: ${checked} page views checked at ${WIDTHS.map((w) => w.width + 'px').join(' and ')}`);

// 2. Exit this page.
const sensitive = pages.find((p) => /class="has-exit"/.test(fs.readFileSync(path.join(ROOT, p), 'utf8')) && p.startsWith('guidance/') && p !== 'guidance/index.html');
if (!sensitive) fail('no sensitive page under guidance/ to test "Exit this page" on');
const plain = pages.find((p) => p === 'index.html');
if (sensitive) {
  const html = fs.readFileSync(path.join(ROOT, sensitive), 'utf8');
  const exitUrl = html.match(/data-exit-url="([^"]+)"/)[1];
  const exitHost = new URL(exitUrl).host;
  const leftFor = (u) => new URL(u).host === exitHost;
  const context = await browser.newContext();
  await guard(context, leftFor);
  const page = await context.newPage();
  const home = `${origin}/`;
  const target = `${origin}/${sensitive.replace(/index\.html$/, '')}`;

  const backGoesHome = async (how) => {
    await page.waitForURL((u) => leftFor(u.toString()), { timeout: 5000 }).catch(() => fail(`${how}: did not leave for ${exitUrl}`));
    await page.goBack();
    const now = page.url();
    if (now !== home) fail(`${how}: Back returned to ${now}, expected the page before the sensitive one (${home})`);
  };

  await page.goto(home);
  await page.goto(target);
  await page.click('.exit-this-page__button');
  await backGoesHome('Exit button');

  await page.goto(home);
  await page.goto(target);
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Shift');
  const said = await page.locator('[data-exit-status]').textContent();
  if (!/press 2 more times/.test(said || '')) fail(`Shift once: screen-reader status said "${said}"`);
  await page.keyboard.press('Shift');
  await page.keyboard.press('Shift');
  await backGoesHome('Shift three times');

  // Typing capitals (Shift then a letter) must never exit.
  await page.goto(target);
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  for (const k of ['Shift+A', 'Shift+B', 'Shift+C']) await page.keyboard.press(k);
  await page.waitForTimeout(300);
  if (page.url() !== target) fail(`typing capital letters left the page for ${page.url()}`);
  await context.close();

  const noJs = await browser.newContext({ javaScriptEnabled: false });
  await guard(noJs, leftFor);
  const p2 = await noJs.newPage();
  await p2.goto(target);
  const href = await p2.getAttribute('.exit-this-page__button', 'href');
  if (href !== exitUrl) fail(`without JavaScript the Exit button links to ${href}, expected ${exitUrl}`);
  await p2.click('.exit-this-page__button');
  await p2.waitForURL((u) => leftFor(u.toString()), { timeout: 5000 }).catch(() => fail('without JavaScript the Exit link does not leave'));
  await noJs.close();
  console.log(`exit: checked on /${sensitive}`);
}

// Non-sensitive pages carry no Exit button and no script.
if (plain && /exit-this-page/.test(fs.readFileSync(path.join(ROOT, plain), 'utf8'))) fail('the home page is not sensitive but shows Exit this page');

// 3. Skip link.
{
  const context = await browser.newContext();
  await guard(context);
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement.className);
  if (!/skip-link/.test(first)) fail(`first Tab stop is "${first}", not the skip link`);
  await page.keyboard.press('Enter');
  const focused = await page.evaluate(() => document.activeElement.id);
  if (focused !== 'main-content') fail(`after the skip link, focus is on "${focused}", not main`);
  const cookie = await page.evaluate(() => document.cookie);
  if (cookie) fail(`document.cookie is "${cookie}"`);
  await context.close();
}

await browser.close();
server.close();
if (failures.length) {
  console.error(`\n${failures.length} browser check(s) failed`);
  process.exit(1);
}
console.log('browser checks passed');
