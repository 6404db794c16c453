#!/usr/bin/env bash
# The README's first command: installs what the wizard and its lab need, builds the wizard, starts
# the built-in lab and serves the wizard on it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --lab
export PATH="$PATH:$HOME/.dotnet/tools" NEXT_TELEMETRY_DISABLED=1
echo "[demo] building the wizard"
npx next build >/tmp/wizard-demo-build.log 2>&1 || { cat /tmp/wizard-demo-build.log; exit 1; }

export WIZARD_DATA_DIR="${WIZARD_DATA_DIR:-data/demo}"
export WIZARD_DEMO=1
mkdir -p "$WIZARD_DATA_DIR"
lab_dir="$WIZARD_DATA_DIR/lab"
rm -f "$lab_dir/endpoints.json"
echo "[demo] starting the built-in lab (scenario ${LAB_SCENARIO:-fresh})"
node --conditions=react-server --import tsx lib/lab/main.ts --scenario "${LAB_SCENARIO:-fresh}" --state-dir "$lab_dir" >"$WIZARD_DATA_DIR/lab.log" 2>&1 &
lab_pid=$!
trap 'kill $lab_pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 120); do
  [ -s "$lab_dir/endpoints.json" ] && break
  kill -0 $lab_pid 2>/dev/null || { cat "$WIZARD_DATA_DIR/lab.log"; exit 1; }
  sleep 0.5
done
[ -s "$lab_dir/endpoints.json" ] || { echo "[demo] the lab did not start; see $WIZARD_DATA_DIR/lab.log"; exit 1; }
export WIZARD_LAB_ENDPOINTS="$lab_dir/endpoints.json"

cred="$WIZARD_DATA_DIR/demo-admin-password"
if [ ! -s "$cred" ]; then
  (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(12).toString('base64url'))" >"$cred")
fi
export WIZARD_ADMIN_USER=admin
WIZARD_ADMIN_PASSWORD="$(cat "$cred")"
export WIZARD_ADMIN_PASSWORD
port="${PORT:-3000}"
cat <<TXT

  SSIS Scale Out HA wizard (demo, on the built-in lab)
  URL:      http://127.0.0.1:$port
  Sign in:  admin / $WIZARD_ADMIN_PASSWORD
  Lab:      $lab_dir/endpoints.json (control API and lab credentials)
  Data:     $WIZARD_DATA_DIR (delete it to start over)

TXT
npx next start -H 127.0.0.1 -p "$port"
