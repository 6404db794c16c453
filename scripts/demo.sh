#!/usr/bin/env bash
# The README's first command: installs what the wizard needs, builds it and serves it on the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --app
export NEXT_TELEMETRY_DISABLED=1
echo "[demo] building the wizard"
npx next build >/tmp/wizard-demo-build.log 2>&1 || { cat /tmp/wizard-demo-build.log; exit 1; }

export WIZARD_DATA_DIR="${WIZARD_DATA_DIR:-data/demo}"
export WIZARD_DEMO=1
mkdir -p "$WIZARD_DATA_DIR"
cred="$WIZARD_DATA_DIR/demo-admin-password"
if [ ! -s "$cred" ]; then
  (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(12).toString('base64url'))" >"$cred")
fi
export WIZARD_ADMIN_USER=admin
WIZARD_ADMIN_PASSWORD="$(cat "$cred")"
export WIZARD_ADMIN_PASSWORD
port="${PORT:-3000}"
cat <<TXT

  SSIS Scale Out HA wizard (demo)
  URL:      http://127.0.0.1:$port
  Sign in:  admin / $WIZARD_ADMIN_PASSWORD
  Data:     $WIZARD_DATA_DIR (delete it to start over)

TXT
exec npx next start -H 127.0.0.1 -p "$port"
