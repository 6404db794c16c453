import { describe, expect, it } from 'vitest';

import { CertError } from './errors';
import {
  cleanThumbprint,
  isThumbprint,
  normalizeThumbprint,
  tryNormalizeThumbprint,
} from './thumbprint';

const T = 'D35A6F0C3E2B1A09887766554433221100FFEEDD';

describe('normalizeThumbprint', () => {
  it('strips the invisible left-to-right mark the Windows certificate dialog prepends', () => {
    const copied = '\u200Ed3 5a 6f 0c 3e 2b 1a 09 88 77 66 55 44 33 22 11 00 ff ee dd';
    expect(copied).not.toBe(T);
    expect(normalizeThumbprint(copied)).toBe(T);
  });

  it.each([
    ['colons (openssl)', 'D3:5A:6F:0C:3E:2B:1A:09:88:77:66:55:44:33:22:11:00:FF:EE:DD'],
    ['dashes (.NET BitConverter)', 'D3-5A-6F-0C-3E-2B-1A-09-88-77-66-55-44-33-22-11-00-FF-EE-DD'],
    ['lower case', T.toLowerCase()],
    ['BOM, NBSP, RLM', `\uFEFF${T.slice(0, 10)}\u00A0${T.slice(10, 20)}\u200F${T.slice(20)}`],
    ['bidi embeddings and overrides U+202A-U+202E', `\u202A\u202B${T}\u202C\u202D\u202E`],
    ['tabs, newlines and surrounding spaces', `  ${T.slice(0, 20)}\t\n${T.slice(20)}  `],
  ])('accepts %s', (_name, input) => {
    expect(normalizeThumbprint(input)).toBe(T);
    expect(tryNormalizeThumbprint(input)).toBe(T);
  });

  it('rejects a thumbprint one character short, saying how long it is and naming the field', () => {
    let err: unknown;
    try {
      normalizeThumbprint(T.slice(1), 'MasterHttpsCertThumbprint');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CertError);
    const ce = err as CertError;
    expect(ce.code).toBe('INVALID_THUMBPRINT');
    expect(ce.label).toBe('MasterHttpsCertThumbprint');
    expect(ce.message).toContain('MasterHttpsCertThumbprint');
    expect(ce.message).toContain('39');
  });

  it('recognises a pasted SHA-256 hash and says Windows wants SHA-1', () => {
    expect(() => normalizeThumbprint('AB'.repeat(32))).toThrow(/SHA-256/);
  });

  it('rejects non-hex characters and empty input', () => {
    expect(() => normalizeThumbprint(`${T.slice(0, 39)}G`)).toThrow(/0-9 and A-F/);
    expect(() => normalizeThumbprint('\u200E  ')).toThrow(/empty/);
    expect(tryNormalizeThumbprint('not a thumbprint')).toBeNull();
  });

  it('cleanThumbprint does not validate; isThumbprint wants exactly 40 upper-case hex', () => {
    expect(cleanThumbprint('\u200Eab:cd')).toBe('ABCD');
    expect(isThumbprint(T)).toBe(true);
    expect(isThumbprint(T.toLowerCase())).toBe(false);
    expect(isThumbprint(`${T}0`)).toBe(false);
  });
});
