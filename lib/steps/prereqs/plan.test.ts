// plan() is pure: canned checks in, operations out.
import { describe, expect, it } from 'vitest';
import type { Check } from '@/lib/engine/types';
import type { StepContext } from '../context';
import { checksFrom } from './checks';
import { healthy, inv } from './fixtures.test-helper';
import { step } from './index';
import { planFrom } from './plan';

const SCRIPT = 'Install-WindowsFeature -Name Failover-Clustering -IncludeManagementTools';
const check = (id: string, target: string, status: Check['status'], remediation?: string): Check => ({ id, title: id, target, status, evidence: `${id} read`, ...(remediation ? { remediation } : {}) });

describe('prereqs plan', () => {
  it('is empty when every check passes or only warns', () => {
    expect(planFrom([check('feature-failover-clustering', 'SQLNODE1', 'pass'), check('dns-free-ssismaster', 'SSISMASTER', 'warn')], SCRIPT, 'SSISCLU')).toEqual([]);
  });

  it('plans the feature install as the one PowerShell operation, medium risk, showing the script that runs', () => {
    const ops = planFrom([check('feature-failover-clustering', 'SQLNODE2', 'fail', 'install it')], SCRIPT, 'SSISCLU');
    expect(ops).toEqual([
      { id: 'install-failover-clustering@SQLNODE2', target: 'SQLNODE2', kind: 'powershell', summary: 'Install Failover Clustering with its management tools on SQLNODE2 (no restart)', script: SCRIPT, risk: 'medium' },
    ]);
  });

  it('makes every other failure a manual operation carrying its instructions; unknown checks plan nothing', () => {
    const ops = planFrom(
      [
        check('restart-pending', 'SQLNODE1', 'fail', 'Restart-Computer -ComputerName SQLNODE1 -Force'),
        check('hadr-enabled', 'SQLNODE2', 'fail', "Enable-SqlAlwaysOn -ServerInstance 'SQLNODE2' -Force"),
        check('cluster-node-up', 'SQLNODE2', 'fail', 'Resume-ClusterNode -Name SQLNODE2'),
        check('winrm-reachable', 'SQLNODE1', 'fail', 'check the password'),
        check('cluster-membership', 'SQLNODE1', 'unknown'),
        check('dns-free-ssismaster', 'SSISMASTER', 'fail'),
      ],
      SCRIPT,
      'SSISCLU',
    );
    expect(ops.map((o) => [o.id, o.kind, o.risk])).toEqual([
      ['restart-pending@SQLNODE1', 'manual', 'medium'],
      ['hadr-enabled@SQLNODE2', 'manual', 'medium'],
      ['cluster-node-up@SQLNODE2', 'manual', 'low'],
      ['winrm-reachable@SQLNODE1', 'manual', 'low'],
    ]);
    expect(ops[0]?.summary).toContain('never restarts');
    expect(ops[1]?.script).toBe("Enable-SqlAlwaysOn -ServerInstance 'SQLNODE2' -Force");
  });

  it('one "create the cluster" operation for all nodes outside any cluster, next to each node\'s feature install', () => {
    const none = { cluster: null, nodes: [], clusterModule: false, features: [{ name: 'Failover-Clustering', state: 'Available' }] };
    const checks = checksFrom(inv, [healthy('SQLNODE1', none), healthy('SQLNODE2', none)]);
    const ops = planFrom(checks, SCRIPT, 'SSISCLU');
    expect(ops.map((o) => [o.id, o.target, o.kind])).toEqual([
      ['install-failover-clustering@SQLNODE1', 'SQLNODE1', 'powershell'],
      ['cluster-membership@SQLNODE1', 'SSISCLU', 'manual'],
      ['install-failover-clustering@SQLNODE2', 'SQLNODE2', 'powershell'],
    ]);
    expect(ops[1]?.script).toContain('New-Cluster -Name SSISCLU -Node SQLNODE1,SQLNODE2');
  });

  it('step.plan shows the checked-in install script and reads only the inventory from the context', () => {
    const ctx = { inventory: inv } as Pick<StepContext, 'inventory'> as StepContext;
    const [op] = step.plan(ctx, [check('feature-failover-clustering', 'SQLNODE1', 'fail')]);
    expect(op?.script).toContain("Install-WindowsFeature -Name 'Failover-Clustering' -IncludeManagementTools");
    expect(op?.script).not.toMatch(/-Restart\b|Restart-Computer/);
  });
});
