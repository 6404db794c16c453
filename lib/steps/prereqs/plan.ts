// Pure: the operations that make failing checks pass. Only the feature install is the wizard's
// to run; every other failure becomes a manual operation whose script is the check's exact
// instructions (creating or joining a cluster, enabling Always On, restarting a node).
import type { Check, Operation } from '@/lib/engine/types';
import { CHECK, installOpId, isDnsCheckId } from './ids';

const SUMMARY: Record<string, (target: string) => string> = {
  [CHECK.winrm]: (t) => `Fix WinRM access to ${t}`,
  [CHECK.sql]: (t) => `Fix SQL Server access to ${t}`,
  [CHECK.restart]: (t) => `Restart ${t} to finish installing Failover Clustering (manual; the wizard never restarts a node)`,
  [CHECK.membership]: (t) => `Make ${t} a node of the cluster (manual)`,
  [CHECK.nodeUp]: (t) => `Bring cluster node ${t} Up (manual)`,
  [CHECK.hadr]: (t) => `Enable Always On availability groups on ${t} and restart the instance (manual)`,
};

export function planFrom(checks: readonly Check[], installScript: string, clusterName: string): Operation[] {
  const ops: Operation[] = [];
  for (const c of checks) {
    if (c.status !== 'fail') continue;
    if (c.id === CHECK.feature) {
      ops.push({
        id: installOpId(c.target),
        target: c.target,
        kind: 'powershell',
        summary: `Install Failover Clustering with its management tools on ${c.target} (no restart)`,
        script: installScript,
        risk: 'medium',
      });
      continue;
    }
    // A failing DNS check is never planned: a name held by another computer is a warning.
    if (isDnsCheckId(c.id)) continue;
    const script = c.remediation ?? c.evidence;
    // "Create the cluster" is the same instruction for every node outside it: one operation.
    const same = c.id === CHECK.membership ? ops.find((o) => o.id.startsWith(`${CHECK.membership}@`) && o.script === script) : undefined;
    if (same) {
      same.target = clusterName;
      same.summary = `Create cluster ${clusterName} with the master nodes (manual)`;
      continue;
    }
    ops.push({
      id: `${c.id}@${c.target.toUpperCase()}`,
      target: c.target,
      kind: 'manual',
      summary: (SUMMARY[c.id] ?? ((t: string) => `${c.title} on ${t} (manual)`))(c.target),
      script,
      risk: c.id === CHECK.restart || c.id === CHECK.hadr ? 'medium' : 'low',
    });
  }
  return ops;
}
