import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LEGACY_OPENSSL_AVAILABLE, runLegacyOpenSsl } from './legacy-openssl.test-helper';
import { md4 } from './md4';

describe('md4', () => {
  // RFC 1320 appendix A.5, the test suite.
  const suite: Array<[string, string]> = [
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
      '043f8582f241db351ce627e153e7f0e4',
    ],
    ['1234567890'.repeat(8), 'e33b4ddc9c38f2199c3e7b164fcc0536'],
  ];
  it.each(suite)('RFC 1320 A.5: MD4("%s")', (input, digest) => {
    expect(md4(Buffer.from(input, 'latin1')).toString('hex')).toBe(digest);
  });

  it('gives the NT hash of "Password" from MS-NLMP 4.2.2.1.2', () => {
    expect(md4(Buffer.from('Password', 'utf16le')).toString('hex')).toBe(
      'a4f49c406510bdcab6824ee7c30fd852',
    );
  });

  it('hashes a subarray view, not the whole underlying buffer', () => {
    const backing = Buffer.from('xxabcxx', 'latin1');
    expect(md4(backing.subarray(2, 5)).toString('hex')).toBe('a448017aaf21d8525fc10ae87aa6729d');
  });

  it.skipIf(!LEGACY_OPENSSL_AVAILABLE)(
    "matches OpenSSL's legacy MD4 on every length around the padding boundaries",
    () => {
      const inputs = Array.from({ length: 200 }, (_, n) => crypto.randomBytes(n).toString('hex'));
      const expected = runLegacyOpenSsl(
        `const c=require('crypto');const a=JSON.parse(require('fs').readFileSync(0,'utf8'));` +
          `process.stdout.write(JSON.stringify(a.map(h=>c.createHash('md4').update(Buffer.from(h,'hex')).digest('hex'))))`,
        inputs,
      );
      expect(inputs.map((h) => md4(Buffer.from(h, 'hex')).toString('hex'))).toEqual(expected);
    },
  );
});
