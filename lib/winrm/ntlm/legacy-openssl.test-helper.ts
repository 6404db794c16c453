import { execFileSync } from 'node:child_process';

/**
 * OpenSSL's own MD4/RC4, run in a child Node started with --openssl-legacy-provider: an
 * independent implementation to compare ours with.
 */
export function runLegacyOpenSsl(script: string, input: unknown): unknown {
  const out = execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
  });
  return JSON.parse(out) as unknown;
}

function probe(): boolean {
  try {
    return (
      runLegacyOpenSsl(`require('crypto').createHash('md4');process.stdout.write('true')`, null) ===
      true
    );
  } catch {
    return false;
  }
}

export const LEGACY_OPENSSL_AVAILABLE = probe();
