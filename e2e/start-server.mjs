// Starts the built-in lab (scenario fresh) and then the built wizard on it, for the e2e run: a
// fresh data folder, the demo deployment made from the lab's endpoints, the wizard's output teed
// to server.log (the secrets test reads it). Both stop with this process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const port = process.argv[2] ?? '3210';
const dataDir = process.env.E2E_DATA_DIR;
if (!dataDir) throw new Error('E2E_DATA_DIR is not set');
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });
const labDir = path.join(dataDir, 'lab');
const log = fs.createWriteStream(path.join(dataDir, 'server.log'));

const lab = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'lib/lab/main.ts', '--scenario', 'fresh', '--state-dir', labDir], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
const labLog = fs.createWriteStream(path.join(dataDir, 'lab.log'));
lab.stdout.pipe(labLog);
lab.stderr.pipe(labLog);
const endpoints = path.join(labDir, 'endpoints.json');
for (let i = 0; i < 240 && !fs.existsSync(endpoints); i++) {
  if (lab.exitCode !== null) throw new Error(`The lab exited (${lab.exitCode}); see ${path.join(dataDir, 'lab.log')}`);
  await new Promise((r) => setTimeout(r, 250));
}
if (!fs.existsSync(endpoints)) throw new Error('The lab did not write endpoints.json within 60 s');

const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', port, '-H', '127.0.0.1'], {
  env: { ...process.env, WIZARD_DATA_DIR: dataDir, WIZARD_DEMO: '1', WIZARD_LAB_ENDPOINTS: endpoints, NEXT_TELEMETRY_DISABLED: '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
for (const stream of [child.stdout, child.stderr]) {
  stream.on('data', (chunk) => {
    log.write(chunk);
    process.stdout.write(chunk);
  });
}
const stop = () => {
  child.kill('SIGTERM');
  lab.kill('SIGTERM');
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => {
  lab.kill('SIGTERM');
  process.exit(code ?? 0);
});
