import { describe, expect, it } from 'vitest';
import { cmdInnerLine, programName, splitCommandLine } from './cmdline';
import { codePage } from './codepage';
import { ConsoleInput, WindowsConsoleText } from './console';
import { cmdEcho } from './executor';
import { mapPowerShellArgs } from './powershell-args';
import { parseDurationMs, parseRequest } from './soap';
import { soapEnvelope } from './test-support';

async function through(transform: NodeJS.ReadWriteStream, chunks: Buffer[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  transform.on('data', (d: Buffer) => parts.push(d));
  const ended = new Promise((r) => transform.on('end', r));
  for (const c of chunks) transform.write(c);
  transform.end();
  await ended;
  return Buffer.concat(parts);
}

describe('Windows command lines', () => {
  it('splits like the C runtime: quotes, doubled quotes, backslashes before quotes', () => {
    expect(splitCommandLine('powershell -enc AAA=')).toEqual(['powershell', '-enc', 'AAA=']);
    expect(splitCommandLine('"C:\\Program Files\\x.exe" "a b" c\\d')).toEqual([
      'C:\\Program Files\\x.exe',
      'a b',
      'c\\d',
    ]);
    expect(splitCommandLine('a\\\\"b c" d\\"e ""')).toEqual(['a\\b c', 'd"e', '']);
    expect(splitCommandLine('"say ""hi"""')).toEqual(['say "hi"']);
  });

  it('finds the program and what cmd /c runs', () => {
    expect(programName('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe')).toBe(
      'powershell',
    );
    expect(cmdInnerLine('cmd.exe /c echo hi')).toBe('echo hi');
    expect(cmdInnerLine('CMD /S /C "powershell -enc AAA"')).toBe('powershell -enc AAA');
    expect(cmdInnerLine('powershell -c "cmd /c x"')).toBeUndefined();
  });

  it("models cmd's echo for plain text only", () => {
    expect(cmdEcho('echo hello world')).toBe('hello world\r\n');
    expect(cmdEcho('echo.')).toBe('\r\n');
    expect(cmdEcho('echo')).toBe('ECHO is on.\r\n');
    expect(cmdEcho('echo %PATH%')).toBeUndefined();
    expect(cmdEcho('echo a | more')).toBeUndefined();
    expect(cmdEcho('echoes')).toBeUndefined();
  });

  it('maps powershell.exe parameters to pwsh', () => {
    expect(
      mapPowerShellArgs([
        '-NoP',
        '-NonI',
        '-W',
        'Hidden',
        '-ExecutionPolicy',
        'Bypass',
        '-enc',
        'AAA',
      ]),
    ).toEqual({
      kind: 'run',
      args: ['-NonI', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', 'AAA'],
    });
    expect(mapPowerShellArgs(['-Command', '-'])).toEqual({ kind: 'run', args: ['-Command', '-'] });
    expect(mapPowerShellArgs(['Get-Date', '-Format', 'o'])).toEqual({
      kind: 'run',
      args: ['Get-Date', '-Format', 'o'],
    });
    expect(mapPowerShellArgs(['-f', 'x.ps1']).kind).toBe('unsupported');
  });
});

describe('console text', () => {
  it('turns LF into CRLF across chunk boundaries without doubling CRs', async () => {
    const out = await through(new WindowsConsoleText(65001), [
      Buffer.from('a\nb\r'),
      Buffer.from('\nc\n'),
      Buffer.from('d'),
    ]);
    expect(out.toString()).toBe('a\r\nb\r\nc\r\nd');
  });

  it("rewrites pwsh's CLIXML newlines the way Windows PowerShell writes them, even split mid-record", async () => {
    const clixml =
      '#< CLIXML\n<Objs><S S="Error">one_x000A_two_x000D__x000A_</S><S S="Error">x_x000A_</S></Objs>';
    const chunks = [clixml.slice(0, 30), clixml.slice(30, 47), clixml.slice(47)].map((s) =>
      Buffer.from(s),
    );
    const out = await through(new WindowsConsoleText(437), chunks);
    expect(out.toString()).toBe(
      '#< CLIXML\r\n<Objs><S S="Error">one_x000D__x000A_two_x000D__x000A_</S><S S="Error">x_x000D__x000A_</S></Objs>',
    );
  });

  it('encodes to and decodes from the shell code page', async () => {
    expect(codePage(437).encode('é€ü')).toEqual(Buffer.from([0x82, 0x3f, 0x81]));
    expect(codePage(1252).encode('é€')).toEqual(Buffer.from([0xe9, 0x80]));
    expect(codePage(437).decode(Buffer.from([0x82, 0x41]))).toBe('éA');
    const split = Buffer.from('é', 'utf8');
    const utf8 = await through(new WindowsConsoleText(65001), [
      split.subarray(0, 1),
      split.subarray(1),
    ]);
    expect(utf8.toString('utf8')).toBe('é');
    expect(
      (await through(new ConsoleInput(437), [Buffer.from([0x82, 0x0a])])).toString('utf8'),
    ).toBe('é\n');
  });
});

describe('SOAP requests', () => {
  it('reads xs:durations as WS-Man sends them', () => {
    expect(parseDurationMs('PT20S')).toBe(20_000);
    expect(parseDurationMs('PT60.000S')).toBe(60_000);
    expect(parseDurationMs('P0DT0H1M30S')).toBe(90_000);
    expect(parseDurationMs('20')).toBeUndefined();
    expect(parseDurationMs('PT')).toBeUndefined();
  });

  it('matches headers by namespace, whatever the prefix', () => {
    const xml = soapEnvelope('http://schemas.xmlsoap.org/ws/2004/09/transfer/Create', {
      options: { winrs_codepage: '65001' },
      shellId: 'ABC',
      operationTimeout: 'PT5S',
    }).replace(/\benv\b/g, 'soap12');
    const req = parseRequest(xml);
    expect(req.action).toBe('http://schemas.xmlsoap.org/ws/2004/09/transfer/Create');
    expect(req.selectors.get('ShellId')).toBe('ABC');
    expect(req.options.get('WINRS_CODEPAGE')).toBe('65001');
    expect(req.operationTimeoutMs).toBe(5000);
    expect(req.maxEnvelopeSize).toBe(153600);
  });

  it('refuses a DOCTYPE as a schema fault', () => {
    expect(() => parseRequest('<!DOCTYPE x [<!ENTITY a "b">]><x/>')).toThrow(
      expect.objectContaining({ wsmanCode: 2150858817 }),
    );
  });
});
