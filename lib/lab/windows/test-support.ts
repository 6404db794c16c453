// Test helpers: a lab Windows side in a temp folder, and real pwsh runs "on" a simulated host
// through the prelude (not through WinRM), as the lab's executor would start them.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';

import { createWindowsApi, type WindowsApi } from './api';
import { windowsPrelude, windowsSessionEnv, type WindowsSessionOptions } from './prelude';
import { WindowsState } from './state';

export const PWSH_DIR = path.join(os.homedir(), '.dotnet', 'tools');

export interface TestLab {
  dir: string;
  state: WindowsState;
  api: WindowsApi;
  close(): Promise<void>;
}

export async function startTestLab(): Promise<TestLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-win-test-'));
  const db = new Database(path.join(dir, 'lab.sqlite'));
  const state = new WindowsState(db, dir, { rebootMs: 500 });
  await state.reset('fresh');
  const api = await createWindowsApi(state);
  return {
    dir,
    state,
    api,
    close: async () => {
      state.close();
      await api.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PwshResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs `script` in a fresh pwsh on `host`, the prelude first. */
export function runOnHost(lab: TestLab, host: string, script: string, session: WindowsSessionOptions = { remote: false }): Promise<PwshResult> {
  const file = path.join(lab.dir, `script-${Date.now()}-${Math.random().toString(36).slice(2)}.ps1`);
  fs.writeFileSync(file, windowsPrelude(host) + script);
  return new Promise((resolve, reject) => {
    const child = spawn('pwsh', ['-NoProfile', '-NonInteractive', '-File', file], {
      env: { ...process.env, PATH: `${PWSH_DIR}${path.delimiter}${process.env.PATH ?? ''}`, ...windowsSessionEnv(lab.api, host, session) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, exitCode: code ?? -1 }));
  });
}

/** The last stdout line that is JSON: scripts end with `... | ConvertTo-Json -Compress -Depth 5`. */
export function lastJson<T>(r: PwshResult): T {
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{') || l.startsWith('['));
  if (!line) throw new Error(`No JSON in output.\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return JSON.parse(line) as T;
}
