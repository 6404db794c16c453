import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TestPki } from './certs.test-helper';
import { ACTION, RESOURCE_URI_CMD } from './envelope';
import {
  FAULTS,
  FakeWinrmServer,
  type FakeServerOptions,
  closersPerTest,
  decodePowerShellRun,
  resultStdout,
} from './fake-server.test-helper';
import {
  type WinrmClient,
  type WinrmClientOptions,
  WinrmError,
  createWinrmClient,
  isWinrmError,
} from './index';

const PASSWORD = 'Pa55w0rd!';
let pki: TestPki;
const cleanup = closersPerTest((loaded) => (pki = loaded));

async function setup(
  fakeOptions: Partial<FakeServerOptions> = {},
  clientOptions: Partial<WinrmClientOptions> = {},
): Promise<{ fake: FakeWinrmServer; client: WinrmClient; port: number }> {
  const fake = new FakeWinrmServer({
    tls: pki.server,
    users: { admin: PASSWORD },
    accept: { basic: true, negotiate: true },
    ...fakeOptions,
  });
  const port = await fake.listen();
  const client = createWinrmClient(
    { host: 'sqlnode1.lab.local', port: 5986, connectTo: `127.0.0.1:${port}` },
    {
      protocol: 'https',
      auth: 'basic',
      user: 'admin',
      password: PASSWORD,
      trust: { mode: 'ca', caPem: pki.caPem },
      ...clientOptions,
    },
  );
  cleanup.push(async () => {
    await client.close();
    await fake.close();
  });
  return { fake, client, port };
}

async function failure(p: Promise<unknown>): Promise<WinrmError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WinrmError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

const echo =
  (stdout: string, exitCode = 0) =>
  () =>
  () => ({ stdout, exitCode });

describe('WS-Man requests', () => {
  it('sends the envelope headers and shell options, one shell for several commands, a Signal per command', async () => {
    const { fake, client } = await setup({ onCommand: echo('ok\r\n') });
    for (let i = 0; i < 3; i++) expect((await client.runCommand('hostname')).stdout).toBe('ok\r\n');
    await client.close();
    expect(fake.ops().map((r) => r.operation)).toEqual([
      'create',
      ...Array.from({ length: 3 }, () => ['command', 'receive', 'signal']).flat(),
      'delete',
    ]);
    const ids = fake.ops().map((r) => r.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of fake.ops()) {
      expect(r.messageId).toMatch(
        /^uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(r.resourceUri).toBe(RESOURCE_URI_CMD);
      expect(r.maxEnvelopeSize).toBe('153600');
      expect(r.locale).toBe('en-US');
      expect(r.action).toBe(ACTION[r.operation as keyof typeof ACTION]);
      expect(r.shellId === undefined).toBe(r.operation === 'create');
    }
    expect(
      new Set(
        fake
          .ops()
          .filter((r) => r.operation !== 'create')
          .map((r) => r.shellId),
      ).size,
    ).toBe(1);
    expect(fake.ops('create')[0]?.options).toEqual({
      WINRS_NOPROFILE: 'TRUE',
      WINRS_CODEPAGE: '65001',
    });
    expect(fake.ops('create')[0]?.operationTimeout).toBe('PT20S');
    expect(fake.ops('command')[0]?.options).toEqual({
      WINRS_CONSOLEMODE_STDIN: 'TRUE',
      WINRS_SKIP_CMD_SHELL: 'FALSE',
    });
    expect(fake.ops('signal')[0]?.xml).toContain('/windows/shell/signal/terminate</rsp:Code>');
    expect(fake.shells.size).toBe(0);
  });

  it('keeps receiving over TimedOut faults until the command is Done, and returns the exit code', async () => {
    const { fake, client } = await setup({
      onCommand: () => (i) =>
        i < 3
          ? { timeout: true }
          : i === 3
            ? { stdout: 'part1 ' }
            : { stdout: 'part2', stderr: 'warn', exitCode: 3 },
    });
    const r = await client.runCommand('slow.exe');
    expect(r).toMatchObject({ stdout: 'part1 part2', stderr: 'warn', exitCode: 3 });
    expect(fake.ops('receive')).toHaveLength(5);
    // Create, Command, 5 Receives, Signal: each one counted, as the bench reports them.
    expect(r.stats).toMatchObject({ receives: 5, requests: 8 });
  });

  it('sends long stdin in envelope-sized chunks, the last with End="true"', async () => {
    let got: Buffer = Buffer.alloc(0);
    const { fake, client } = await setup({
      onCommand: (cmd) => {
        got = cmd.stdin;
        return () => ({ stdout: String(cmd.stdin.length), exitCode: 0 });
      },
    });
    const input = Buffer.from(
      Array.from({ length: 400_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''),
    );
    expect((await client.runCommand('more', { stdin: input })).stdout).toBe('400000');
    expect(got.equals(input)).toBe(true);
    const sends = fake.ops('send');
    expect(sends.length).toBeGreaterThan(3);
    expect(sends.every((s) => Buffer.byteLength(s.xml) <= 153_600)).toBe(true);
    expect(sends.map((s) => s.xml.includes('End="true"'))).toEqual([
      ...sends.slice(1).map(() => false),
      true,
    ]);
    expect(fake.ops('command')[0]?.options.WINRS_CONSOLEMODE_STDIN).toBe('FALSE');
  });

  it('refuses a command line longer than cmd.exe accepts, before sending it', async () => {
    const { fake, client } = await setup();
    const e = await failure(client.runCommand(`echo ${'x'.repeat(8200)}`));
    expect(e.code).toBe('COMMAND_LINE_TOO_LONG');
    expect(fake.ops('command')).toHaveLength(0);
  });
});

describe('deadlines, cancellation and lost shells', () => {
  it('at the deadline: Signal(terminate) and Delete are sent, and COMMAND_TIMEOUT thrown', async () => {
    const { fake, client } = await setup({
      onCommand: () => () => ({ timeout: true, delayMs: 100 }),
    });
    const started = Date.now();
    const e = await failure(client.runCommand('hang.exe', { timeoutMs: 2_500 }));
    expect(e.code).toBe('COMMAND_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(6_000);
    const ops = fake.ops().map((r) => r.operation);
    expect(ops.slice(-2)).toEqual(['signal', 'delete']);
    expect([...fake.commands.values()][0]?.terminated).toBe(true);
    expect(fake.shells.size).toBe(0);
    // The abandoned shell is not reused: the next command creates a fresh one.
    await client.runCommand('next', { timeoutMs: 1_200 }).catch(() => undefined);
    expect(fake.ops('create')).toHaveLength(2);
  });

  it('on AbortSignal: the in-flight Receive is dropped, Signal and Delete are sent, CANCELLED thrown', async () => {
    const { fake, client } = await setup({
      onCommand: () => () => ({ timeout: true, delayMs: 5_000 }),
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const e = await failure(client.runCommand('hang.exe', { signal: controller.signal }));
    expect(e.code).toBe('CANCELLED');
    expect(
      fake
        .ops()
        .map((r) => r.operation)
        .slice(-2),
    ).toEqual(['signal', 'delete']);
    expect(fake.shells.size).toBe(0);
  });

  it('reopens a shell the server has lost, once', async () => {
    const { fake, client } = await setup({ onCommand: echo('ok') });
    await client.runCommand('one');
    fake.shells.clear(); // WinRM restarted or the shell expired
    expect((await client.runCommand('two')).stdout).toBe('ok');
    expect(fake.ops('create')).toHaveLength(2);

    let lost = 0;
    const again = await setup({
      onCommand: echo('ok'),
      intercept: (r) => (r.operation === 'command' ? (lost++, FAULTS.shellNotFound) : undefined),
    });
    const e = await failure(again.client.runCommand('three'));
    expect(e.code).toBe('WSMAN_SHELL_NOT_FOUND');
    expect(lost).toBe(2);
    expect(again.fake.ops('create')).toHaveLength(2);
  });

  it('deletes the shell after the idle time, and on close; a closed client refuses work', async () => {
    const { fake, client } = await setup({ onCommand: echo('ok') }, { shellIdleMs: 150 });
    await client.runCommand('one');
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.ops('delete')).toHaveLength(1);
    expect(fake.shells.size).toBe(0);
    await client.runCommand('two');
    await client.close();
    expect(fake.ops('delete')).toHaveLength(2);
    expect((await failure(client.runCommand('three'))).code).toBe('CLIENT_CLOSED');
  });

  it('retries an idempotent read after a transient fault, bounded; never a non-idempotent command', async () => {
    let creates = 0;
    const flaky = await setup(
      {
        onCommand: echo('ok'),
        intercept: (r) =>
          r.operation === 'create' && ++creates === 1
            ? {
                ...FAULTS.timedOut,
                subcode: 'QuotaLimit',
                wsmanCode: 2150859173,
                message:
                  'The WS-Management service cannot process the request. This user is allowed a maximum number of 30 concurrent shells.',
              }
            : undefined,
      },
      { retryDelayMs: 10 },
    );
    expect((await flaky.client.runCommand('probe', { idempotent: true })).stdout).toBe('ok');
    expect(creates).toBe(2);

    let attempts = 0;
    const broken = await setup(
      {
        intercept: (r) =>
          r.operation === 'create'
            ? (attempts++,
              {
                ...FAULTS.timedOut,
                subcode: 'QuotaLimit',
                wsmanCode: 2150859173,
                message: 'quota',
              })
            : undefined,
      },
      { retryDelayMs: 10, retries: 2 },
    );
    expect((await failure(broken.client.runCommand('probe', { idempotent: true }))).code).toBe(
      'WSMAN_QUOTA_EXCEEDED',
    );
    expect(attempts).toBe(3);
    attempts = 0;
    expect((await failure(broken.client.runCommand('change'))).code).toBe('WSMAN_QUOTA_EXCEEDED');
    expect(attempts).toBe(1);
  });
});

describe('errors a DBA can act on', () => {
  it('HTTP 401 lists the schemes the server offers', async () => {
    const { client } = await setup({}, { password: 'wrong' });
    const e = await failure(client.runCommand('hostname'));
    expect(e.code).toBe('HTTP_UNAUTHORIZED');
    expect(e.layer).toBe('auth');
    expect(e.details.offeredSchemes).toEqual(['Negotiate', 'Basic']);
    expect(e.message).toContain('The server offers: Negotiate, Basic');

    const noBasic = await setup({ accept: { negotiate: true } });
    const e2 = await failure(noBasic.client.runCommand('hostname'));
    expect(e2.details.offeredSchemes).toEqual(['Negotiate']);
    expect(e2.message).toMatch(/Basic authentication is disabled on the WinRM service/);
  });

  it('an access-denied fault names the fix', async () => {
    const { client } = await setup({
      intercept: (r) => (r.operation === 'create' ? FAULTS.accessDenied : undefined),
    });
    const e = await failure(client.runCommand('hostname'));
    expect(e.code).toBe('WSMAN_ACCESS_DENIED');
    expect(e.details.fault).toMatchObject({ wsmanCode: 5, subcode: 'AccessDenied' });
    expect(e.message).toContain('Access is denied.');
  });

  it('Kerberos and CredSSP are "not supported yet"; Basic over HTTP is refused before connecting', async () => {
    const fake = new FakeWinrmServer({ users: {}, accept: { basic: true } });
    const port = await fake.listen();
    cleanup.push(() => fake.close());
    const target = { host: 'sqlnode1.lab.local', connectTo: `127.0.0.1:${port}` };
    for (const auth of ['kerberos', 'credssp'] as const) {
      const c = createWinrmClient(target, { protocol: 'https', auth, user: 'u', password: 'p' });
      expect((await failure(c.runCommand('x'))).code).toBe('AUTH_NOT_SUPPORTED');
    }
    const basic = createWinrmClient(target, {
      protocol: 'http',
      auth: 'basic',
      user: 'u',
      password: 'p',
    });
    const e = await failure(basic.runCommand('x'));
    expect(e.code).toBe('INSECURE_BASIC_OVER_HTTP');
    expect((await basic.testConnection()).failedLayer).toBe('config');
    expect(fake.connections).toBe(0);
  });

  it('DNS and TCP failures name their layer', async () => {
    const dns = createWinrmClient(
      { host: 'no-such-host.invalid' },
      { protocol: 'https', auth: 'basic', user: 'u', password: 'p', connectTimeoutMs: 3_000 },
    );
    const d = await failure(dns.runCommand('x'));
    expect(d.code).toBe('DNS_NOT_FOUND');
    expect(d.message).toContain('no-such-host.invalid is not known to DNS');
    const fake = new FakeWinrmServer({ users: {}, accept: {} });
    const port = await fake.listen();
    await fake.close(); // nothing listens there any more
    const tcp = createWinrmClient(
      { host: 'sqlnode1.lab.local', connectTo: `127.0.0.1:${port}` },
      { protocol: 'https', auth: 'basic', user: 'u', password: 'p' },
    );
    const t = await failure(tcp.runCommand('x'));
    expect(t.code).toBe('TCP_REFUSED');
    expect(t.layer).toBe('tcp');
    const result = await tcp.testConnection();
    expect(result).toMatchObject({ ok: false, failedLayer: 'tcp', passed: ['config', 'dns'] });
  });
});

describe('PowerShell through the client', () => {
  it('sends a small script and its JSON parameters inline in the Command (no Send); decodes the result and CLIXML warnings', async () => {
    let seen: { script: string; params: unknown; inline: boolean } | undefined;
    const { fake, client } = await setup({
      onCommand: (cmd) => {
        seen = decodePowerShellRun(cmd.commandLine, cmd.stdin);
        return () => ({
          stdout: resultStdout(cmd.commandLine, { nodes: ['SQLNODE1', 'SQLNODE2'] }, 'Loading…'),
          stderr:
            '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><S S="warning">cluster validation is old_x000D__x000A_</S></Objs>',
          exitCode: 0,
        });
      },
    });
    const r = await client.runPowerShell('param($Cluster) Get-ClusterNode -Cluster $Cluster', {
      params: { Cluster: 'SQLCLUSTER' },
      schema: z.object({ nodes: z.array(z.string()) }),
    });
    expect(r.value.nodes).toEqual(['SQLNODE1', 'SQLNODE2']);
    expect(r.warnings).toEqual(['cluster validation is old']);
    expect(r.output).toBe('Loading…');
    expect(seen).toEqual({
      script: 'param($Cluster) Get-ClusterNode -Cluster $Cluster',
      params: { Cluster: 'SQLCLUSTER' },
      inline: true,
    });
    const command = fake.ops('command')[0];
    // Compressed and encoded, never as text.
    expect(command?.xml).not.toContain('SQLCLUSTER');
    expect(command?.options.WINRS_CONSOLEMODE_STDIN).toBe('TRUE');
    expect(fake.ops('send')).toHaveLength(0);
    // Create, Command, one Receive (this fake answers with the result and Done at once), Signal;
    // on the reused shell, Command, Receive, Signal.
    expect(r.stats?.requests).toBe(4);
    const again = await client.runPowerShell('param($Cluster) Get-ClusterNode -Cluster $Cluster', {
      params: { Cluster: 'SQLCLUSTER' },
    });
    expect(again.stats?.requests).toBe(3);
  });

  it('sends the script and parameters on stdin (Send) when a parameter is secret or the script is long', async () => {
    const seen: { script: string; params: unknown; inline: boolean }[] = [];
    const { fake, client } = await setup({
      onCommand: (cmd) => {
        seen.push(decodePowerShellRun(cmd.commandLine, cmd.stdin));
        return () => ({ stdout: resultStdout(cmd.commandLine, 'ok'), exitCode: 0 });
      },
    });
    await client.runPowerShell('param($Password) Set-Thing $Password', {
      params: { Password: 'S3cr3t-Value' },
    });
    await client.runPowerShell('param($Login) Set-Thing $Login', {
      params: { Login: 'plain-looking' },
      secrets: ['plain-looking'],
    });
    const long = Array.from({ length: 400 }, (_, i) => `$v${i} = '${randomUUID()}'`).join('\n');
    await client.runPowerShell(long);
    expect(seen.map((s) => s.inline)).toEqual([false, false, false]);
    expect(seen[0]?.params).toEqual({ Password: 'S3cr3t-Value' });
    expect(seen[2]?.script).toBe(long);
    const commands = fake.ops('command');
    expect(commands.map((c) => c.options.WINRS_CONSOLEMODE_STDIN)).toEqual([
      'FALSE',
      'FALSE',
      'FALSE',
    ]);
    for (const c of commands) expect(c.xml).not.toContain('S3cr3t');
    expect(fake.ops('send').length).toBeGreaterThanOrEqual(3);
  });

  it('testConnection reports every layer, the certificate and the PowerShell version', async () => {
    const { client } = await setup({
      onCommand: (cmd) => () => ({
        stdout: resultStdout(cmd.commandLine, '5.1.20348.2849'),
        exitCode: 0,
      }),
    });
    const r = await client.testConnection();
    expect(r).toMatchObject({
      ok: true,
      failedLayer: null,
      powershellVersion: '5.1.20348.2849',
      error: null,
    });
    expect(r.passed).toEqual([
      'config',
      'dns',
      'tcp',
      'tls',
      'http',
      'auth',
      'wsman',
      'powershell',
    ]);
    expect(r.certificate?.names).toEqual(['sqlnode1.lab.local', 'SQLNODE1']);
    expect(r.certificate?.thumbprint).toBe(pki.server.thumbprint);
  });

  it('testConnection names PowerShell when it does not start', async () => {
    const { client } = await setup({
      onCommand: () => () => ({
        stderr:
          "'powershell' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n",
        exitCode: 9009,
      }),
    });
    const r = await client.testConnection();
    expect(r).toMatchObject({
      ok: false,
      failedLayer: 'powershell',
      passed: ['config', 'dns', 'tcp', 'tls', 'http', 'auth', 'wsman'],
    });
    expect(r.error?.code).toBe('POWERSHELL_NOT_STARTED');
    expect(isWinrmError(r.error)).toBe(false); // plain data, safe to hand to the browser
  });
});
