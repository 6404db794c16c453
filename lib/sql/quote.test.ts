import { describe, expect, it } from 'vitest';
import { hexLiteral, quoteName, quoteNString, quoteParts } from './quote';

describe('T-SQL quoting', () => {
  it('brackets names and doubles a closing bracket', () => {
    expect(quoteName('##MS_SSISLogDBWorkerAgentLogin##')).toBe(
      '[##MS_SSISLogDBWorkerAgentLogin##]',
    );
    expect(quoteName('a]b')).toBe('[a]]b]');
    expect(quoteName("x'; DROP LOGIN sa; --")).toBe("[x'; DROP LOGIN sa; --]");
    expect(quoteParts('SSISDB', 'catalog', 'worker_agents')).toBe(
      '[SSISDB].[catalog].[worker_agents]',
    );
  });

  it('refuses names a sysname cannot hold', () => {
    expect(() => quoteName('', 'login name')).toThrow('The login name is empty');
    expect(() => quoteName('x'.repeat(129))).toThrow(/longer than 128/);
    expect(() => quoteName('a\nb')).toThrow(/control character/);
    expect(() => quoteName(' padded')).toThrow(/space/);
  });

  it('makes N-string literals that cannot be broken out of', () => {
    expect(quoteNString(`it's`)).toBe(`N'it''s'`);
    expect(quoteNString(`'); SHUTDOWN; --`)).toBe(`N'''); SHUTDOWN; --'`);
    expect(quoteNString('pässwörd€')).toBe(`N'pässwörd€'`);
    expect(() => quoteNString('a\u0000b')).toThrow(/NUL/);
  });

  it('writes SIDs as hex literals', () => {
    expect(hexLiteral(Uint8Array.from([0xde, 0xad, 0x01]))).toBe('0xDEAD01');
    expect(() => hexLiteral(new Uint8Array(0))).toThrow(/1 to 85/);
  });
});
