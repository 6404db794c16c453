import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Debian's python3, with python3-winrm 0.3.0, requests_ntlm and ntlm_auth where installed. */
export const PYTHON = '/usr/bin/python3';

/**
 * The environment for PYTHON's NTLM: ntlm_auth calls hashlib.new('md4'), which OpenSSL 3 keeps in
 * its legacy provider, so OPENSSL_CONF points at a config (written as `file` in `dir`) that
 * activates it next to the default provider. `extra` is added on top.
 */
export function legacyPythonEnv(
  dir: string,
  file = 'openssl.cnf',
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const OPENSSL_CONF = path.join(dir, file);
  fs.writeFileSync(
    OPENSSL_CONF,
    [
      'openssl_conf = openssl_init',
      '[openssl_init]',
      'providers = provider_sect',
      '[provider_sect]',
      'default = default_sect',
      'legacy = legacy_sect',
      '[default_sect]',
      'activate = 1',
      '[legacy_sect]',
      'activate = 1',
      '',
    ].join('\n'),
  );
  return { ...process.env, OPENSSL_CONF, ...extra };
}

/** Whether PYTHON exists, imports `modules` (comma-separated) and computes MD4 under `env`. */
export function pythonCanRun(env: NodeJS.ProcessEnv, modules: string): boolean {
  return (
    fs.existsSync(PYTHON) &&
    spawnSync(PYTHON, ['-c', `import hashlib, ${modules}; hashlib.new('md4')`], { env }).status ===
      0
  );
}
