/**
 * Trouble injected through the lab's control API, each answered with its own error code; and
 * 1000 commands cancelled at random moments leave no shell behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PWSH_AVAILABLE } from '@/lib/lab/winrm/test-support';
import { isWinrmError } from './errors';
import { type Mode, type TestLab, rejection, startTestLab } from './lab.test-helper';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab(0);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const ECHO = 'cmd /c echo x';

describe('faults injected through the control API', () => {
  it('latency: every WinRM request waits the injected time, and none once it is cleared', async () => {
    const c = t.client('SQLNODE1', 'https-basic');
    try {
      await c.runCommand(ECHO); // the shell exists: each command is now Command, Receive, Signal
      const before = ((await t.control('/state')).winrm as Record<string, { requests: number }>).SQLNODE1!.requests;
      await t.control('/latency', { ms: 300 });
      const started = Date.now();
      expect((await c.runCommand(ECHO)).stdout).toBe('x\r\n');
      const took = Date.now() - started;
      const trips = ((await t.control('/state')).winrm as Record<string, { requests: number }>).SQLNODE1!.requests - before;
      // A lower bound only: each round trip waited at least the injected 300 ms.
      expect(took).toBeGreaterThanOrEqual(trips * 300);
      await t.control('/latency', { ms: 0 });
      const again = Date.now();
      await c.runCommand(ECHO);
      expect(Date.now() - again).toBeLessThan(trips * 300 + 5000);
    } finally {
      await t.control('/latency', { ms: 0 });
      await c.close();
    }
  });

  it('host down: TCP_REFUSED, reported by /state; back up, the same client works again', async () => {
    const c = t.client('SQLNODE2', 'http-ntlm');
    try {
      expect((await c.runCommand(ECHO)).stdout).toBe('x\r\n');
      await t.control('/hosts/SQLNODE2/down', {});
      const state = (await t.control('/state')).winrm as Record<string, { up: boolean }>;
      expect(state.SQLNODE2?.up).toBe(false);
      expect(state.SQLNODE1?.up).toBe(true);
      const e = await rejection(c.runCommand(ECHO));
      expect(e.code).toBe('TCP_REFUSED');
      expect(e.message).toMatch(/refused the connection/);
      await t.control('/hosts/SQLNODE2/up', {});
      expect((await c.runCommand(ECHO)).stdout).toBe('x\r\n');
    } finally {
      await c.close();
    }
  });

  it.each<[Mode, number]>([
    ['https-basic', 500],
    ['http-ntlm', 500],
    ['https-ntlm', 503],
  ])(
    'HTTP %s answered %i: HTTP_ERROR with the status; the next command succeeds',
    async (mode, status) => {
      const c = t.client('SQLNODE1', mode);
      try {
        await t.control('/winrm/faults', { host: 'SQLNODE1', count: 1, status });
        const e = await rejection(c.runCommand(ECHO));
        expect(e.code).toBe('HTTP_ERROR');
        expect(e.details.status).toBe(status);
        expect(e.message).toContain(`HTTP ${status}`);
        expect((await c.runCommand(ECHO)).exitCode).toBe(0);
      } finally {
        await c.close();
      }
    },
  );

  it('wrong password: HTTP_UNAUTHORIZED for Basic and NTLM, naming the offered schemes', async () => {
    for (const mode of ['https-basic', 'http-ntlm'] as const) {
      const c = t.client('SQLNODE1', mode, { password: 'not-the-password' });
      const e = await rejection(c.runCommand(ECHO));
      await c.close();
      expect(e.code).toBe('HTTP_UNAUTHORIZED');
      expect(e.details.offeredSchemes).toContain('Negotiate');
      expect(e.message).not.toContain('not-the-password');
    }
  });

  it.skipIf(!PWSH_AVAILABLE)(
    'a command that never ends: COMMAND_TIMEOUT, process and shell gone',
    async () => {
      const c = t.client('SQLNODE1', 'https-basic');
      try {
        const started = Date.now();
        const e = await rejection(c.runPowerShell('Start-Sleep -Seconds 60', { timeoutMs: 3_000 }));
        expect(e.code).toBe('COMMAND_TIMEOUT');
        expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
        expect(Date.now() - started).toBeLessThan(8_000);
        expect((await t.openShells()).SQLNODE1).toBe(0);
      } finally {
        await c.close();
      }
    },
    20_000,
  );

  it.skipIf(!PWSH_AVAILABLE)(
    'pwsh killed mid-command: POWERSHELL_BAD_RESULT saying the process may have been killed',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winrm-kill-'));
      const marker = path.join(dir, 'started');
      const c = t.client('SQLNODE2', 'https-ntlm');
      try {
        const run = rejection(
          c.runPowerShell(
            'param($Marker) Set-Content -Path $Marker -Value 1; Start-Sleep -Seconds 60; 1',
            {
              params: { Marker: marker },
            },
          ),
        );
        for (let i = 0; i < 200 && !fs.existsSync(marker); i++)
          await new Promise((r) => setTimeout(r, 50));
        const killed = await t.control('/hosts/SQLNODE2/kill-processes', {});
        expect(killed.killed).toBe(1);
        const e = await run;
        expect(e.code).toBe('POWERSHELL_BAD_RESULT');
        expect(e.details.exitCode).toBe(1);
        expect(e.message).toMatch(/killed/);
      } finally {
        await c.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    20_000,
  );
});

describe('random cancellations', () => {
  it('1000 commands, about half aborted at random moments: only CANCELLED errors, and zero shells left', async () => {
    // cmd's echo (answered by the lab without starting a process) keeps 1000 commands fast;
    // four clients (two hosts × HTTPS Basic and HTTP NTLM-encrypted) run side by side.
    const clients = [
      t.client('SQLNODE1', 'https-basic'),
      t.client('SQLNODE2', 'https-basic'),
      t.client('SQLNODE1', 'http-ntlm'),
      t.client('SQLNODE2', 'http-ntlm'),
    ];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const outcomes = { ok: 0, cancelled: 0 };
    const unexpected: string[] = [];
    await Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < 250; i++) {
          const controller = new AbortController();
          const abortAfter = random() < 0.5 ? random() * 6 : null;
          const timer =
            abortAfter === null ? null : setTimeout(() => controller.abort(), abortAfter);
          try {
            const r = await c.runCommand(ECHO, { signal: controller.signal });
            if (r.stdout === 'x\r\n') outcomes.ok++;
            else unexpected.push(`stdout ${JSON.stringify(r.stdout)}`);
          } catch (e) {
            if (isWinrmError(e, 'CANCELLED')) outcomes.cancelled++;
            else unexpected.push(String(e));
          } finally {
            if (timer) clearTimeout(timer);
          }
        }
      }),
    );
    expect(unexpected).toEqual([]);
    expect(outcomes.ok + outcomes.cancelled).toBe(1000);
    expect(outcomes.cancelled).toBeGreaterThan(50);
    expect(outcomes.ok).toBeGreaterThan(400);
    // Each client still works and holds at most its one reusable shell.
    for (const c of clients) expect((await c.runCommand(ECHO)).exitCode).toBe(0);
    const during = await t.openShells();
    expect((during.SQLNODE1 ?? 0) + (during.SQLNODE2 ?? 0)).toBeLessThanOrEqual(4);
    await Promise.all(clients.map((c) => c.close()));
    expect(await t.openShells()).toEqual({ SQLNODE1: 0, SQLNODE2: 0 });
  }, 60_000);
});
