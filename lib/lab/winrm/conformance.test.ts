/**
 * The lab's WinRM endpoints against an independent client, Debian's pywinrm 0.3.0, over EVERY
 * endpoint of a lab started with one worker (SQLNODE1, SQLNODE2, WORKER1) and EACH transport
 * (HTTPS+Basic, HTTPS+NTLM with channel binding, HTTP+NTLM with message encryption): 9
 * combinations, each one Python process running several Protocol sessions in turn
 * (testdata/pywinrm_sessions.py), all 9 at once.
 *
 * Per combination, with run_cmd's Protocol calls (open_shell, run_command, get_command_output,
 * cleanup_command, close_shell; never run_ps):
 * - a `powershell -EncodedCommand` script: exact stdout, stderr (plain text, then CLIXML) and
 *   exit code;
 * - a non-ASCII string (Latin, dash, a character outside the BMP, CJK) in a shell opened with
 *   code page 65001: through the script (UTF-16 in -EncodedCommand, UTF-8 out) and through
 *   `cmd /c echo` (the SOAP command line and back), compared byte for byte; the same echo in a
 *   code page 437 shell gives CP437 bytes and '?', so the code page is really applied;
 * - 1 MiB of numbered lines, received completely and in order;
 * - command lines of 8191 characters run, 8192 are refused as cmd.exe refuses them;
 * - a wrong password: HTTP 401;
 * - per host, plain HTTP without encryption: refused (NTLM without sealing: bodiless 500, Basic
 *   over HTTP: 401).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODES, type Mode, type TestLab, startTestLab } from '@/lib/winrm/lab.test-helper';
import { PWSH_AVAILABLE, PYTHON, PYWINRM_AVAILABLE, encodeScript, pythonEnv } from './test-support';

const CLIENT = path.join(__dirname, 'testdata', 'pywinrm_sessions.py');
/** requests would let these override server_cert_validation='ignore' (the lab certificate names the host, not 127.0.0.1). */
const PYWINRM_CA_ENV = ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'];

const NON_ASCII = 'Grüße — 𝄞 日本';
const UTF16_UNITS = [...NON_ASCII]
  .flatMap((ch) => {
    const units: string[] = [];
    for (let i = 0; i < ch.length; i++) units.push(ch.charCodeAt(i).toString(16).padStart(4, '0'));
    return units;
  })
  .join(' ');

/** stdout, an error record (CLIXML on stderr) and an exit code, plus the text round trip. */
const SCRIPT = [
  'Write-Output "host=$env:COMPUTERNAME"',
  `$s = '${NON_ASCII}'`,
  'Write-Output $s',
  // What pwsh received, as UTF-16 code units: proves the string arrived intact, not just its bytes.
  "Write-Output (($s.ToCharArray() | ForEach-Object { '{0:x4}' -f [int]$_ }) -join ' ')",
  "Write-Error 'boom from the script'",
  'exit 7',
].join('\n');

/** 16384 numbered lines of 64 bytes (CRLF included): 1 MiB exactly. */
const BIG_LINES = 16384;
const BIG_SCRIPT =
  "$w = [Console]::Out; $pad = 'x' * 56; for ($i = 0; $i -lt 16384; $i++) { $w.Write(('{0:d6}' -f $i) + $pad + \"`r`n\") }; $w.Flush()";
const bigExpected = (): string => {
  const pad = 'x'.repeat(56);
  let s = '';
  for (let i = 0; i < BIG_LINES; i++) s += `${String(i).padStart(6, '0')}${pad}\r\n`;
  return s;
};

const PS = (script: string) =>
  `powershell -NoProfile -NonInteractive -EncodedCommand ${encodeScript(script)}`;

/** `cmd /c echo <filler>` of exactly `length` characters (pywinrm joins command and args with a space). */
const echoLine = (length: number): { command: string; filler: string } => {
  const prefix = 'cmd /c echo ';
  const filler = 'y'.repeat(length - prefix.length);
  return { command: `${prefix}${filler}`, filler };
};

const result = z.object({
  shell: z.string().optional(),
  command: z.string().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  code: z.number().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
  status: z.number().nullable().optional(),
  body_bytes: z.number().nullable().optional(),
  www_authenticate: z.string().nullable().optional(),
});
type Result = z.infer<typeof result>;
const answer = z.object({ sessions: z.array(z.array(result)) });

type Action =
  | { op: 'open'; codepage?: number }
  | { op: 'run'; command: string; args?: string[] }
  | { op: 'output' | 'cleanup' | 'close' };
interface Session {
  conn: Record<string, unknown>;
  actions: Action[];
}

function runSessions(sessions: Session[]): Promise<Result[][]> {
  const env: NodeJS.ProcessEnv = { ...pythonEnv };
  for (const name of PYWINRM_CA_ENV) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [CLIENT], { env });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(answer.parse(JSON.parse(Buffer.concat(out).toString('utf8'))).sessions);
      } catch (e) {
        reject(new Error(`pywinrm client failed (${code}): ${err || String(e)}`));
      }
    });
    child.stdin.end(JSON.stringify({ sessions }));
  });
}

/** One command, run_cmd style: run, output, cleanup (the shell stays open for the next). */
const cycle = (command: string, args: string[] = []): Action[] => [
  { op: 'run', command, args },
  { op: 'output' },
  { op: 'cleanup' },
];

const bytes = (b64: string | undefined): Buffer => Buffer.from(b64 ?? '', 'base64');

interface Combination {
  host: string;
  mode: Mode;
  /**
   * [utf-8 shell, cp437 shell, wrong password, 1 MiB, (http-ntlm only) NTLM unsealed, Basic over
   * HTTP, (SQLNODE1 http-ntlm only) plain stderr then an error record]
   */
  sessions: Result[][];
  seconds: number;
}

let t: TestLab;
let combos: Combination[] = [];

beforeAll(async () => {
  if (!PWSH_AVAILABLE || !PYWINRM_AVAILABLE) return;
  t = await startTestLab(1);
  const tooLong = echoLine(8192);
  const atLimit = echoLine(8191);
  const plan = (host: string, mode: Mode): Session[] => {
    const conn = t.pywinrmConn(host, mode);
    const sessions: Session[] = [
      {
        conn,
        actions: [
          { op: 'open', codepage: 65001 },
          ...cycle(PS(SCRIPT)),
          ...cycle('cmd', ['/c', 'echo', NON_ASCII]),
          ...cycle(atLimit.command),
          ...cycle(tooLong.command),
          { op: 'close' },
        ],
      },
      {
        conn,
        actions: [
          { op: 'open', codepage: 437 },
          ...cycle('cmd', ['/c', 'echo', NON_ASCII]),
          { op: 'close' },
        ],
      },
      { conn: { ...conn, password: `${String(conn.password)}-wrong` }, actions: [{ op: 'open' }] },
      {
        conn,
        actions: [{ op: 'open', codepage: 65001 }, ...cycle(PS(BIG_SCRIPT)), { op: 'close' }],
      },
    ];
    if (mode === 'http-ntlm') {
      sessions.push(
        { conn: { ...conn, message_encryption: 'never' }, actions: [{ op: 'open' }] },
        {
          conn: { ...conn, transport: 'plaintext', message_encryption: 'auto' },
          actions: [{ op: 'open' }],
        },
      );
    }
    if (host === 'SQLNODE1' && mode === 'http-ntlm') {
      sessions.push({
        conn,
        actions: [
          { op: 'open', codepage: 65001 },
          ...cycle(PS("[Console]::Error.WriteLine('plain stderr line'); Write-Error 'after it'")),
          { op: 'close' },
        ],
      });
    }
    return sessions;
  };
  combos = await Promise.all(
    t.hosts.flatMap((host) =>
      MODES.map(async (mode) => {
        const started = Date.now();
        const sessions = await runSessions(plan(host, mode));
        return { host, mode, sessions, seconds: (Date.now() - started) / 1000 };
      }),
    ),
  );
}, 90_000);

afterAll(async () => {
  await t?.close();
});

/** The results of the main (code page 65001) session, by step. */
function utf8Steps(c: Combination) {
  const r = c.sessions[0] ?? [];
  // open, then 4 × (run, output, cleanup), then close.
  const output = (i: number): Result | undefined => r[1 + i * 3 + 1];
  return {
    all: r,
    script: output(0),
    echo: output(1),
    atLimit: output(2),
    tooLong: output(3),
  };
}

describe.skipIf(!PWSH_AVAILABLE || !PYWINRM_AVAILABLE)(
  'pywinrm 0.3.0 against every lab endpoint and transport',
  () => {
    it('covers 3 hosts × 3 transports, and every session step succeeded', () => {
      expect(t.hosts).toEqual(['SQLNODE1', 'SQLNODE2', 'WORKER1']);
      expect(combos.map((c) => `${c.host}/${c.mode}`)).toEqual(
        t.hosts.flatMap((h) => MODES.map((m) => `${h}/${m}`)),
      );
      for (const c of combos) {
        const [utf8, cp437] = c.sessions;
        expect({ at: `${c.host}/${c.mode}`, errors: utf8?.filter((r) => r.error) }).toEqual({
          at: `${c.host}/${c.mode}`,
          errors: [],
        });
        expect(utf8).toHaveLength(1 + 4 * 3 + 1);
        expect(cp437?.filter((r) => r.error)).toEqual([]);
        expect(cp437).toHaveLength(5);
      }
    });

    it('a PowerShell script: exact stdout, plain and CLIXML stderr, exit code', () => {
      for (const c of combos) {
        const { script } = utf8Steps(c);
        const at = `${c.host}/${c.mode}`;
        expect({ at, code: script?.code }).toEqual({ at, code: 7 });
        expect(bytes(script?.stdout).toString('utf8')).toBe(
          `host=${c.host}\r\n${NON_ASCII}\r\n${UTF16_UNITS}\r\n`,
        );
        const stderr = bytes(script?.stderr).toString('utf8');
        // Console.Error text first, as written; then the error record, serialized as
        // powershell.exe does when stderr is redirected (CRLF, _x000D__x000A_, no ANSI colour).
        expect(stderr.startsWith('#< CLIXML\r\n<Objs Version="1.1.0.1"')).toBe(true);
        expect(stderr.endsWith('</Objs>')).toBe(true);
        const lines = [...stderr.matchAll(/<S S="Error">(.*?)<\/S>/g)].map((m) => m[1] ?? '');
        // Each serialized error line ends with CRLF escaped as Windows writes it.
        expect(lines.length).toBeGreaterThanOrEqual(3);
        expect(lines.every((l) => l.endsWith('_x000D__x000A_'))).toBe(true);
        expect(lines.some((l) => l.endsWith(': boom from the script_x000D__x000A_'))).toBe(true);
        expect(
          lines.some((l) =>
            l.startsWith(
              '+ CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorException',
            ),
          ),
        ).toBe(true);
        expect(stderr).not.toMatch(/\u001b|_x001B_|[^\r]\n/);
      }
    });

    it(`a non-ASCII string ('${NON_ASCII}') round-trips byte for byte in code page 65001`, () => {
      const utf8 = Buffer.from(`${NON_ASCII}\r\n`, 'utf8');
      // 437 holds ü and ß; the em dash, the clef and the CJK characters become '?'
      // (the clef is one code point, so one '?').
      const cp437 = Buffer.from([...Buffer.from('Gr'), 0x81, 0xe1, ...Buffer.from('e ? ? ??\r\n')]);
      for (const c of combos) {
        const at = `${c.host}/${c.mode}`;
        const { script, echo } = utf8Steps(c);
        expect({ at, echo: bytes(echo?.stdout).toString('hex'), code: echo?.code }).toEqual({
          at,
          echo: utf8.toString('hex'),
          code: 0,
        });
        expect(
          bytes(script?.stdout).subarray(
            `host=${c.host}\r\n`.length,
            `host=${c.host}\r\n`.length + utf8.length,
          ),
        ).toEqual(utf8);
        const legacy = c.sessions[1]?.[2];
        expect({ at, cp437: bytes(legacy?.stdout).toString('hex') }).toEqual({
          at,
          cp437: cp437.toString('hex'),
        });
      }
    });

    // Over HTTPS too: pywinrm sends each request's headers and body as two TLS records, and its
    // next request can arrive while a large Receive answer is still draining (see
    // readThroughStream in server.ts and keepalive.test.ts).
    it('1 MiB of output arrives completely and in order, over every transport', () => {
      const expected = bigExpected();
      expect(expected.length).toBe(1024 * 1024);
      const outcome = combos.map((c) => {
        const [, , big] = c.sessions[3] ?? [];
        const got = bytes(big?.stdout).toString('latin1');
        const at = `${c.host}/${c.mode}`;
        if (big?.error) return `${at}: ${big.error}: ${big.message}`;
        // Equal strings: no line lost, repeated or reordered across Receive chunks.
        if (big?.code !== 0 || big.stderr !== '' || got !== expected)
          return `${at}: exit ${big?.code}, ${got.length} bytes`;
        return `${at}: complete`;
      });
      expect(outcome).toEqual(combos.map((c) => `${c.host}/${c.mode}: complete`));
      expect(new Set(combos.map((c) => c.mode))).toEqual(new Set(MODES));
    });

    // Text written to stderr before the first error record must not stop the CLIXML that follows
    // from being written as Windows does (lib/lab/winrm/console.ts finds the marker on any line).
    it('plain stderr before an error record: the CLIXML still escapes CRLF as Windows does', () => {
      const c = combos.find((x) => x.host === 'SQLNODE1' && x.mode === 'http-ntlm');
      const out = c?.sessions[6]?.[2];
      expect(out?.code).toBe(1);
      const stderr = bytes(out?.stderr).toString('utf8');
      expect(stderr.startsWith('plain stderr line\r\n#< CLIXML\r\n')).toBe(true);
      expect(stderr).toContain('_x000A_');
      expect(stderr).not.toMatch(/(?<!_x000D_)_x000A_/);
    });

    it('a command line of 8191 characters runs; 8192 is refused as cmd.exe does', () => {
      const atLimit = echoLine(8191);
      for (const c of combos) {
        const steps = utf8Steps(c);
        expect(steps.atLimit?.code).toBe(0);
        expect(bytes(steps.atLimit?.stdout).toString('utf8')).toBe(`${atLimit.filler}\r\n`);
        expect({
          at: `${c.host}/${c.mode}`,
          code: steps.tooLong?.code,
          stdout: bytes(steps.tooLong?.stdout).toString('utf8'),
          stderr: bytes(steps.tooLong?.stderr).toString('utf8'),
        }).toEqual({
          at: `${c.host}/${c.mode}`,
          code: 1,
          stdout: '',
          stderr: 'The command line is too long.\r\n',
        });
      }
    });

    it('a wrong password is answered with HTTP 401', () => {
      for (const c of combos) {
        const [wrong] = c.sessions[2] ?? [];
        expect({ at: `${c.host}/${c.mode}`, error: wrong?.error, status: wrong?.status }).toEqual({
          at: `${c.host}/${c.mode}`,
          error: 'InvalidCredentialsError',
          status: 401,
        });
        expect(wrong?.shell).toBeUndefined();
      }
    });

    it('plain HTTP without encryption is refused on every host', () => {
      const http = combos.filter((c) => c.mode === 'http-ntlm');
      expect(http.map((c) => c.host)).toEqual(t.hosts);
      for (const c of http) {
        const [unsealed] = c.sessions[4] ?? [];
        const [basic] = c.sessions[5] ?? [];
        // NTLM logon succeeds, but unencrypted SOAP is rejected: 500 with an empty body.
        expect({ host: c.host, ...pick(unsealed) }).toEqual({
          host: c.host,
          error: 'WinRMTransportError',
          status: 500,
          body_bytes: 0,
        });
        // Basic over HTTP is never accepted, even with the right password; only Negotiate is offered.
        expect({ host: c.host, ...pick(basic) }).toEqual({
          host: c.host,
          error: 'InvalidCredentialsError',
          status: 401,
          body_bytes: expect.any(Number),
        });
        expect(basic?.www_authenticate).toBe('Negotiate');
      }
    });

    it('leaves no shell open on any host', async () => {
      expect(await t.openShells()).toEqual({ SQLNODE1: 0, SQLNODE2: 0, WORKER1: 0 });
      // For the record: wall time per combination (all 9 ran at once).
      console.log(combos.map((c) => `${c.host}/${c.mode}: ${c.seconds.toFixed(1)} s`).join(', '));
    });
  },
);

const pick = (r: Result | undefined) => ({
  error: r?.error,
  status: r?.status,
  body_bytes: r?.body_bytes,
});
