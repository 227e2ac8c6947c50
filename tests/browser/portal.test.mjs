// Browser checks of the built demo site, run by .ci/run after `haven build`:
//   node portal.test.mjs [PUBLIC_DIR]
// 1. on every HTML page (alias redirects aside), at 1280 px and 320 px: axe-core's WCAG 2.0/2.1/2.2
//    A and AA rules, plus the best-practice landmark rules (`region`: the quick exit is inside a
//    landmark); no sideways scrolling at 320 px (reflow); "Exit this page" is there (the demo's
//    quick_exit.show_on is `all`) with its script running; the first Tab shows the skip link fully
//    visible and on top (the fixed exit bar does not cover it), the second the "Emergency: exit
//    this page" link; after the skip link, <main> looks unchanged (no yellow focus background);
// 2. "Exit this page" (button, the emergency link, Shift pressed three times) leaves for
//    quick_exit.url (intercepted: no request leaves the machine) with location.replace, so Back
//    goes to the page before; a Shift used for capitals does not count; the back-forward cache
//    brings a page back visible with the count reset; without JavaScript the button is a link;
// 3. the skip link moves focus to the main content;
// 4. no request leaves the local server and no cookie is set.
// Exits non-zero with a list of every failure.
import { serve, launch, htmlPages } from './static-server.mjs';
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

// 1. Every page at two widths: axe, reflow, the quick exit, the skip link and <main>'s focus.
const pages = htmlPages(ROOT);
const served = pages.filter((rel) => !/http-equiv="refresh"/.test(fs.readFileSync(path.join(ROOT, rel), 'utf8'))); // alias redirects leave at once
const urlOf = (rel) => `${origin}/${rel.replace(/index\.html$/, '')}`;
// The landmark rules are best practices, not WCAG: turned on by name beside the WCAG tags.
const LANDMARK_RULES = ['region', 'landmark-unique', 'landmark-complementary-is-top-level', 'landmark-no-duplicate-banner', 'landmark-no-duplicate-contentinfo', 'landmark-one-main'];
let checked = 0;
for (const viewport of WIDTHS) {
  // bypassCSP lets axe be injected; the site's own scripts are unaffected.
  const context = await browser.newContext({ viewport, bypassCSP: true });
  await guard(context);
  const page = await context.newPage();
  for (const rel of served) {
    const where = `at ${viewport.width}px on /${rel}`;
    await page.goto(urlOf(rel), { waitUntil: 'load' });
    // Reflow is measured before axe is injected: axe adds off-screen elements of its own.
    if (viewport.width === 320) {
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > 320) fail(`/${rel} scrolls sideways at 320px (content is ${wide}px wide)`);
    }

    // The quick exit is on every page, its script ran (it adds the lights), it is in view.
    const exit = await page.evaluate(() => {
      const b = document.querySelector('.exit-this-page__button');
      if (!b) return 'no button';
      const r = b.getBoundingClientRect();
      if (!r.width || r.bottom > innerHeight || r.right > innerWidth) return `button not in view (${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}x${Math.round(r.height)})`;
      if (!document.querySelector('[data-exit-indicator]')) return 'exit-this-page.js did not run';
      if (!document.querySelector('a[data-exit-link]')) return 'no emergency exit link after the skip link';
      if (b.getAttribute('rel') !== 'nofollow noreferrer') return `button rel="${b.getAttribute('rel')}"`;
      return '';
    });
    if (exit) fail(`Exit this page ${where}: ${exit}`);

    // First Tab: the skip link, fully visible and on top of everything (elementFromPoint at its
    // centre is the link); second Tab: the emergency exit link, the same.
    const mainBefore = await page.evaluate(() => {
      const s = getComputedStyle(document.querySelector('main'));
      return `${s.backgroundColor} | ${s.outlineStyle} ${s.outlineWidth} | ${s.boxShadow} | ${s.color}`;
    });
    for (const [n, want] of [[1, 'skip-link'], [2, 'exit-this-page__skip']]) {
      await page.keyboard.press('Tab');
      const seen = await page.evaluate((want) => {
        const a = document.activeElement;
        if (!a || !a.classList.contains(want)) return `focus is on <${a && a.tagName.toLowerCase()} class="${a && a.className}">`;
        const r = a.getBoundingClientRect();
        if (r.width < 1 || r.height < 1 || r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) {
          return `not fully in view (${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)})`;
        }
        const corners = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 2, r.top + 2], [r.right - 2, r.bottom - 2]];
        for (const [x, y] of corners) {
          const hit = document.elementFromPoint(x, y);
          if (!hit || !(hit === a || a.contains(hit))) return `covered at (${Math.round(x)},${Math.round(y)}) by <${hit && hit.tagName.toLowerCase()} class="${hit && hit.className}">`;
        }
        return '';
      }, want);
      if (seen) fail(`Tab ${n} ${where} (${want}): ${seen}`);
    }
    // Back to the skip link and follow it: <main> takes focus and looks just as before.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    const after = await page.evaluate(() => {
      const m = document.querySelector('main');
      const s = getComputedStyle(m);
      return [document.activeElement === m, `${s.backgroundColor} | ${s.outlineStyle} ${s.outlineWidth} | ${s.boxShadow} | ${s.color}`];
    });
    if (!after[0]) fail(`skip link ${where} did not move focus to <main>`);
    if (after[1] !== mainBefore) fail(`<main> ${where} changes when the skip link focuses it: ${mainBefore} -> ${after[1]}`);

    await page.addScriptTag({ content: AXE });
    const result = await page.evaluate(({ tags, rules }) => axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      rules: Object.fromEntries(rules.map((r) => [r, { enabled: true }])),
    }), { tags: TAGS, rules: LANDMARK_RULES });
    for (const v of result.violations) {
      const nodes = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ');
      fail(`axe ${v.id} (${v.impact}) ${where}: ${v.help} [${nodes}]`);
    }
    checked += 1;
  }
  const cookies = await context.cookies();
  if (cookies.length) fail(`cookies were set: ${cookies.map((c) => c.name).join(', ')}`);
  await context.close();
}
console.log(`every page: ${checked} page views (${served.length} pages at ${WIDTHS.map((w) => w.width + 'px').join(' and ')}): axe WCAG 2.2 AA + landmark rules, reflow, quick exit present, skip links visible and on top, <main> unchanged on focus`);

// 2. Exit this page, on a few pages.
const firstHtml = fs.readFileSync(path.join(ROOT, 'index.html'), 'utf8');
const exitUrl = (firstHtml.match(/data-exit-url="([^"]+)"/) || [])[1];
if (!exitUrl) fail('the home page has no Exit this page (quick_exit.show_on is `all` in the demo)');
const guidance = served.find((p) => p.startsWith('guidance/') && p !== 'guidance/index.html' && /class="has-exit"/.test(fs.readFileSync(path.join(ROOT, p), 'utf8')));
// Shift pressed three times exits from every page (the home page and a guidance page first:
// the checks below reuse them).
const exitPages = ['index.html', guidance, ...served.filter((p) => p !== 'index.html' && p !== guidance)].filter((p) => p && served.includes(p));
if (exitUrl) {
  const exitHost = new URL(exitUrl).host;
  const leftFor = (u) => new URL(u).host === exitHost;
  const context = await browser.newContext();
  await guard(context, leftFor);
  const page = await context.newPage();
  const home = `${origin}/`;
  const about = served.find((p) => p.startsWith('about/')) || 'accessibility/index.html';
  const before = urlOf(about);
  const status = () => page.locator('[data-exit-status]').textContent();
  const lights = () => page.locator('.exit-this-page__light--on').count();

  const left = async (how, from) => {
    await page.waitForURL((u) => leftFor(u.toString()), { timeout: 5000 }).catch(() => fail(`${how}: did not leave for ${exitUrl}`));
    if (page.url() !== exitUrl) fail(`${how}: went to ${page.url()}, expected ${exitUrl}`);
    // A page restored from the back-forward cache fires no `load`: wait for the commit only.
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForURL(from, { waitUntil: 'commit', timeout: 5000 }).catch(() => {});
    await page.waitForTimeout(100);
    if (page.url() !== from) fail(`${how}: Back returned to ${page.url()}, expected the page before (${from}): location.replace takes the exited page out of history`);
  };
  // A page to press keys on, with focus in the document but on nothing that acts on keys.
  const open = async (target, prev = before) => {
    await page.goto(prev);
    await page.goto(target);
    await page.locator('main').focus();
  };

  for (const rel of exitPages) {
    const target = urlOf(rel);
    // The page before must be another page, or Back would have nowhere to go.
    const prev = rel === about ? home : before;
    await open(target, prev);
    // What the status must say comes from the page, in the page's language; in English it
    // is checked word for word as well.
    const english = (await page.getAttribute('html', 'lang')) === 'en-GB';
    const said = async (n) => (await page.getAttribute('[data-exit-status]', `data-press-${n}`)) || '';
    const saysPress = async (n) => {
      const now = ((await status()) || '').trim();
      const want = (await said(n)).trim();
      const words = n === 2 ? /press 2 more times to exit/ : /press 1 more time to exit/;
      return want !== '' && now === want && (!english || words.test(now));
    };
    await page.keyboard.press('Shift');
    if (!(await saysPress(2))) fail(`Shift once on /${rel}: the status said "${await status()}", expected "${await said(2)}"`);
    if ((await lights()) !== 1) fail(`Shift once on /${rel}: ${await lights()} lights on, expected 1`);
    await page.keyboard.press('Shift');
    if (!(await saysPress(1))) fail(`Shift twice on /${rel}: the status said "${await status()}", expected "${await said(1)}"`);
    await page.keyboard.press('Shift');
    await left(`Shift three times on /${rel}`, prev);
  }
  // The button leaves from every page in another language as well.
  const translated = exitPages.filter((p) => !/<html lang="en-GB"/.test(fs.readFileSync(path.join(ROOT, p), 'utf8')));
  for (const rel of translated) {
    await open(urlOf(rel), before);
    await page.click('.exit-this-page__button');
    await left(`the Exit button on /${rel}`, before);
  }
  const target = urlOf(exitPages[1] || exitPages[0]);

  await open(target);
  await page.click('.exit-this-page__button');
  await left('the Exit button', before);

  await page.goto(before);
  await page.goto(target);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await left('the Emergency exit link (second Tab stop)', before);

  // Typing "Hello" (Shift held for the H) and then Shift: the Shift of the capital does not count.
  await open(target);
  for (const word of ['Hello', 'HI']) {
    for (const ch of word) {
      if (ch >= 'A' && ch <= 'Z') {
        await page.keyboard.down('Shift');
        await page.keyboard.press(`Key${ch}`);
        await page.keyboard.up('Shift');
      } else {
        await page.keyboard.press(ch);
      }
    }
  }
  await page.waitForTimeout(200);
  if (page.url() !== target) fail(`typing "Hello HI" with Shift left the page for ${page.url()}`);
  if ((await lights()) !== 0 || (await status())) fail(`typing "Hello HI": the Shifts of capitals counted (${await lights()} lights, status "${await status()}")`);
  await page.keyboard.press('Shift');
  if (!/press 2 more times/.test((await status()) || '')) fail(`Shift after typing "Hello": the status said "${await status()}", expected a first press`);
  await page.keyboard.press('Shift+KeyA');
  if ((await lights()) !== 0) fail('another key did not start the count again');

  // Back-forward cache, for real: Shift twice on a page (two lights on), follow a link, leave
  // with the button, go Back: the first page comes back from the cache visible, count 0. Done
  // fast (well inside the 5-second window) so that only the pageshow handler can have reset it.
  await page.goto(home);
  await page.evaluate(() => { window.__kept = true; });
  await page.locator('main').focus();
  await page.keyboard.press('Shift');
  await page.keyboard.press('Shift');
  const pressed = Date.now();
  await page.goto(target);
  await page.locator('[data-exit-url]').click();
  await left('the button (back-forward cache test)', home);
  const back = await page.evaluate(() => ({
    fromCache: window.__kept === true,
    shown: document.querySelector('main').checkVisibility() && !document.querySelector('.exit-this-page-overlay'),
    lights: document.querySelectorAll('.exit-this-page__light--on').length,
    status: document.querySelector('[data-exit-status]').textContent,
  }));
  const took = Date.now() - pressed;
  if (!back.shown) fail('back-forward cache: the page came back hidden');
  if (back.lights || back.status) fail(`back-forward cache: the count was not reset (${back.lights} lights, status "${back.status}")`);
  // The cache is on (static-server.mjs keeps it on): a page loaded again would not test pageshow.
  if (!back.fromCache) fail('back-forward cache: the page was loaded again, not restored from the cache; the pageshow reset went untested');
  else if (took > 4000) fail(`back-forward cache: the round trip took ${took} ms, so the 5-second expiry may have reset the count instead of pageshow`);
  else console.log(`exit: back-forward cache used: the page was restored from it ${took} ms after two Shifts, visible, count reset`);

  // The page itself back from the cache with the overlay up (what happens with a browser that
  // keeps the exited page, or when the exit did not complete): the exit's answer is a 204, so the
  // browser stays on the page, blank; then fire the `pageshow` of a restore (persisted: true).
  await page.route((u) => leftFor(u.toString()), (route) => route.fulfill({ status: 204, body: '' }));
  await page.goto(target);
  await page.locator('main').focus();
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('Shift');
  await page.waitForTimeout(300);
  const during = await page.evaluate(() => ({
    overlay: (document.querySelector('.exit-this-page-overlay[role="alert"]') || {}).textContent,
    hidden: [...document.body.children].every((e) => e.classList.contains('exit-this-page-overlay') || !e.checkVisibility()),
  }));
  if (during.overlay !== 'Loading.') fail(`exiting: the overlay said "${during.overlay}", expected an alert "Loading."`);
  if (!during.hidden) fail('exiting: the page was not hidden at once');
  const restored = await page.evaluate(() => {
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    return {
      overlay: !!document.querySelector('.exit-this-page-overlay'),
      shown: document.querySelector('main').checkVisibility() && document.querySelector('.exit-this-page__button').checkVisibility(),
      lights: document.querySelectorAll('.exit-this-page__light--on').length,
      title: document.title,
    };
  });
  if (restored.overlay || !restored.shown) fail('pageshow (persisted): the overlay stayed, the page is blank');
  if (restored.lights) fail(`pageshow (persisted): ${restored.lights} lights still on`);
  if (restored.title === 'Loading') fail('pageshow (persisted): the title still says Loading');
  await page.keyboard.press('Shift');
  if (!/press 2 more times/.test((await status()) || '')) fail(`pageshow (persisted): the count was not reset (Shift said "${await status()}")`);
  await page.unroute((u) => leftFor(u.toString()));
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
  console.log(`exit: Shift x3 on all ${exitPages.length} pages, the button on the ${translated.length} in other languages; button, emergency link, capitals, back-forward cache, pageshow and no-JavaScript on ${target.slice(origin.length)}`);
}

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
