// A throwaway lab Windows side for Pester and manual runs:
//   node --conditions=react-server --import tsx lib/lab/windows/test-server.ts [scenario]
// prints one JSON line { url, token, dir }, then obeys stdin lines: "reset <scenario>",
// "snapshot", "host <NAME> up|down", "move <group> [node]"; each answers one JSON line.
// Ends (and deletes its folder) when stdin closes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

import Database from 'better-sqlite3';

import { createWindowsApi } from './api';
import { isWindowsScenario } from './scenarios';
import { WindowsState } from './state';

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-windows-'));
  const db = new Database(path.join(dir, 'lab.sqlite'));
  const state = new WindowsState(db, dir, { rebootMs: 1500 });
  const first = process.argv[2] ?? 'fresh';
  if (!isWindowsScenario(first)) throw new Error(`Unknown scenario ${first}`);
  await state.reset(first);
  const api = await createWindowsApi(state);
  const done = async () => {
    state.close();
    await api.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.stdout.write(`${JSON.stringify({ url: api.url, token: api.token, dir })}\n`);
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, a, b] = line.trim().split(/\s+/);
    const answer = async (): Promise<unknown> => {
      switch (cmd) {
        case 'reset':
          if (!a || !isWindowsScenario(a)) throw new Error(`Unknown scenario ${a}`);
          await state.reset(a);
          return { ok: true };
        case 'snapshot':
          return state.snapshot();
        case 'host':
          state.setHostUp(a ?? '', b === 'up');
          return { ok: true };
        case 'move':
          return state.moveGroup(a ?? '', b);
        default:
          throw new Error(`Unknown command ${cmd}`);
      }
    };
    answer().then(
      (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
      (e: unknown) => process.stdout.write(`${JSON.stringify({ error: e instanceof Error ? e.message : String(e) })}\n`),
    );
  });
  rl.on('close', () => void done());
}

void main();
