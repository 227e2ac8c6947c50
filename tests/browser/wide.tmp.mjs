import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync'] });
const p = await b.newPage({ viewport: { width: Number(process.argv[4] || 320), height: 640 } });
await p.goto(process.argv[2]);
const r = await p.evaluate(() => ({sw: document.documentElement.scrollWidth}));
console.log(JSON.stringify(r));
await p.screenshot({ path: process.argv[3] || '/tmp/shot.png', fullPage: true });
await b.close();
