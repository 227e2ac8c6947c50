import { serve, launch } from './static-server.mjs';
import fs from 'node:fs';
const root = '/work/main/public';
const server = await serve(root);
const port = server.address().port;
const browser = await launch();
const pages = ['/', '/worried-about-a-child/', '/young-people/',
  '/pl/', '/pl/worried-about-a-child/', '/pl/staying-safe-online/', '/pl/young-people/', '/pl/search/',
  '/ur/', '/ur/worried-about-a-child/', '/ur/staying-safe-online/', '/ur/young-people/', '/ur/search/',
  '/ur/search/?q=neglect', '/ur/search/?q=%D8%A8%DA%86%DB%92', '/pl/search/?q=neglect'];
const widths = [[320, 640], [1280, 900]];
const report = {};
for (const p of pages) {
  for (const [w, h] of widths) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h } });
    const page = await ctx.newPage();
    const errs = [];
    page.on('console', (m) => { if (m.type() === 'error') errs.push(m.text()); });
    page.on('pageerror', (e) => errs.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}${p}`, { waitUntil: 'networkidle' });
    if (p.includes('?q=')) await page.waitForTimeout(1500);
    const name = (p === '/' ? 'en-home' : p.replace(/^\/|\/$/g, '').replace(/\?q=/, '-q-').replace(/[\/%?=]/g, '_')) + `-${w}.png`;
    await page.screenshot({ path: `/tmp/review/${name}`, fullPage: true });
    const info = await page.evaluate((vw) => {
      const de = document.documentElement;
      const out = { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, bodyScrollWidth: document.body.scrollWidth };
      const r = (el) => { const b = el.getBoundingClientRect(); return [Math.round(b.left), Math.round(b.top + scrollY), Math.round(b.width), Math.round(b.height)]; };
      const q = (s) => document.querySelector(s);
      if (q('.exit-this-page__button')) out.exitButton = r(q('.exit-this-page__button'));
      if (q('.exit-this-page')) out.exitBar = r(q('.exit-this-page'));
      if (q('.languages')) out.languages = r(q('.languages'));
      if (q('.warning-text__icon')) out.warnIcon = r(q('.warning-text__icon'));
      if (q('.warning-text__text')) out.warnText = r(q('.warning-text__text'));
      if (q('h1')) out.h1 = r(q('h1'));
      // elements sticking out of the viewport horizontally
      const over = [];
      for (const el of document.querySelectorAll('body *')) {
        const b = el.getBoundingClientRect();
        if (b.width === 0 || b.height === 0) continue;
        const cs = getComputedStyle(el);
        if (cs.position === 'absolute' && (b.right < 0 || b.left > vw)) continue; // skip-links
        if (b.right > vw + 0.5 || b.left < -0.5) {
          over.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} [${Math.round(b.left)},${Math.round(b.right)}] ${el.textContent.trim().slice(0, 50)}`);
        }
      }
      out.overflowing = over.slice(0, 30);
      // elements whose content overflows their box (clipped text)
      const clipped = [];
      for (const el of document.querySelectorAll('body *')) {
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
          const cs = getComputedStyle(el);
          if (cs.overflowX !== 'visible' || cs.overflow !== 'visible') clipped.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} sw=${el.scrollWidth} cw=${el.clientWidth}`);
        }
      }
      out.clipped = clipped.slice(0, 20);
      out.status = q('.search__status')?.textContent;
      out.results = document.querySelectorAll('.search-result').length;
      return out;
    }, w);
    info.errors = errs;
    report[name] = info;
    await ctx.close();
  }
}
fs.writeFileSync('/tmp/review/metrics.json', JSON.stringify(report, null, 1));
await browser.close();
server.close();
