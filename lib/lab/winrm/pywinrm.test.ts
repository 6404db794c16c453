import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PwshExecutor, createPwshExecutor } from './executor';
import { createWinrmServer } from './server';
import {
  ACCOUNTS,
  HOST,
  PWSH_AVAILABLE,
  PYWINRM_AVAILABLE,
  type PyAction,
  type Tls,
  b64decode,
  encodeScript,
  makeTls,
  runPywinrm,
  tempDir,
} from './test-support';
import type { WinrmServer } from './types';

/**
 * Conformance with an independent client: Debian's pywinrm 0.3.0 (+ requests_ntlm, ntlm_auth)
 * against one lab host, over HTTPS+Basic, HTTPS+NTLM and HTTP+NTLM with message encryption,
 * running real PowerShell 7. One server for the file: pwsh starts take a second each.
 */
const [admin, domainAdmin, reader] = ACCOUNTS;

const PRELUDE = "function Get-LabThing { 'thing from the prelude' }";

describe.skipIf(!PYWINRM_AVAILABLE || !PWSH_AVAILABLE)(
  'pywinrm 0.3.0 against the lab WinRM server',
  () => {
    let tls: Tls;
    let server: WinrmServer;
    let executor: PwshExecutor;
    let httpsBasic: Record<string, unknown>;
    let httpsNtlm: Record<string, unknown>;
    let httpNtlm: Record<string, unknown>;

    beforeAll(async () => {
      tls = await makeTls();
      executor = createPwshExecutor({ preludeScript: PRELUDE });
      server = await createWinrmServer({
        hostName: HOST,
        domainName: 'LAB',
        dnsDomainName: 'lab.test',
        https: { port: 0, cert: tls.cert, key: tls.key },
        http: { port: 0 },
        accounts: ACCOUNTS,
        executor,
      });
      httpsBasic = {
        endpoint: server.urls.https,
        transport: 'ssl',
        username: admin.user,
        password: admin.password,
        ca_trust_path: tls.caPath,
      };
      httpsNtlm = {
        endpoint: server.urls.https,
        transport: 'ntlm',
        username: `LAB\\${domainAdmin.user}`,
        password: domainAdmin.password,
        ca_trust_path: tls.caPath,
      };
      httpNtlm = {
        endpoint: server.urls.http,
        transport: 'ntlm',
        username: admin.user,
        password: admin.password,
        message_encryption: 'always',
      };
    });

    afterAll(async () => {
      await server?.close();
      await executor?.close();
    });

    it('HTTPS + Basic: a run_ps-style script gives stdout, CLIXML stderr as Windows sends it, and its exit code', async () => {
      const script = 'Write-Output "hello from $env:COMPUTERNAME"; Write-Error "boom"; exit 3';
      const run = await runPywinrm(httpsBasic, [
        { op: 'open' },
        { op: 'run', command: `powershell -encodedcommand ${encodeScript(script)}` },
        { op: 'output' },
        { op: 'cleanup' },
        { op: 'run', command: 'echo', args: ['hi', 'there'] },
        { op: 'output' },
        { op: 'cleanup' },
        { op: 'close' },
      ]);
      const [, , ps, , , echo] = run.results;
      expect(ps?.error).toBeUndefined();
      expect(ps?.code).toBe(3);
      expect(b64decode(ps?.stdout)).toBe(`hello from ${HOST}\r\n`);
      const stderr = b64decode(ps?.stderr);
      expect(stderr.startsWith('#< CLIXML\r\n<Objs Version="1.1.0.1"')).toBe(true);
      expect(stderr).toContain('<S S="Error">');
      expect(stderr).toContain('_x000D__x000A_');
      expect(stderr).not.toMatch(/_x001B_|\u001b/);
      // pywinrm's own CLIXML clean-up (what run_ps would do) reads the error back, NormalView-style.
      expect(ps?.clean_stderr).toMatch(/boom\n[\s\S]*\+ CategoryInfo {10}: NotSpecified/);
      expect(echo).toMatchObject({ code: 0 });
      expect(b64decode(echo?.stdout)).toBe('hi there\r\n');
      expect(server.shellCount()).toBe(0);
    });

    it('HTTPS + NTLM (channel binding): stdin through Send, shell environment, the prelude hook and code page 437', async () => {
      const run = await runPywinrm(httpsNtlm, [
        { op: 'open', env: { LAB_MARK: 'from-env' } },
        { op: 'run', command: 'powershell -NoProfile -NonInteractive -Command -' },
        {
          op: 'send',
          data: 'Get-LabThing\r\nWrite-Output ([char]0xE9 + $env:USERDOMAIN + $env:LAB_MARK)\r\n',
        },
        { op: 'send', data: 'exit 5\r\n', end: true },
        { op: 'output' },
        { op: 'cleanup' },
        { op: 'close' },
      ]);
      const out = run.results[4];
      expect(out?.error).toBeUndefined();
      expect(out?.code).toBe(5);
      const bytes = Buffer.from(String(out?.stdout), 'base64');
      // é is 0x82 in CP437, the shell's code page.
      expect(bytes.toString('latin1')).toBe('thing from the prelude\r\n\x82LABfrom-env\r\n');
    });

    it('HTTP + NTLM message encryption: a command outliving OperationTimeout is polled through TimedOut faults', async () => {
      const script = "Start-Sleep -Milliseconds 2600; 'done'";
      const run = await runPywinrm({ ...httpNtlm, operation_timeout_sec: 1, read_timeout_sec: 5 }, [
        { op: 'open' },
        {
          op: 'run',
          command: `powershell -NoProfile -NonInteractive -EncodedCommand ${encodeScript(script)}`,
        },
        { op: 'output' },
        { op: 'cleanup' },
        { op: 'close' },
      ]);
      expect(run.results[2]).toMatchObject({ code: 0 });
      expect(b64decode(run.results[2]?.stdout)).toBe('done\r\n');
      expect(run.timeouts).toBeGreaterThanOrEqual(1);
    });

    it('Signal terminate kills the running process', async () => {
      const pidFile = path.join(tempDir, 'pid.txt');
      const script = `Set-Content -Path '${pidFile}' -Value $PID -NoNewline; Start-Sleep -Seconds 60`;
      const run = await runPywinrm(httpsBasic, [
        { op: 'open' },
        { op: 'run', command: `powershell -EncodedCommand ${encodeScript(script)}` },
        { op: 'wait_file', path: pidFile },
        { op: 'cleanup' },
        { op: 'close' },
      ]);
      expect(run.results.map((r) => r.error)).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      await expect.poll(alive, { timeout: 3000 }).toBe(false);
    });

    it('a wrong password is a 401 over Basic and over NTLM', async () => {
      const [basic, ntlm] = await Promise.all([
        runPywinrm({ ...httpsBasic, password: 'wrong' }, [{ op: 'open' }]),
        runPywinrm({ ...httpNtlm, password: 'wrong' }, [{ op: 'open' }]),
      ]);
      for (const run of [basic, ntlm]) {
        expect(run.results[0]).toMatchObject({
          error: 'InvalidCredentialsError',
          message: 'the specified credentials were rejected by the server',
        });
      }
    });

    it('plain HTTP is refused: unencrypted NTLM SOAP gets a bodiless 500, Basic a 401', async () => {
      const [clear, basic] = await Promise.all([
        runPywinrm({ ...httpNtlm, message_encryption: 'never' }, [{ op: 'open' }]),
        runPywinrm({ ...httpNtlm, transport: 'plaintext', message_encryption: 'auto' }, [
          { op: 'open' },
        ]),
      ]);
      expect(clear.results[0]).toMatchObject({
        error: 'WinRMTransportError',
        message: expect.stringContaining('Code 500'),
      });
      expect(basic.results[0]).toMatchObject({ error: 'InvalidCredentialsError' });
    });

    it('an unknown ShellId is the shell-not-found fault 2150858843', async () => {
      const run = await runPywinrm(httpNtlm, [
        { op: 'run', shell: '11111111-2222-3333-4444-555555555555', command: 'echo hi' },
      ]);
      expect(run.results[0]?.error).toBe('WinRMError');
      expect(run.results[0]?.message).toMatch(
        /ShellId 11111111-2222-3333-4444-555555555555 failed because the shell was not found/,
      );
      expect(run.results[0]?.message).toContain("'wsmanfault_code': '2150858843'");
      expect(run.results[0]?.message).toContain("'fault_subcode': 'w:InvalidSelectors'");
    });

    it('a non-administrator authenticates and is then denied (fault code 5)', async () => {
      const run = await runPywinrm(
        { ...httpNtlm, username: reader.user, password: reader.password },
        [{ op: 'open' }],
      );
      expect(run.results[0]?.error).toBe('WinRMError');
      expect(run.results[0]?.message).toMatch(/^Access is denied\./);
      expect(run.results[0]?.message).toContain("'wsmanfault_code': '5'");
      expect(run.results[0]?.message).toContain("'http_status_code': 500");
    });

    it('a run_ps-sized script over cmd.exe fails with "The command line is too long."', async () => {
      const script = `'${'x'.repeat(3100)}'`;
      const run = await runPywinrm(httpsBasic, [
        { op: 'open' },
        { op: 'run', command: `powershell -encodedcommand ${encodeScript(script)}` },
        { op: 'output' },
        { op: 'cleanup' },
        { op: 'close' },
      ] satisfies PyAction[]);
      expect(run.results[2]).toMatchObject({ code: 1, stdout: '' });
      expect(b64decode(run.results[2]?.stderr)).toBe('The command line is too long.\r\n');
    });
  },
);
