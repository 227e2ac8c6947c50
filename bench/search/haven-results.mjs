// Haven's results for a query, as a reader gets them: typed into the demo's search page.
// Shared by run.mjs and ask.mjs.

/** The result links (in order) and whether the safety box showed, for `q` on `page`. */
export async function havenResults(page, origin, q) {
  await page.goto(`${origin}/search/`);
  await page.fill('#search-q', q);
  await page.press('#search-q', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-haven-search-status]').textContent.length > 0, null, { timeout: 10000 });
  const hrefs = await page.$$eval('[data-haven-search-results] li a', (as) => as.map((a) => a.getAttribute('href')));
  const safety = await page.$('[data-haven-search-safety] .search-safety__box');
  return { hrefs, safety: !!safety };
}
