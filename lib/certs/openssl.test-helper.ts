// Test-only: run the system openssl (an independent implementation) to make and check fixtures.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Run openssl with an argument vector (no shell: passwords with quotes need no escaping).
 * Throws on a non-zero exit. `stderr: true` appends stderr (where `pkcs12 -info` writes).
 */
export function openssl(
  args: string[],
  options: { cwd?: string; input?: Buffer | string; stderr?: boolean } = {},
): string {
  if (options.stderr === true) {
    const r = spawnSync('openssl', args, {
      cwd: options.cwd,
      input: options.input,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${r.stderr}`);
    return `${r.stdout}${r.stderr}`;
  }
  return execFileSync('openssl', args, {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Like openssl() but returns exit status and both streams instead of throwing. */
export function opensslResult(
  args: string[],
  options: { cwd?: string } = {},
): { ok: boolean; stdout: string; stderr: string } {
  try {
    return { ok: true, stdout: openssl(args, options), stderr: '' };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, stdout: String(err.stdout ?? ''), stderr: String(err.stderr ?? '') };
  }
}

export interface TempDir {
  dir: string;
  file: (name: string) => string;
  write: (name: string, data: Buffer | string) => string;
  read: (name: string) => Buffer;
  remove: () => void;
}

export function tempDir(prefix = 'certs-test-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    file,
    write: (name, data) => {
      writeFileSync(file(name), data);
      return file(name);
    },
    read: (name) => readFileSync(file(name)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** "SHA1 Fingerprint=AB:CD:..." -> "ABCD..." */
export function opensslFingerprint(
  certPath: string,
  hash: 'sha1' | 'sha256',
  inform: 'PEM' | 'DER' = 'PEM',
): string {
  const out = openssl([
    'x509',
    '-in',
    certPath,
    '-inform',
    inform,
    '-noout',
    '-fingerprint',
    `-${hash}`,
  ]);
  return (out.split('=')[1] ?? '').trim().replace(/:/g, '');
}

/** The "Subject:" line and the SAN line of `openssl x509 -text`. */
export function opensslText(certPath: string): {
  subject: string;
  san: string;
  signature: string;
  eku: string;
  text: string;
} {
  const text = openssl(['x509', '-in', certPath, '-noout', '-text']);
  const lineAfter = (marker: string): string => {
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.includes(marker));
    return i >= 0 ? (lines[i + 1] ?? '').trim() : '';
  };
  return {
    subject: (/^\s*Subject: (.*)$/m.exec(text)?.[1] ?? '').trim(),
    san: lineAfter('X509v3 Subject Alternative Name'),
    signature: (/Signature Algorithm: (.*)$/m.exec(text)?.[1] ?? '').trim(),
    eku: lineAfter('X509v3 Extended Key Usage'),
    text,
  };
}
