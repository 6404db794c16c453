// Adds up the runners' JSON reports into one closing line: "total: N passed, N failed".
import fs from 'node:fs';

const read = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null);
let passed = 0;
let failed = 0;
const vitest = read('reports/vitest.json');
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  console.log(`vitest: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed`);
}
const pw = read('reports/playwright.json');
if (pw) {
  const { expected = 0, unexpected = 0, flaky = 0 } = pw.stats ?? {};
  passed += expected + flaky;
  failed += unexpected;
  console.log(`playwright: ${expected + flaky} passed, ${unexpected} failed`);
}
const pester = read('reports/pester.json');
if (pester) {
  passed += pester.passed;
  failed += pester.failed;
  console.log(`pester: ${pester.passed} passed, ${pester.failed} failed`);
}
console.log(`total: ${passed} passed, ${failed} failed`);
