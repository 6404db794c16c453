/**
 * The built-in lab's WinRM service: WS-Management/WinRS as a Windows host answers it (HTTPS with
 * Basic or NTLM, HTTP with NTLM message encryption), with command execution behind a seam. The
 * default executor runs PowerShell command lines in real PowerShell 7; the Windows simulation
 * plugs its cmdlets in through `preludeScript` (or replaces the executor).
 */
export { createWinrmServer } from './server';
export { createPwshExecutor, type PwshExecutor, type PwshExecutorOptions } from './executor';
export { finishedProcess } from './process';
export { CMD_MAX_LINE } from './operations';
export { WsmanCode } from './faults';
export type {
  CommandExecutor,
  ExecutorProcess,
  ExecutorStartRequest,
  WinrmAccount,
  WinrmListenerAddress,
  WinrmServer,
  WinrmServerOptions,
} from './types';
