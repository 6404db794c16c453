import { afterAll, describe, expect, it } from 'vitest';
import { createPwshExecutor } from './executor';
import { HOST, PWSH_AVAILABLE, encodeScript } from './test-support';
import type { ExecutorProcess, ExecutorStartRequest } from './types';

/** The default executor on its own: real pwsh made to look like powershell.exe over WinRS. */
const executor = createPwshExecutor({ preludeScript: "function Get-LabThing { 'thing' }" });
afterAll(() => executor.close());

function request(
  commandLine: string,
  extra: Partial<ExecutorStartRequest> = {},
): ExecutorStartRequest {
  return {
    hostName: HOST,
    user: 'LAB\\svc_ssis',
    command: commandLine,
    arguments: [],
    commandLine,
    codepage: 437,
    env: {},
    viaCmd: true,
    ...extra,
  };
}

async function collect(
  proc: ExecutorProcess,
): Promise<{ stdout: Buffer; stderr: Buffer; code: number }> {
  const read = async (s: NodeJS.ReadableStream) => {
    const parts: Buffer[] = [];
    for await (const chunk of s) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(parts);
  };
  const [stdout, stderr, code] = await Promise.all([
    read(proc.stdout),
    read(proc.stderr),
    proc.exit,
  ]);
  return { stdout, stderr, code };
}

describe('the default executor: things it does not start', () => {
  it('answers cmd echo itself and refuses what the lab does not simulate, on stderr with exit 1', async () => {
    const echo = await collect(executor.start(request('cmd /c echo hello  world')));
    expect(echo).toMatchObject({ code: 0 });
    expect(echo.stdout.toString()).toBe('hello  world\r\n');

    for (const line of ['cmd /c dir C:\\', 'ipconfig /all', 'cmd /c echo a > b.txt']) {
      const out = await collect(executor.start(request(line)));
      expect(out.code).toBe(1);
      expect(out.stderr.toString()).toMatch(/is not supported by the lab.*\r\n$/);
    }
    const file = await collect(
      executor.start(request('powershell.exe -NoProfile -File C:\\x.ps1')),
    );
    expect(file.code).toBe(1);
    expect(file.stderr.toString()).toContain('cannot run "powershell -File"');
  });
});

describe.skipIf(!PWSH_AVAILABLE)('the default executor with PowerShell 7', () => {
  it('keeps the script itself intact under the prelude: param(), line numbers, last-statement exit code', async () => {
    const script = [
      'param($a = 5)',
      'Get-LabThing',
      '"a=$a $env:USERDOMAIN\\$env:USERNAME on $env:COMPUTERNAME"',
      'Get-Item /no/such/lab/path',
    ].join('\n');
    const out = await collect(
      executor.start(
        request(
          `C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${encodeScript(script)}`,
        ),
      ),
    );
    expect(out.code).toBe(1);
    expect(out.stdout.toString()).toBe(`thing\r\na=5 LAB\\svc_ssis on ${HOST}\r\n`);
    const stderr = out.stderr.toString();
    expect(stderr).toMatch(
      /^#< CLIXML\r\n<Objs Version="1\.1\.0\.1" xmlns="http:\/\/schemas\.microsoft\.com\/powershell\/2004\/04">/,
    );
    // NormalView, as Windows PowerShell 5.1 writes it, with the script's own line number.
    expect(stderr).toContain(
      "Cannot find path '/no/such/lab/path' because it does not exist._x000D__x000A_</S>",
    );
    expect(stderr).toContain('At line:4 char:1_x000D__x000A_');
    expect(stderr).toContain('+ CategoryInfo          : ObjectNotFound');
    expect(stderr).not.toMatch(/[^\r]\n|_x001B_/);
  });

  it('writes the shell code page: UTF-8 under 65001', async () => {
    const out = await collect(
      executor.start(
        request('pwsh -NoProfile -Command "[char]0xE9; [char]0x20AC"', { codepage: 65001 }),
      ),
    );
    expect(out.code).toBe(0);
    expect(out.stdout.toString('utf8')).toBe('é\r\n€\r\n');
  });
});
