/**
 * lib/winrm: the WS-Management WinRS client every Windows-side action goes through.
 *
 *   const client = createWinrmClient({ host: 'SQLNODE1.lab.local', connectTo: '127.0.0.1:45986' },
 *     { protocol: 'https', auth: 'ntlm', user: 'LAB\\admin', password, trust: { mode: 'ca', caPem } });
 *   const { value } = await client.runPowerShell('param($Name) Get-Service $Name | Select Name, Status',
 *     { params: { Name: 'WinRM' }, schema: z.object({ Name: z.string(), Status: z.number() }) });
 *   await client.close();
 *
 * Errors are WinrmError with a closed `code` and the failing `layer` (errors.ts).
 */
import 'server-only';

export { createWinrmClient } from './client';
export {
  WinrmError,
  isWinrmError,
  type WinrmErrorCode,
  type WinrmErrorDetails,
  type WinrmLayer,
  type WsmanFault,
} from './errors';
export type {
  ClixmlRecord,
  CommandResult,
  CommandStats,
  ConnectionTestError,
  ConnectionTestResult,
  PeerCertificateSummary,
  PowerShellExe,
  PowerShellResult,
  RunCommandOptions,
  RunOptions,
  RunPowerShellOptions,
  ScriptParams,
  TlsTrust,
  WinrmAuth,
  WinrmClient,
  WinrmClientOptions,
  WinrmTarget,
} from './types';
