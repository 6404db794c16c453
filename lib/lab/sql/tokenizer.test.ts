import { describe, expect, it } from 'vitest';
import { SqlError } from './errors';
import { parseBatch } from './parse/statements';
import { quoteName, quoteString, tokenize } from './tokenizer';

describe('tokenizer', () => {
  it('drops line and nested block comments and keeps line numbers', () => {
    const toks = tokenize("SELECT 1 -- c1\n/* a /* nested */ still comment */\nSELECT 'x'");
    expect(toks.map((t) => (t.t === 'eof' ? 'eof' : `${t.t}:${String((t as { v: unknown }).v)}`))).toEqual(['ident:SELECT', 'number:1', 'ident:SELECT', 'string:x', 'eof']);
    expect(toks[2]?.line).toBe(3);
  });

  it("unescapes doubled quotes, ]] in brackets and \"\" in quoted identifiers; N'' is unicode", () => {
    const toks = tokenize(`N'it''s' [a]]b] "c""d" 'plain'`);
    expect(toks[0]).toMatchObject({ t: 'string', v: "it's", unicode: true });
    expect(toks[1]).toMatchObject({ t: 'ident', v: 'a]b', quoted: true });
    expect(toks[2]).toMatchObject({ t: 'ident', v: 'c"d', quoted: true });
    expect(toks[3]).toMatchObject({ t: 'string', v: 'plain', unicode: false });
  });

  it('reads binary literals, variables and two-character operators', () => {
    const toks = tokenize('0x0A0b @x @@SERVERNAME <> != >=');
    expect(toks[0]).toMatchObject({ t: 'binary', text: '0x0A0b' });
    expect((toks[0] as { v: Buffer }).v.toString('hex')).toBe('0a0b');
    expect(toks.slice(1, 6).map((t) => (t as { v: string }).v)).toEqual(['@x', '@@SERVERNAME', '<>', '!=', '>=']);
  });

  it('fails an unclosed string with 105 and an unclosed comment with 113', () => {
    expect(() => tokenize("SELECT 'abc")).toThrow(expect.objectContaining({ number: 105 }) as unknown as SqlError);
    expect(() => tokenize('SELECT 1 /* never closed')).toThrow(expect.objectContaining({ number: 113 }) as unknown as SqlError);
  });

  it('quotes names and strings the T-SQL way (round trip through the tokenizer)', () => {
    const nasty = "we]ird'login";
    const t = tokenize(`${quoteName(nasty)} ${quoteString(nasty)}`);
    expect(t[0]).toMatchObject({ t: 'ident', v: nasty });
    expect(t[1]).toMatchObject({ t: 'string', v: nasty });
  });
});

describe('batch parser', () => {
  it('splits statements on ; and on the next statement keyword', () => {
    const s = parseBatch('SET NOCOUNT ON SELECT 1; USE master\nSELECT 2');
    expect(s.map((x) => x.k)).toEqual(['set_option', 'select', 'use', 'select']);
  });

  it('GO is not T-SQL: after a statement it is a syntax error (102)', () => {
    expect(() => parseBatch("CREATE LOGIN [x] WITH PASSWORD = N'Abcdefg1!'\nGO")).toThrow(expect.objectContaining({ number: 102, message: "Incorrect syntax near 'GO'." }) as unknown as SqlError);
  });

  it('reports reserved words as "the keyword" (156)', () => {
    expect(() => parseBatch('SELECT FROM sys.databases')).toThrow(expect.objectContaining({ number: 156 }) as unknown as SqlError);
  });

  it('parses ALTER AVAILABILITY GROUP ... ADD LISTENER with IP list and port', () => {
    const [s] = parseBatch("ALTER AVAILABILITY GROUP [ag] ADD LISTENER N'LSNR' (WITH IP ((N'10.0.0.5', N'255.255.255.0')), PORT = 1533)");
    expect(s).toMatchObject({ k: 'ag_add_listener', ag: 'ag', dns: 'LSNR', ips: [{ ip: '10.0.0.5', mask: '255.255.255.0' }], port: 1533 });
  });
});
