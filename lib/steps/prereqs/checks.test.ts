// The pure judgement of what the nodes said: readings in, checks out.
import { describe, expect, it } from 'vitest';
import type { Check } from '@/lib/engine/types';
import { checksFrom } from './checks';
import { healthy, inv, probeResult } from './fixtures.test-helper';
import type { NodeReading } from './readings';

const get = (checks: Check[], id: string, target: string) => {
  const c = checks.find((x) => x.id === id && x.target === target);
  if (!c) throw new Error(`no check ${id}@${target}`);
  return c;
};
const dnsFound = (name: string, addresses: string[]) => ({ name, found: true, addresses, errorId: null, error: null });

describe('prereqs checks', () => {
  it('a healthy estate passes every check, with stable ids and evidence of what was read', () => {
    const checks = checksFrom(inv, [healthy('SQLNODE1'), healthy('SQLNODE2')]);
    expect(checks.every((c) => c.status === 'pass')).toBe(true);
    expect(checks.map((c) => `${c.id}@${c.target}`)).toEqual([
      ...['SQLNODE1', 'SQLNODE2'].flatMap((n) =>
        ['winrm-reachable', 'feature-failover-clustering', 'restart-pending', 'cluster-membership', 'cluster-node-up', 'sql-reachable', 'hadr-enabled'].map((id) => `${id}@${n}`),
      ),
      'dns-free-ssismaster@SSISMASTER',
      'dns-free-ssislistener@SSISLISTENER',
    ]);
    expect(get(checks, 'feature-failover-clustering', 'SQLNODE1').evidence).toBe('Failover-Clustering: Installed; RSAT-Clustering-PowerShell: Installed; RSAT-Clustering-Mgmt: Installed');
    expect(get(checks, 'cluster-membership', 'SQLNODE2').evidence).toBe('Get-Cluster: SSISCLU; nodes: SQLNODE1 (Up), SQLNODE2 (Up).');
    expect(get(checks, 'hadr-enabled', 'SQLNODE1').evidence).toBe("SERVERPROPERTY('IsHadrEnabled') = 1 on SQLNODE1.");
  });

  it('a missing feature fails; a pending install fails the restart check; Server Core without the console passes', () => {
    const r2 = healthy('SQLNODE2', {
      features: [
        { name: 'Failover-Clustering', state: 'Available' },
        { name: 'RSAT-Clustering-PowerShell', state: 'Available' },
      ],
      clusterModule: false,
      cluster: null,
      nodes: [],
    });
    const checks = checksFrom(inv, [healthy('SQLNODE1'), r2]);
    expect(get(checks, 'feature-failover-clustering', 'SQLNODE2')).toMatchObject({
      status: 'fail',
      evidence: 'Failover-Clustering: Available; RSAT-Clustering-PowerShell: Available; RSAT-Clustering-Mgmt: not listed',
    });
    // SQLNODE1 still lists SQLNODE2 as Up, so membership and state are known from the peer.
    expect(get(checks, 'cluster-membership', 'SQLNODE2').status).toBe('pass');
    expect(get(checks, 'cluster-node-up', 'SQLNODE2').evidence).toBe('SQLNODE2: Up (Get-ClusterNode on SQLNODE1).');

    const pending = checksFrom(inv, [healthy('SQLNODE1', { features: [{ name: 'Failover-Clustering', state: 'InstallPending' }, { name: 'RSAT-Clustering-PowerShell', state: 'Installed' }] }), healthy('SQLNODE2')]);
    expect(get(pending, 'feature-failover-clustering', 'SQLNODE1').status).toBe('pass');
    expect(get(pending, 'restart-pending', 'SQLNODE1')).toMatchObject({ status: 'fail', remediation: expect.stringContaining('Restart-Computer -ComputerName SQLNODE1') });
  });

  it('no cluster anywhere: membership fails with New-Cluster instructions; another cluster: evict or fix the name', () => {
    const none = { cluster: null, nodes: [], clusterError: 'The cluster service is not running.' };
    const checks = checksFrom(inv, [healthy('SQLNODE1', none), healthy('SQLNODE2', none)]);
    const m = get(checks, 'cluster-membership', 'SQLNODE1');
    expect(m).toMatchObject({ status: 'fail', evidence: 'Get-Cluster failed: The cluster service is not running.' });
    expect(m.remediation).toContain('New-Cluster -Name SSISCLU -Node SQLNODE1,SQLNODE2');
    expect(get(checks, 'cluster-node-up', 'SQLNODE1').status).toBe('unknown');

    const other = checksFrom(inv, [healthy('SQLNODE1'), healthy('SQLNODE2', { cluster: 'OTHERCLU', nodes: [{ name: 'SQLNODE2', state: 'Up' }] })]);
    const m2 = get(other, 'cluster-membership', 'SQLNODE2');
    expect(m2).toMatchObject({ status: 'fail', evidence: 'Get-Cluster: OTHERCLU; nodes: SQLNODE2 (Up).' });
    expect(m2.remediation).toContain('Remove-ClusterNode -Name SQLNODE2 -Cluster OTHERCLU');
    expect(m2.remediation).toContain('Add-ClusterNode -Cluster SSISCLU -Name SQLNODE2');
  });

  it('a paused or down node fails with the command that brings it back', () => {
    const nodes = [
      { name: 'SQLNODE1', state: 'Paused' },
      { name: 'SQLNODE2', state: 'Down' },
    ];
    const checks = checksFrom(inv, [healthy('SQLNODE1', { nodes }), healthy('SQLNODE2', { nodes })]);
    expect(get(checks, 'cluster-node-up', 'SQLNODE1')).toMatchObject({ status: 'fail', remediation: expect.stringContaining('Resume-ClusterNode -Name SQLNODE1 -Cluster SSISCLU') });
    expect(get(checks, 'cluster-node-up', 'SQLNODE2')).toMatchObject({ status: 'fail', remediation: expect.stringContaining('Start-ClusterNode -Name SQLNODE2') });
  });

  it('Always On off or unsupported fails with the Configuration Manager and Enable-SqlAlwaysOn instructions', () => {
    const off: NodeReading = { ...healthy('SQLNODE2'), sql: { ok: true, value: { serverName: 'SQLNODE2', version: '16.0', hadr: 0 } } };
    const nul: NodeReading = { ...healthy('SQLNODE1'), sql: { ok: true, value: { serverName: 'SQLNODE1', version: '16.0', hadr: null } } };
    const checks = checksFrom(inv, [nul, off]);
    const h = get(checks, 'hadr-enabled', 'SQLNODE2');
    expect(h).toMatchObject({ status: 'fail', evidence: "SERVERPROPERTY('IsHadrEnabled') = 0 on SQLNODE2." });
    expect(h.remediation).toContain("Enable-SqlAlwaysOn -ServerInstance 'SQLNODE2' -Force");
    expect(h.remediation).toContain('SQL Server Configuration Manager');
    expect(get(checks, 'hadr-enabled', 'SQLNODE1').remediation).toContain('IsHadrEnabled is NULL');
  });

  it('DNS: another computer holding a name warns with its addresses; the planned address passes; other errors are unknown', () => {
    const dns = [dnsFound('SSISMASTER', ['10.1.2.3']), dnsFound('SSISLISTENER', ['10.10.0.50'])];
    const checks = checksFrom(inv, [healthy('SQLNODE1', { dns }), healthy('SQLNODE2')]);
    expect(get(checks, 'dns-free-ssismaster', 'SSISMASTER')).toMatchObject({ status: 'warn', evidence: expect.stringContaining('10.1.2.3') });
    expect(get(checks, 'dns-free-ssislistener', 'SSISLISTENER')).toMatchObject({ status: 'pass', evidence: expect.stringContaining('planned address') });
    const timeout = [{ name: 'SSISMASTER', found: false, addresses: [], errorId: 'ERROR_TIMEOUT,Microsoft.DnsClient.Commands.ResolveDnsName', error: 'SSISMASTER : This operation returned because the timeout period expired' }];
    expect(get(checksFrom(inv, [healthy('SQLNODE1', { dns: timeout })]), 'dns-free-ssismaster', 'SSISMASTER').status).toBe('unknown');
  });

  it('an unreachable node gives failing reachability checks naming the layer, and unknown facts, never a crash', () => {
    const down: NodeReading = {
      host: 'SQLNODE2',
      winrmHost: 'sqlnode2.lab.example',
      winrm: { ok: false, error: { layer: 'auth', code: 'HTTP_UNAUTHORIZED', message: 'sqlnode2.lab.example refused the NTLM credentials (HTTP 401).' } },
      sql: { ok: false, error: { layer: 'tcp', code: 'TCP_REFUSED', message: 'SQLNODE2: connection refused.' } },
    };
    const checks = checksFrom(inv, [healthy('SQLNODE1'), down]);
    expect(get(checks, 'winrm-reachable', 'SQLNODE2')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('auth layer, HTTP_UNAUTHORIZED') });
    expect(get(checks, 'winrm-reachable', 'SQLNODE2').remediation).toContain('password');
    expect(get(checks, 'sql-reachable', 'SQLNODE2')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('tcp layer, TCP_REFUSED') });
    expect(get(checks, 'feature-failover-clustering', 'SQLNODE2').status).toBe('unknown');
    expect(get(checks, 'hadr-enabled', 'SQLNODE2').status).toBe('unknown');
    // The cluster still answers for it through SQLNODE1.
    expect(get(checks, 'cluster-node-up', 'SQLNODE2').status).toBe('pass');
    // A script failure means WinRM itself works.
    const broken: NodeReading = { ...healthy('SQLNODE1'), winrm: { ok: false, error: { layer: 'powershell', code: 'POWERSHELL_SCRIPT_FAILED', message: 'boom' } } };
    expect(get(checksFrom(inv, [broken]), 'winrm-reachable', 'SQLNODE1').status).toBe('pass');
    expect(probeResult('X').computerName).toBe('X');
  });
});
