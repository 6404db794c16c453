// The lab's simulated Windows: state (win_* tables + a folder per host), the internal API the
// PowerShell module calls, the prelude the WinRM executor prepends, and the scenarios.
export { createWindowsApi, windowsApiHandler, type WindowsApi } from './api';
export { WinError } from './errors';
export { labWindowsModulePath, windowsPrelude, windowsSessionEnv, type WindowsSessionOptions } from './prelude';
export { LAB_ACCOUNTS, MASTER_APPID, MASTER_PORT, MASTER_SERVICE, WORKER_SERVICE } from './scenario-parts';
export { LAB_TOPOLOGY, WINDOWS_SCENARIOS, isWindowsScenario, type ScenarioOptions, type WindowsScenarioName } from './scenarios';
export { WindowsState } from './state';
export { WindowsStore } from './store';
export type * from './types';
export { LAB_DNS_DOMAIN, LAB_DOMAIN } from './types';
