import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LEGACY_OPENSSL_AVAILABLE, runLegacyOpenSsl } from './legacy-openssl.test-helper';
import { Rc4, rc4 } from './rc4';

const hex = (b: Buffer): string => b.toString('hex');

describe('rc4', () => {
  it.each([
    ['Key', 'Plaintext', 'bbf316e8d940af0ad3'],
    ['Wiki', 'pedia', '1021bf0420'],
    ['Secret', 'Attack at dawn', '45a01f645fc35b383552544b9bf5'],
  ])('encrypts %s / %s', (key, plaintext, ciphertext) => {
    expect(hex(rc4(Buffer.from(key), Buffer.from(plaintext)))).toBe(ciphertext);
  });

  it('produces the RFC 6229 keystream for the 40-bit key 0102030405', () => {
    const ks = rc4(Buffer.from('0102030405', 'hex'), Buffer.alloc(4112));
    expect(hex(ks.subarray(0, 16))).toBe('b2396305f03dc027ccc3524a0a1118a8');
    expect(hex(ks.subarray(16, 32))).toBe('6982944f18fc82d589c403a47a0d0919');
    expect(hex(ks.subarray(240, 256))).toBe('28cb1132c96ce286421dcaadb8b69eae');
    expect(hex(ks.subarray(4096, 4112))).toBe('ff25b58995996707e51fbdf08b34d875');
  });

  it('keeps its keystream position across update() calls', () => {
    const key = crypto.randomBytes(16);
    const data = crypto.randomBytes(1000);
    const stream = new Rc4(key);
    const pieces = [
      stream.update(data.subarray(0, 7)),
      stream.update(data.subarray(7, 500)),
      stream.update(data.subarray(500)),
    ];
    expect(Buffer.concat(pieces)).toEqual(rc4(key, data));
  });

  it('clones an independent copy at the same position', () => {
    const a = new Rc4(Buffer.from('key'));
    a.update(Buffer.alloc(10));
    const b = a.clone();
    const fromA = a.update(Buffer.alloc(8));
    expect(b.update(Buffer.alloc(8))).toEqual(fromA);
    expect(a.update(Buffer.alloc(8))).not.toEqual(fromA);
  });

  it('decrypts what it encrypted', () => {
    const key = crypto.randomBytes(16);
    const data = crypto.randomBytes(300);
    expect(rc4(key, rc4(key, data))).toEqual(data);
  });

  it('rejects an empty key', () => {
    expect(() => new Rc4(Buffer.alloc(0))).toThrow(RangeError);
  });

  it.skipIf(!LEGACY_OPENSSL_AVAILABLE)(
    "matches OpenSSL's legacy RC4 for random keys and lengths",
    () => {
      const cases = Array.from({ length: 40 }, (_, n) => ({
        key: crypto.randomBytes(1 + (n % 32)).toString('hex'),
        data: crypto.randomBytes(n * 37).toString('hex'),
      }));
      const expected = runLegacyOpenSsl(
        `const c=require('crypto');const a=JSON.parse(require('fs').readFileSync(0,'utf8'));` +
          `process.stdout.write(JSON.stringify(a.map(t=>c.createCipheriv('rc4',Buffer.from(t.key,'hex'),null).update(Buffer.from(t.data,'hex')).toString('hex'))))`,
        cases,
      );
      expect(
        cases.map((t) => hex(rc4(Buffer.from(t.key, 'hex'), Buffer.from(t.data, 'hex')))),
      ).toEqual(expected);
    },
  );
});
