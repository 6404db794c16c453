import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';
import { SecretBox, loadOrCreateKey, parseKey } from './secret-box';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse "battery" staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse "battery" staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('refuses a malformed stored hash', async () => {
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });
});

describe('secret box', () => {
  const box = new SecretBox(crypto.randomBytes(32));

  it('round-trips and never shows the plaintext', () => {
    const sealed = box.seal('Pa55\'"word;', 'deployment:1:secret:sql');
    expect(sealed).not.toContain('Pa55');
    expect(box.open(sealed, 'deployment:1:secret:sql')).toBe('Pa55\'"word;');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('x', 'a')).not.toBe(box.seal('x', 'a'));
  });

  it('detects tampering, a wrong key and a wrong binding', () => {
    const sealed = box.seal('secret', 'a');
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[3]!, 'base64');
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString('base64');
    expect(() => box.open(parts.join(':'), 'a')).toThrow(/could not be decrypted/);
    expect(() => new SecretBox(crypto.randomBytes(32)).open(sealed, 'a')).toThrow(/could not be decrypted/);
    expect(() => box.open(sealed, 'b')).toThrow(/could not be decrypted/);
  });

  it('creates a key file with mode 0600 once and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wizard-key-'));
    const k1 = loadOrCreateKey(dir);
    const k2 = loadOrCreateKey(dir);
    expect(k1.equals(k2)).toBe(true);
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    fs.rmSync(dir, { recursive: true });
  });

  it('prefers WIZARD_SECRET_KEY and refuses a key of the wrong size', () => {
    const hex = crypto.randomBytes(32).toString('hex');
    expect(loadOrCreateKey('/nonexistent-dir-not-used', hex).toString('hex')).toBe(hex);
    expect(() => parseKey('abcd')).toThrow(/32 bytes/);
  });
});
