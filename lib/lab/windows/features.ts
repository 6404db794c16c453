// Server Manager features: a small catalog of what the wizard touches, and Install-WindowsFeature's
// effect. Failover-Clustering asks for a restart (RestartNeeded Yes, InstallPending until boot);
// the management tools are usable at once. Nothing here reboots: Restart-Computer does.

import { WinError } from './errors';
import type { WindowsStore } from './store';
import type { FeatureInstallState } from './types';

export interface FeatureDef {
  name: string;
  displayName: string;
  parent?: string;
  /** Installed along with -IncludeManagementTools. */
  managementTools?: string[];
  restartRequired?: boolean;
  featureType?: 'Role' | 'Role Service' | 'Feature';
}

export const FEATURES: readonly FeatureDef[] = [
  { name: 'Failover-Clustering', displayName: 'Failover Clustering', managementTools: ['RSAT-Clustering', 'RSAT-Clustering-Mgmt', 'RSAT-Clustering-PowerShell'], restartRequired: true },
  { name: 'NET-Framework-45-Features', displayName: '.NET Framework 4.8 Features' },
  { name: 'NET-Framework-45-Core', displayName: '.NET Framework 4.8', parent: 'NET-Framework-45-Features' },
  { name: 'RSAT', displayName: 'Remote Server Administration Tools' },
  { name: 'RSAT-Feature-Tools', displayName: 'Feature Administration Tools', parent: 'RSAT' },
  { name: 'RSAT-Clustering', displayName: 'Failover Clustering Tools', parent: 'RSAT-Feature-Tools' },
  { name: 'RSAT-Clustering-Mgmt', displayName: 'Failover Cluster Management Tools', parent: 'RSAT-Clustering' },
  { name: 'RSAT-Clustering-PowerShell', displayName: 'Failover Cluster Module for Windows PowerShell', parent: 'RSAT-Clustering' },
  { name: 'RSAT-Clustering-AutomationServer', displayName: 'Failover Cluster Automation Server', parent: 'RSAT-Clustering' },
  { name: 'RSAT-Clustering-CmdInterface', displayName: 'Failover Cluster Command Interface', parent: 'RSAT-Clustering' },
  { name: 'PowerShellRoot', displayName: 'Windows PowerShell' },
  { name: 'PowerShell', displayName: 'Windows PowerShell 5.1', parent: 'PowerShellRoot' },
  { name: 'Telnet-Client', displayName: 'Telnet Client' },
  { name: 'Web-Server', displayName: 'Web Server (IIS)', featureType: 'Role' },
];

const byName = new Map(FEATURES.map((f) => [f.name.toLowerCase(), f]));

export function featureDef(name: string): FeatureDef | undefined {
  return byName.get(name.toLowerCase());
}

function depth(f: FeatureDef): number {
  let d = 1;
  for (let p = f.parent; p; p = featureDef(p)?.parent) d++;
  return d;
}

function pathOf(f: FeatureDef): string {
  const names = [f.displayName];
  for (let p = f.parent && featureDef(f.parent); p; p = p.parent ? featureDef(p.parent) : undefined) names.unshift(p.displayName);
  return names.join('\\');
}

export interface FeatureView {
  name: string;
  displayName: string;
  installState: FeatureInstallState;
  featureType: string;
  path: string;
  depth: number;
  parent: string | null;
  subFeatures: string[];
}

export function listFeatures(store: WindowsStore, host: string): FeatureView[] {
  return FEATURES.map((f) => ({
    name: f.name,
    displayName: f.displayName,
    installState: store.featureState(host, f.name),
    featureType: f.featureType ?? 'Feature',
    path: pathOf(f),
    depth: depth(f),
    parent: f.parent ?? null,
    subFeatures: FEATURES.filter((c) => c.parent === f.name).map((c) => c.name),
  }));
}

export interface InstallResult {
  success: boolean;
  restartNeeded: 'No' | 'Yes';
  exitCode: 'Success' | 'SuccessRestartRequired' | 'NoChangeNeeded';
  featureResult: Array<{ name: string; displayName: string; restartNeeded: boolean; success: boolean }>;
}

/** Install-WindowsFeature. Unknown names fail before anything changes, as Server Manager does. */
export function installFeatures(store: WindowsStore, host: string, names: string[], includeManagementTools: boolean): InstallResult {
  const wanted: FeatureDef[] = [];
  const add = (f: FeatureDef) => {
    if (!wanted.includes(f)) wanted.push(f);
    if (f.parent) {
      const p = featureDef(f.parent);
      if (p) add(p);
    }
  };
  for (const n of names) {
    const f = featureDef(n);
    if (!f) {
      throw new WinError(`ArgumentNotValid: The role, role service, or feature name is not valid: '${n}'. The name was not found.`, {
        id: 'NameDoesNotExist,Microsoft.Windows.ServerManager.Commands.AddWindowsFeatureCommand',
        category: 'InvalidArgument',
        target: n,
      });
    }
    add(f);
    if (includeManagementTools) for (const t of f.managementTools ?? []) add(featureDef(t) as FeatureDef);
  }
  const todo = wanted.filter((f) => store.featureState(host, f.name) === 'Available' || store.featureState(host, f.name) === 'Removed');
  if (todo.length === 0) return { success: true, restartNeeded: 'No', exitCode: 'NoChangeNeeded', featureResult: [] };
  const restart = todo.some((f) => f.restartRequired === true);
  store.tx(() => {
    for (const f of todo) store.setFeatureState(host, f.name, f.restartRequired ? 'InstallPending' : 'Installed');
    if (restart) store.setHostFields(host, { pendingReboot: true });
  });
  return {
    success: true,
    restartNeeded: restart ? 'Yes' : 'No',
    exitCode: restart ? 'SuccessRestartRequired' : 'Success',
    featureResult: todo.map((f) => ({ name: f.name, displayName: f.displayName, restartNeeded: f.restartRequired === true, success: true })),
  };
}

/** What a reboot finishes: pending installs become Installed. */
export function completePendingFeatures(store: WindowsStore, host: string): void {
  for (const f of store.features(host)) {
    if (f.installState === 'InstallPending') store.setFeatureState(host, f.name, 'Installed');
    if (f.installState === 'UninstallPending') store.setFeatureState(host, f.name, 'Available');
  }
}
