/**
 * End to end against the lab's WinRM server (lib/lab/winrm), which runs scripts in real
 * PowerShell 7: the same client code a real Windows host would see, over each transport.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createPwshExecutor,
  createWinrmServer,
  type PwshExecutor,
  type WinrmServer,
} from '@/lib/lab/winrm';
import { testPki, type TestPki } from './certs.test-helper';
import { type WinrmClientOptions, WinrmError, createWinrmClient } from './index';

const PWSH = [
  process.env.PWSH,
  path.join(os.homedir(), '.dotnet/tools/pwsh'),
  '/usr/bin/pwsh',
].find((p): p is string => !!p && existsSync(p));

let pki: TestPki;
let executor: PwshExecutor;
let server: WinrmServer;

beforeAll(async () => {
  if (!PWSH) return;
  pki = await testPki();
  executor = createPwshExecutor({ pwshPath: PWSH });
  server = await createWinrmServer({
    hostName: 'SQLNODE1',
    domainName: 'LAB',
    dnsDomainName: 'lab.local',
    https: { port: 0, cert: pki.server.cert, key: pki.server.key },
    http: { port: 0 },
    accounts: [
      { user: 'labadmin', password: 'L0cal-Adm1n!', isAdmin: true },
      { user: 'dba', domain: 'LAB', password: 'D0main-Pa55!', isAdmin: true },
      { user: 'reader', domain: 'LAB', password: 'Read3r-Pa55!', isAdmin: false },
    ],
    executor,
  });
});

afterAll(async () => {
  await server?.close();
  await executor?.close();
});

const TRANSPORTS: Array<
  [string, 'https' | 'http', Pick<WinrmClientOptions, 'auth' | 'user' | 'password'>]
> = [
  ['HTTPS + Basic', 'https', { auth: 'basic', user: 'labadmin', password: 'L0cal-Adm1n!' }],
  ['HTTPS + NTLM', 'https', { auth: 'ntlm', user: 'LAB\\dba', password: 'D0main-Pa55!' }],
  [
    'HTTP + NTLM message encryption',
    'http',
    { auth: 'ntlm', user: 'LAB\\dba', password: 'D0main-Pa55!' },
  ],
];

function client(
  protocol: 'https' | 'http',
  auth: Pick<WinrmClientOptions, 'auth' | 'user' | 'password'>,
) {
  const address = server.addresses[protocol];
  if (!address) throw new Error(`the lab has no ${protocol} listener`);
  return createWinrmClient(
    { host: 'sqlnode1.lab.local', connectTo: `${address.host}:${address.port}` },
    { protocol, ...auth, trust: { mode: 'ca', caPem: pki.caPem } },
  );
}

const SCRIPT = `param([string]$Name, [int[]]$Ports)
Write-Host 'checking…'
[pscustomobject]@{
  greeting = "Hello, $Name"
  total    = ($Ports | Measure-Object -Sum).Sum
  computer = $env:COMPUTERNAME
}`;

describe.skipIf(!PWSH)('against the lab WinRM server (real PowerShell 7)', () => {
  for (const [label, protocol, auth] of TRANSPORTS) {
    it(`runs a script with JSON parameters over ${label}`, async () => {
      const c = client(protocol, auth);
      try {
        const r = await c.runPowerShell(SCRIPT, {
          params: { Name: `O'Brien "; Stop-Computer #`, Ports: [5985, 5986] },
          schema: z.object({
            greeting: z.string(),
            total: z.number(),
            computer: z.string().nullable(),
          }),
        });
        expect(r.value.greeting).toBe(`Hello, O'Brien "; Stop-Computer #`);
        expect(r.value.total).toBe(11971);
        expect(r.exitCode).toBe(0);
        // Same shell, second command; then a script far over the command-line limit.
        const big = Array.from({ length: 2500 }, (_, i) => `$x${i} = ${i}`).join('\n');
        expect((await c.runPowerShell(`${big}\n$x2499`)).value).toBe(2499);
        const test = await c.testConnection();
        expect(test.ok).toBe(true);
        expect(test.powershellVersion).toMatch(/^7\./);
      } finally {
        await c.close();
      }
      expect(server.shellCount()).toBe(0);
    });
  }

  it('reports a failing script with its line, and leaves no shell behind', async () => {
    const c = client('http', TRANSPORTS[2]![2]);
    try {
      await c.runPowerShell('$a = 1\nGet-Item -LiteralPath "/no/such/item"');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WinrmError);
      expect((e as WinrmError).code).toBe('POWERSHELL_SCRIPT_FAILED');
      expect((e as WinrmError).details.records?.[0]).toMatchObject({
        line: 2,
        category: 'ObjectNotFound',
      });
    } finally {
      await c.close();
    }
    expect(server.shellCount()).toBe(0);
  });

  it('a wrong password and a non-administrator are told apart', async () => {
    const wrong = client('https', { auth: 'ntlm', user: 'LAB\\dba', password: 'nope' });
    const w = await wrong.testConnection();
    expect(w).toMatchObject({ ok: false, failedLayer: 'auth' });
    expect(w.error?.code).toBe('HTTP_UNAUTHORIZED');
    expect(w.error?.details.offeredSchemes).toContain('Negotiate');
    const reader = client('https', { auth: 'ntlm', user: 'LAB\\reader', password: 'Read3r-Pa55!' });
    const r = await reader.testConnection();
    expect(r.error?.code).toBe('WSMAN_ACCESS_DENIED');
    await wrong.close();
    await reader.close();
  });

  it('cancelling a running script terminates it and deletes the shell', async () => {
    const c = client('https', TRANSPORTS[0]![2]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1_500);
    const e = await c
      .runPowerShell('Start-Sleep -Seconds 30; 1', { signal: controller.signal })
      .catch((x: unknown) => x);
    expect((e as WinrmError).code).toBe('CANCELLED');
    expect(server.shellCount()).toBe(0);
    await c.close();
  });
});
