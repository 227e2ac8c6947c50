// The links between a page and its translations, run by .ci/run after `haven build`:
//   node hreflang.test.mjs [PUBLIC_DIR]
// Every page and the sitemap are parsed by Chromium's own parsers (DOMParser, as text/html and
// as application/xml), not by patterns. Then:
// 1. every <link rel="alternate" hreflang> is an absolute https address; a page that has any
//    lists itself under its own <html lang>, and an x-default that is one of the set;
// 2. the pairs are reciprocal: each page a set names is a built page whose <html lang> is the
//    hreflang it was named under, and which names exactly the same set;
// 3. the sitemap's xhtml:link alternates say the same: each <loc> with alternates is in its own
//    set, each address of a set is a <loc> with the same set, and the set is the page's;
// 4. the language switcher links each other language with lang and hreflang, and marks the
//    page's own as current.
// Exits non-zero with a list of every failure.
import { launch } from './static-server.mjs';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(process.argv[2] || path.join(import.meta.dirname, '../../public'));
const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.error(`FAIL ${msg}`);
};

function htmlFiles(dir, rel = '') {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return htmlFiles(dir, r);
    return e.name.endsWith('.html') ? [r] : [];
  });
}

const browser = await launch();
const page = await browser.newPage();
await page.setContent('<!DOCTYPE html><title>parser</title>');

// What each built page says about its languages, read by the browser's HTML parser.
const files = htmlFiles(ROOT);
const docs = [];
for (const rel of files) {
  const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
  docs.push(await page.evaluate(([rel, text]) => {
    const d = new DOMParser().parseFromString(text, 'text/html');
    const canonical = d.querySelector('link[rel="canonical"]');
    return {
      rel,
      lang: d.documentElement.getAttribute('lang'),
      canonical: canonical && canonical.getAttribute('href'),
      alternates: [...d.querySelectorAll('link[rel="alternate"][hreflang]')].map((l) => [l.getAttribute('hreflang'), l.getAttribute('href')]),
      switcher: [...d.querySelectorAll('nav.languages li > *')].map((a) => ({
        tag: a.tagName, href: a.getAttribute('href'), lang: a.getAttribute('lang'),
        hreflang: a.getAttribute('hreflang'), current: a.getAttribute('aria-current'),
      })),
    };
  }, [rel, text]));
}

const withSets = docs.filter((d) => d.alternates.length > 0);
if (withSets.length === 0) fail('no page has hreflang links: the demo has translations');
const key = (pairs) => JSON.stringify([...pairs].map(([l, h]) => `${l} ${h}`).sort());
// Every page by its absolute address: its canonical, which the demo gives every page.
const byAddress = new Map(docs.filter((d) => d.canonical).map((d) => [d.canonical, d]));

// 1 and 2: absolute, self-listed, x-default, reciprocal.
for (const d of withSets) {
  const at = `/${d.rel}`;
  for (const [lang, href] of d.alternates) {
    if (!/^https:\/\/[^/]+\//.test(href || '')) fail(`${at}: hreflang="${lang}" href="${href}" is not an absolute https address`);
  }
  const own = d.alternates.filter(([l]) => l === d.lang);
  if (own.length !== 1 || own[0][1] !== d.canonical) fail(`${at}: does not list itself (${d.canonical}) once under its lang "${d.lang}": ${JSON.stringify(d.alternates)}`);
  const xDefault = d.alternates.filter(([l]) => l === 'x-default');
  if (xDefault.length !== 1) fail(`${at}: ${xDefault.length} x-default links`);
  else if (!d.alternates.some(([l, h]) => l !== 'x-default' && h === xDefault[0][1])) fail(`${at}: x-default ${xDefault[0][1]} is not one of the languages`);
  const langs = d.alternates.map(([l]) => l);
  if (new Set(langs).size !== langs.length) fail(`${at}: a language is listed twice: ${langs.join(', ')}`);
  for (const [lang, href] of d.alternates) {
    if (lang === 'x-default') continue;
    const other = byAddress.get(href);
    if (!other) { fail(`${at}: hreflang="${lang}" names ${href}, which is not a built page`); continue; }
    if (other.lang !== lang) fail(`${at}: names ${href} as "${lang}", but that page is <html lang="${other.lang}">`);
    if (key(other.alternates) !== key(d.alternates)) fail(`${at} and /${other.rel} list different sets: not reciprocal`);
  }
  // 4. The switcher: each other language a link with lang and hreflang; its own the current one.
  const links = d.switcher.filter((s) => s.tag === 'A');
  const current = d.switcher.filter((s) => s.current === 'page');
  if (current.length !== 1 || current[0].lang !== d.lang) fail(`${at}: the language switcher does not mark ${d.lang} as current`);
  for (const [lang, href] of d.alternates) {
    if (lang === 'x-default' || lang === d.lang) continue;
    const path = new URL(href).pathname;
    if (!links.some((a) => a.href === path && a.lang === lang && a.hreflang === lang)) fail(`${at}: the switcher has no link to ${path} with lang and hreflang "${lang}"`);
  }
}

// 3. The sitemap, read by the browser's XML parser.
const sitemap = fs.readFileSync(path.join(ROOT, 'sitemap.xml'), 'utf8');
const entries = await page.evaluate((text) => {
  const d = new DOMParser().parseFromString(text, 'application/xml');
  if (d.querySelector('parsererror')) return { error: d.querySelector('parsererror').textContent };
  const XHTML = 'http://www.w3.org/1999/xhtml';
  return [...d.getElementsByTagNameNS('http://www.sitemaps.org/schemas/sitemap/0.9', 'url')].map((u) => ({
    loc: u.getElementsByTagNameNS('http://www.sitemaps.org/schemas/sitemap/0.9', 'loc')[0]?.textContent,
    alternates: [...u.getElementsByTagNameNS(XHTML, 'link')].map((l) => [l.getAttribute('hreflang'), l.getAttribute('href')]),
  }));
}, sitemap);
if (entries.error) {
  fail(`sitemap.xml is not well-formed XML: ${entries.error}`);
} else {
  const byLoc = new Map(entries.map((e) => [e.loc, e]));
  let sets = 0;
  for (const e of entries.filter((x) => x.alternates.length)) {
    sets += 1;
    if (!e.alternates.some(([l, h]) => l !== 'x-default' && h === e.loc)) fail(`sitemap: ${e.loc} is not in its own set`);
    for (const [lang, href] of e.alternates) {
      if (lang === 'x-default') continue;
      const other = byLoc.get(href);
      if (!other) fail(`sitemap: ${e.loc} names ${href}, which is no <loc>`);
      else if (key(other.alternates) !== key(e.alternates)) fail(`sitemap: ${e.loc} and ${href} list different sets`);
    }
    const html = byAddress.get(e.loc);
    if (!html) fail(`sitemap: ${e.loc} is not a built page`);
    else if (key(html.alternates) !== key(e.alternates)) fail(`sitemap and the page disagree on ${e.loc}'s languages`);
  }
  // Every page with a set is in the sitemap with it.
  for (const d of withSets) {
    if (!byLoc.has(d.canonical)) fail(`/${d.rel} has languages but is not in the sitemap`);
  }
  console.log(`hreflang: ${withSets.length} pages in ${new Set(withSets.map((d) => key(d.alternates))).size} sets, ${sets} sitemap entries with alternates checked`);
}

await browser.close();
if (failures.length) {
  console.error(`${failures.length} failure(s)`);
  process.exit(1);
}
