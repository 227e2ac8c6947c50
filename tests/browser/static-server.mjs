// What the browser tests share: a static file server over a built site (like any static host:
// folders serve their index.html, unknown paths the site's 404 page) that counts the bytes it
// sends, and Chromium launched so that it makes no requests of its own.
import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.xml': 'application/xml', '.txt': 'text/plain', '.pdf': 'application/pdf',
  '.ics': 'text/calendar', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
};

/** Serves `root` on 127.0.0.1; resolves to the server. `server.sent` lists [path, bytes]. */
export function serve(root) {
  const sent = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(fs.readFileSync(path.join(root, '404.html')));
      return;
    }
    const body = fs.readFileSync(file);
    sent.push([url.pathname, body.length]);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(body);
  });
  server.sent = sent;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Debian's Chromium, with everything that would reach the network turned off. Playwright turns
 * the back-forward cache off by default; readers' browsers have it on, so the tests keep it on. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Every `.html` file below `dir`, as paths relative to it with `/`, in name order. */
export function htmlPages(dir, rel = '') {
  let out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = path.posix.join(rel, e.name);
    if (e.isDirectory()) out = out.concat(htmlPages(dir, r));
    else if (e.name.endsWith('.html')) out.push(r);
  }
  return out;
}
