// What the lab's WinRM executor needs to run a script "on" a simulated Windows host: the text to
// prepend to each PowerShell session, and the environment variables the module reads.

import path from 'node:path';

import type { WindowsApi } from './api';

/**
 * Absolute path of LabWindows.psm1. Resolved from the working directory (the repository root,
 * where the lab and the tests run) unless LAB_WINDOWS_MODULE says otherwise: bundlers move
 * module files, so import.meta.url is not a dependable anchor here.
 */
export function labWindowsModulePath(): string {
  return process.env.LAB_WINDOWS_MODULE ?? path.resolve(process.cwd(), 'lib/lab/windows/ps/LabWindows.psm1');
}

const psQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * One line (so error line numbers of the script shift by exactly one): imports the module, which
 * maps C: to the host's folder, sets COMPUTERNAME and friends, and defines the Windows-only
 * commands. Scripts must use PowerShell cmdlets (or Convert-Path) for C:\ paths: .NET file APIs
 * do not see PSDrives.
 */
export function windowsPrelude(hostName: string, options: { modulePath?: string } = {}): string {
  if (!/^[A-Za-z0-9-]{1,15}$/.test(hostName)) throw new Error(`Not a NetBIOS computer name: ${hostName}`);
  const mod = options.modulePath ?? labWindowsModulePath();
  return `$env:LAB_HOST = ${psQuote(hostName.toUpperCase())}; Import-Module -Name ${psQuote(mod)} -DisableNameChecking -ErrorAction Stop\n`;
}

export interface WindowsSessionOptions {
  /** The script arrived over WinRM (LAB_REMOTE=1). */
  remote: boolean;
  /** How the WinRM session authenticated; only credssp delegates credentials (double hop). */
  auth?: 'ntlm' | 'basic' | 'kerberos' | 'credssp';
  /** `LAB\user` of the session, for the profile folder. */
  user?: string;
}

/** Environment variables for a pwsh process that runs on `hostName`. */
export function windowsSessionEnv(api: Pick<WindowsApi, 'url' | 'token'>, hostName: string, options: WindowsSessionOptions): Record<string, string> {
  return {
    LAB_HOST: hostName.toUpperCase(),
    LAB_API_URL: api.url,
    LAB_API_TOKEN: api.token,
    LAB_REMOTE: options.remote ? '1' : '0',
    LAB_AUTH: options.remote ? (options.auth ?? 'ntlm') : 'local',
    ...(options.user ? { LAB_USER: options.user } : {}),
  };
}
