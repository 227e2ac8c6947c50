// `haven serve` in a real browser, run by .ci/run:
//   node serve.test.mjs HAVEN_BINARY SITE_DIR
// SITE_DIR is a scratch copy of the demo site: this test edits it.
// 1. an open page reloads by itself after its Markdown is saved, and shows the edit;
// 2. a build error appears over the last good page as an overlay that passes axe-core's
//    WCAG 2.2 AA rules, is announced (role="alert"), and can be reached with the keyboard;
// 3. fixing the error reloads the page without the overlay.
// Exits non-zero with a list of every failure.
import { launch } from './static-server.mjs';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [HAVEN, SITE] = process.argv.slice(2).map((p) => path.resolve(p));
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.error(`FAIL ${msg}`);
};

const server = spawn(HAVEN, ['serve', '--root', SITE, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
server.stderr.on('data', (d) => { log += d; });
const origin = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`haven serve did not start:\n${log}`)), 30000);
  server.stdout.on('data', (d) => {
    log += d;
    const m = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
    if (m) { clearTimeout(timer); resolve(m[1]); }
  });
});

const browser = await launch();
const page = await browser.newPage();
const file = path.join(SITE, 'content/guidance/neglect.md');
const good = fs.readFileSync(file, 'utf8');

try {
  await page.goto(`${origin}/guidance/neglect/`);
  // Give the page time to open its event stream before saving.
  await page.waitForTimeout(500);

  // 1. Live reload.
  let reloaded = page.waitForEvent('load', { timeout: 10000 });
  fs.writeFileSync(file, `${good}\nThis sentence was added while the page was open.\n`);
  await reloaded;
  if (!(await page.content()).includes('This sentence was added while the page was open.')) {
    fail('the page reloaded but does not show the edit');
  }

  // 2. An error: overlay over the last good page.
  reloaded = page.waitForEvent('load', { timeout: 10000 });
  fs.writeFileSync(file, good.replace('title: Neglect', 'title: [Neglect'));
  await reloaded;
  const overlay = page.locator('.haven-overlay[role="alert"]');
  if ((await overlay.count()) !== 1) {
    fail('no overlay after a build error');
  } else {
    const text = await overlay.innerText();
    if (!text.includes('content/guidance/neglect.md:2:')) fail(`the overlay does not name the file, line and column: ${text}`);
    if (!(await page.locator('main h1').first().isVisible())) fail('the last good page is not under the overlay');
    // The overlay's style sheet must load under the site's own Content-Security-Policy.
    const position = await overlay.evaluate((el) => getComputedStyle(el).position);
    if (position !== 'fixed') fail(`the overlay is not styled (position: ${position}); blocked by the CSP?`);
    // axe is injected as an inline script, which the site's CSP forbids: a second page without it.
    const context = await browser.newContext({ bypassCSP: true });
    const audit = await context.newPage();
    await audit.goto(`${origin}/guidance/neglect/`);
    await audit.addScriptTag({ content: AXE });
    const result = await audit.evaluate(async (tags) => {
      // eslint-disable-next-line no-undef
      const r = await axe.run('.haven-overlay', { runOnly: { type: 'tag', values: tags } });
      return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
    }, TAGS);
    for (const v of result) fail(`overlay: ${v}`);
    await context.close();
    // The error text can be reached and scrolled with the keyboard.
    await page.locator('.haven-overlay pre').focus();
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
    if (focused !== 'PRE') fail(`the error text cannot take focus (focus is on ${focused})`);
  }

  // 3. Fixed: the overlay goes.
  reloaded = page.waitForEvent('load', { timeout: 10000 });
  fs.writeFileSync(file, good);
  await reloaded;
  if ((await page.locator('.haven-overlay').count()) !== 0) fail('the overlay stayed after the error was fixed');
} catch (e) {
  fail(`${e.message}\n${log}`);
} finally {
  fs.writeFileSync(file, good);
  await browser.close();
  server.kill();
}

if (failures.length) {
  console.error(`\n${failures.length} failure(s) in haven serve's browser checks`);
  process.exit(1);
}
console.log('serve: live reload, error overlay (axe: 0 violations) and recovery all work in Chromium');
