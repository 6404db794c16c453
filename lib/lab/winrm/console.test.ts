import { describe, expect, it } from 'vitest';
import { WindowsConsoleText } from './console';

async function through(chunks: string[]): Promise<string> {
  const t = new WindowsConsoleText(65001);
  const out: Buffer[] = [];
  t.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((r) => t.on('end', r));
  for (const c of chunks) t.write(Buffer.from(c, 'utf8'));
  t.end();
  await done;
  return Buffer.concat(out).toString('utf8');
}

describe('WindowsConsoleText', () => {
  it('writes CRLF and escapes CLIXML newlines as Windows PowerShell does', async () => {
    expect(await through(['#< CLIXML\n<Objs><S S="Error">a_x000A_</S></Objs>\n'])).toBe('#< CLIXML\r\n<Objs><S S="Error">a_x000D__x000A_</S></Objs>\r\n');
  });

  it('finds the CLIXML marker after plain text, even across chunks, and leaves the plain text alone', async () => {
    expect(await through(['plain _x000A_ line\n#< CL', 'IXML\n<Objs><S S="Error">b_x000A_</S></Objs>\n'])).toBe(
      'plain _x000A_ line\r\n#< CLIXML\r\n<Objs><S S="Error">b_x000D__x000A_</S></Objs>\r\n',
    );
  });

  it('does not treat a marker inside a line as CLIXML', async () => {
    expect(await through(['say #< CLIXML _x000A_\n'])).toBe('say #< CLIXML _x000A_\r\n');
  });
});
