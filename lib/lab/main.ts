// `npm run lab -- --scenario <name> --state-dir <dir> [--workers N]`: starts the built-in lab in
// the foreground — a TDS endpoint per SQL instance and per AG listener, a WinRM endpoint per host,
// the control API — and writes <state-dir>/endpoints.json.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLab } from './lab';
import { SCENARIOS, type ScenarioName } from './sql';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'fresh' },
    'state-dir': { type: 'string', default: 'data/lab' },
    workers: { type: 'string', default: '1' },
    reset: { type: 'boolean', default: false },
  },
});

const scenario = values.scenario as ScenarioName;
if (!SCENARIOS.includes(scenario)) {
  console.error(`Unknown scenario "${values.scenario}". Choose one of: ${SCENARIOS.join(', ')}.`);
  process.exit(2);
}
const workers = Number(values.workers);
if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
  console.error('--workers must be a whole number from 0 to 64.');
  process.exit(2);
}
const stateDir = path.resolve(values['state-dir']);
fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });

async function main() {
  const lab = await startLab({
    scenario,
    stateDir,
    workers,
    reset: values.reset,
    token: crypto.randomBytes(24).toString('base64url'),
  });
  console.log(`Lab "${scenario}" is up: ${Object.keys(lab.endpoints.hosts).join(', ')}`);
  console.log(`Endpoints: ${path.join(stateDir, 'endpoints.json')}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await lab.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
