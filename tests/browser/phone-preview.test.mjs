// `haven serve --interface 0.0.0.0`, as an editor previewing on a phone would run it:
//   node phone-preview.test.mjs HAVEN_BINARY SITE_DIR
// 1. the address printed is one of the machine's own, never 0.0.0.0, and the site answers there;
// 2. the QR code printed in the terminal decodes (with jsQR, as a phone's camera would) to
//    exactly that address;
// 3. a warning says the preview is visible on the network.
// Exits non-zero with a list of every failure.
import { spawn } from 'node:child_process';
import path from 'node:path';
import jsQR from 'jsqr';

const [HAVEN, SITE] = process.argv.slice(2).map((p) => path.resolve(p));
const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.error(`FAIL ${msg}`);
};

const server = spawn(HAVEN, ['serve', '--root', SITE, '--interface', '0.0.0.0', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
let err = '';
server.stderr.on('data', (d) => { err += d; });
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`haven serve did not start:\n${out}\n${err}`)), 30000);
  server.stdout.on('data', (d) => {
    out += d;
    if (/Watching /.test(out)) { clearTimeout(timer); resolve(); }
  });
});

try {
  if (/0\.0\.0\.0/.test(out)) fail(`the terminal shows 0.0.0.0, which a phone cannot open:\n${out}`);
  const url = /Serving .* at (http:\/\/\S+\/)/.exec(out)?.[1];
  if (!url) throw new Error(`no address printed:\n${out}`);
  const host = new URL(url).hostname;
  if (host === '127.0.0.1' || host === 'localhost') fail(`the address ${url} only works on this computer`);

  // The block characters back into modules: a filled half is a light module (qrencode's UTF8 style).
  const lines = out.split('\n').filter((l) => /^[█▀▄ ]+$/.test(l) && l.includes('█'));
  const width = [...lines[0] ?? ''].length;
  const rows = [];
  for (const line of lines) {
    const top = [];
    const bottom = [];
    for (const ch of line) {
      top.push(ch === '█' || ch === '▀');
      bottom.push(ch === '█' || ch === '▄');
    }
    rows.push(top, bottom);
  }
  const scale = 4;
  const w = width * scale;
  const h = rows.length * scale;
  const pixels = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const light = rows[Math.floor(y / scale)][Math.floor(x / scale)];
      const i = (y * w + x) * 4;
      pixels.set([light ? 255 : 0, light ? 255 : 0, light ? 255 : 0, 255], i);
    }
  }
  const decoded = width ? jsQR(pixels, w, h, { inversionAttempts: 'attemptBoth' }) : null;
  if (!decoded) fail(`the QR code (${lines.length} lines) does not decode`);
  else if (decoded.data !== url) fail(`the QR code says ${decoded.data}, not ${url}`);
  else console.log(`QR code (${width} × ${rows.length} modules with its margin) decodes to ${decoded.data}`);

  const res = await fetch(url);
  const body = await res.text();
  if (res.status !== 200 || !body.includes('Exit this page')) fail(`${url} answered ${res.status}`);
  else console.log(`${url} answers with the home page`);

  if (!/warning: the preview can be opened by anyone on this network/.test(err)) {
    fail(`no warning that the network can see the preview:\n${err}`);
  }
} catch (e) {
  fail(e.message);
} finally {
  server.kill();
}

if (failures.length) {
  console.error(`\n${failures.length} failure(s)`);
  process.exit(1);
}
console.log('phone preview: address, QR code and warning all correct');
