// Scores of the first hits for each query: node why.mjs SITE "q" ...
import { serve, launch } from '/work/main/tests/browser/static-server.mjs';
import fs from 'node:fs';
const [root, ...queries] = process.argv.slice(2);
let js = fs.readFileSync('/work/main/src/search/search.js', 'utf8');
js = js.replace("almost: missing > 0, titled: inTitle > 0 }", "almost: missing > 0, titled: inTitle > 0, found: found, inTitle: inTitle, total: total }").replace("almost: !r.partial && h.almost };", "almost: !r.partial && h.almost, found: h.found, inTitle: h.inTitle, total: h.total, boost: boost };");
js = js.replace(/\}\)\(\);\s*$/, "window.havenDebug = { parse: parse, runAll: runAll, loadMeta: loadMeta, byPairs: byPairs, get: get, meta: function () { return meta; } };\n})();\n");
fs.writeFileSync(root + '/search/search.js', js);
const server = await serve(root);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
const page = await (await browser.newContext()).newPage();
await page.goto(origin + '/search/');
for (const q of queries) {
  const out = await page.evaluate(async (q) => {
    const d = window.havenDebug;
    await d.loadMeta();
    const query = d.parse(q);
    let r = await d.runAll(query, null);
    r = await d.byPairs(r, q);
    const m = d.meta();
    const rows = [];
    for (const h of r.hits.slice(0, 14)) {
      const f = (await d.get('p/' + Math.floor(h.doc / m.bundle) + '.json'))[h.doc % m.bundle];
      rows.push(`${h.tier} ${h.score.toFixed(2)} found=${h.found} title=${h.inTitle} total=${h.total && h.total.toFixed(1)} boost=${h.boost} ${f.u}`);
    }
    return `reader=${query.reader} safety=${query.safety} variants=${query.variants.map(v => v.groups.map(g => g.alts.map(a => a.t).join('|') + (g.weak ? '(w)' : '')).join(' ') + ' w' + v.weight).join(' ;; ')}\n  ` + rows.join('\n  ');
  }, q);
  console.log(q + '\n  ' + out);
}
await browser.close(); server.close();
