#!/usr/bin/env bash
# The README's second command: installs what a fresh machine lacks, then runs every check.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh || exit 1
export PATH="$PATH:$HOME/.dotnet/tools" NEXT_TELEMETRY_DISABLED=1
mkdir -p reports
rm -f reports/*.json

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
failed=()

step "lint";       npm run -s lint      || failed+=(lint)
step "typecheck";  npm run -s typecheck || failed+=(typecheck)
step "unit tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile=reports/vitest.json || failed+=(vitest)
step "PowerShell tests (Pester)"
if find lib -name '*.Tests.ps1' | grep -q .; then
  pwsh -NoProfile -File scripts/run-pester.ps1 || failed+=(pester)
else
  echo "no Pester tests in the tree yet"
fi
step "build";      npx next build >reports/build.log 2>&1 || { cat reports/build.log; failed+=(build); }
step "end-to-end tests (Playwright, Debian chromium)"
npx playwright test || failed+=(playwright)

step "summary"
node scripts/summarize-tests.mjs
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}"
  exit 1
fi
