// Test-only: a StepContext whose WinRM clients run each script in real pwsh "on" a simulated
// host of the lab's Windows side, through lib/winrm's own bootstrap (parameters as JSON on
// stdin, one JSON result), with the lab's prelude in front as its WinRM executor adds it. It
// lets the steps run end to end before (and besides) the full lab over WS-Management.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { exampleInventory } from '@/lib/inventory/example';
import { serviceNames, type SecretField } from '@/lib/inventory/schema';
import { windowsPrelude, windowsSessionEnv } from '@/lib/lab/windows/prelude';
import { LAB_ACCOUNTS } from '@/lib/lab/windows/scenario-parts';
import { PWSH_DIR, startTestLab, type TestLab } from '@/lib/lab/windows/test-support';
import type { WindowsScenarioName } from '@/lib/lab/windows/scenarios';
import type { StepContext } from '@/lib/steps/context';
import { buildInvocation, interpretOutput } from '@/lib/winrm/powershell';
import type { RunPowerShellOptions, WinrmClient } from '@/lib/winrm';

function runPwsh(lab: TestLab, host: string, script: string, params: Record<string, unknown>) {
  const inv = buildInvocation(script, params, 'pwsh');
  const encoded = inv.commandLine.split(' ').at(-1)!;
  const bootstrap = Buffer.from(encoded, 'base64').toString('utf16le');
  const command = Buffer.from(windowsPrelude(host) + bootstrap, 'utf16le').toString('base64');
  return new Promise<{ stdout: string; stderr: string; exitCode: number | null }>((resolve, reject) => {
    const child = spawn('pwsh', ['-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand', command], {
      env: {
        ...process.env,
        PATH: `${PWSH_DIR}${path.delimiter}${process.env.PATH ?? ''}`,
        ...windowsSessionEnv(lab.api, host, { remote: true, auth: 'ntlm', user: 'LAB\\wizard' }),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ stdout, stderr, exitCode }));
    child.stdin.end(inv.stdin);
  }).then((raw) => ({ raw, nonce: inv.nonce }));
}

function pwshClient(lab: TestLab, host: string, calls: string[]): WinrmClient {
  const unsupported = () => Promise.reject(new Error('not simulated in this test client'));
  return {
    host,
    runCommand: unsupported,
    testConnection: unsupported,
    close: () => Promise.resolve(),
    async runPowerShell<T>(script: string, options: RunPowerShellOptions<T> = {}) {
      calls.push(`${host}:${Object.keys(options.params ?? {}).join(',')}`);
      const { raw, nonce } = await runPwsh(lab, host, script, options.params ?? {});
      return interpretOutput(host, 'pwsh', raw, nonce, options.schema);
    },
  };
}

export type PwshStepLab = { lab: TestLab; ctx: StepContext; calls: string[]; reset(s: WindowsScenarioName): Promise<void>; close(): Promise<void> };

/** The lab's Windows side in a temp folder and a StepContext on its two master nodes. */
export async function startPwshStepLab(secrets: Partial<Record<SecretField, string>> = {}): Promise<PwshStepLab> {
  const lab = await startTestLab();
  const base = exampleInventory();
  const inventory = {
    ...base,
    masters: base.masters.map((m) => ({ ...m, fqdn: `${m.hostName.toLowerCase()}.lab.test` })),
    masterAccount: 'LAB\\svc-ssismaster',
  };
  const all: Partial<Record<SecretField, string>> = {
    masterAccountPassword: LAB_ACCOUNTS.find((a) => a.name === 'svc-ssismaster')!.password,
    ...secrets,
  };
  const calls: string[] = [];
  const clients = new Map<string, WinrmClient>();
  const ctx: StepContext = {
    deploymentId: 'pwsh-test',
    inventory,
    services: serviceNames(inventory.sqlVersion),
    secret: (name) => (all as Record<string, string | undefined>)[name],
    setSecret: (name, value) => {
      (all as Record<string, string | undefined>)[name] = value;
    },
    secretValues: () => Object.values(all).filter((v): v is string => !!v),
    sql: () => {
      throw new Error('no SQL in this test');
    },
    winrm(host) {
      const key = host.toUpperCase();
      if (!clients.has(key)) clients.set(key, pwshClient(lab, key, calls));
      return clients.get(key)!;
    },
    close: () => Promise.resolve(),
  };
  return { lab, ctx, calls, reset: (s) => lab.state.reset(s), close: () => lab.close() };
}

/** One PwshStepLab for the test file: handed to `set` once started, closed after the file's tests. */
export function pwshStepLabPerFile(set: (t: PwshStepLab) => void): void {
  let t: PwshStepLab | undefined;
  beforeAll(async () => {
    t = await startPwshStepLab();
    set(t);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });
}
