import { describe, expect, it } from 'vitest';
import { hmacMd5, ntHash, ntowfv2, upperCaseUserName } from './hashes';

const NT = ntHash('Password');
const hex = (b: Buffer): string => b.toString('hex');

describe('NTOWFv2 case rules', () => {
  it('upper-cases the user name but keeps the domain as given', () => {
    const reference = hex(ntowfv2(NT, 'User', 'Domain'));
    expect(hex(ntowfv2(NT, 'user', 'Domain'))).toBe(reference);
    expect(hex(ntowfv2(NT, 'USER', 'Domain'))).toBe(reference);
    expect(hex(ntowfv2(NT, 'User', 'domain'))).not.toBe(reference);
    expect(hex(ntowfv2(NT, 'User', 'DOMAIN'))).not.toBe(reference);
  });

  it('hashes UTF-16LE(UPPER(user) + domain) with the NT hash as the HMAC key', () => {
    expect(ntowfv2(NT, 'alice', 'lab.local')).toEqual(
      hmacMd5(NT, Buffer.from('ALICElab.local', 'utf16le')),
    );
  });

  it('upper-cases one UTF-16 unit to one, as Windows does, never through a locale', () => {
    expect(upperCaseUserName('straße')).toBe('STRAßE'); // JS alone would give 'STRASSE'
    expect(upperCaseUserName('élodie')).toBe('ÉLODIE');
    expect(upperCaseUserName('iıİ')).toBe('IIİ');
    expect(upperCaseUserName('ﬀ')).toBe('ﬀ');
    expect(upperCaseUserName('𐐨x')).toBe('𐐨X'); // outside the BMP: left alone
  });

  it('the NT hash is MD4 of the UTF-16LE password', () => {
    expect(hex(ntHash(''))).toBe('31d6cfe0d16ae931b73c59d7e0c089c0');
  });
});
