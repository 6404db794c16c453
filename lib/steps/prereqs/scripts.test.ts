// The step's PowerShell scripts in real pwsh against the lab's simulated Windows (through the
// prelude, not WinRM), judged by the same pure code the step uses.
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleInventory } from '@/lib/inventory/example';
import { startTestLab, type TestLab } from '@/lib/lab/windows/test-support';
import { checksFrom } from './checks';
import { probeResultSchema, type NodeReading, type ProbeResult } from './readings';
import { runScript } from './pwsh.test-helper';

const inv = { ...exampleInventory(), masterDnsName: 'SSISMASTER', masterIp: '10.0.0.50', listenerName: 'SSISAGL', listenerIps: '10.0.0.40' };
const names = ['SSISMASTER', 'SSISAGL'];
const installResult = z.object({ success: z.boolean(), restartNeeded: z.string(), exitCode: z.string(), installed: z.array(z.string()) });

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
}, 30_000);
afterAll(async () => {
  await lab.close();
});

const reading = (host: string, p: ProbeResult): NodeReading => ({ host, winrmHost: host, winrm: { ok: true, value: p }, sql: { ok: true, value: { serverName: host, version: '16.0', hadr: 1 } } });
const probeAll = () => Promise.all(['SQLNODE1', 'SQLNODE2'].map(async (h) => reading(h, (await runScript(lab, h, 'prereqs-probe.ps1', { Names: names }, probeResultSchema))[0]!)));
const byKey = (checks: ReturnType<typeof checksFrom>) => Object.fromEntries(checks.map((c) => [`${c.id}@${c.target}`, c]));

describe('prereqs-probe.ps1 and prereqs-install-clustering.ps1 on the simulated nodes', () => {
  it('reads the fresh scenario: features installed, both nodes Up in SSISCLU, the names free', async () => {
    const readings = await probeAll();
    const p = readings[0]!.winrm.ok ? readings[0]!.winrm.value : null;
    expect(p).toMatchObject({ computerName: 'SQLNODE1', cluster: 'SSISCLU', clusterModule: true, featureError: null, clusterError: null });
    expect(p?.nodes).toEqual([{ name: 'SQLNODE1', state: 'Up' }, { name: 'SQLNODE2', state: 'Up' }]);
    expect(p?.dns.map((d) => [d.name, d.found])).toEqual([['SSISMASTER', false], ['SSISAGL', false]]);
    const checks = checksFrom(inv, readings);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(byKey(checks)['feature-failover-clustering@SQLNODE1']?.evidence).toBe('Failover-Clustering: Installed; RSAT-Clustering-PowerShell: Installed; RSAT-Clustering-Mgmt: Installed');
  }, 60_000);

  it('a node without the feature fails; the install reports RestartNeeded and is idempotent; the restart check then fails', async () => {
    const store = lab.state.store;
    for (const f of ['Failover-Clustering', 'RSAT-Clustering', 'RSAT-Clustering-Mgmt', 'RSAT-Clustering-PowerShell']) store.setFeatureState('SQLNODE2', f, 'Available');
    // Someone else's computer holds the client access point's name.
    store.registerDns('SSISMASTER', '10.0.0.99', 'lab.test');
    const before = byKey(checksFrom(inv, await probeAll()));
    expect(before['feature-failover-clustering@SQLNODE2']).toMatchObject({ status: 'fail', evidence: 'Failover-Clustering: Available; RSAT-Clustering-PowerShell: Available; RSAT-Clustering-Mgmt: Available' });
    // SQLNODE2 cannot read the cluster now, but SQLNODE1 still lists it.
    expect(before['cluster-membership@SQLNODE2']).toMatchObject({ status: 'pass' });
    expect(before['cluster-membership@SQLNODE2']?.evidence).toContain('Listed as a node of SSISCLU by SQLNODE1');
    expect(before['dns-free-ssismaster@SSISMASTER']).toMatchObject({ status: 'warn' });
    expect(before['dns-free-ssismaster@SSISMASTER']?.evidence).toContain('10.0.0.99');

    const [first, again] = await runScript(lab, 'SQLNODE2', 'prereqs-install-clustering.ps1', {}, installResult, 2);
    expect(first).toMatchObject({ success: true, restartNeeded: 'Yes', exitCode: 'SuccessRestartRequired' });
    expect(first?.installed).toEqual(expect.arrayContaining(['Failover-Clustering', 'RSAT-Clustering-PowerShell', 'RSAT-Clustering-Mgmt']));
    expect(again).toMatchObject({ success: true, restartNeeded: 'No', exitCode: 'NoChangeNeeded', installed: [] });
    expect(store.host('SQLNODE2')).toMatchObject({ up: true, pendingReboot: true });

    const after = byKey(checksFrom(inv, await probeAll()));
    expect(after['feature-failover-clustering@SQLNODE2']?.status).toBe('pass');
    expect(after['restart-pending@SQLNODE2']).toMatchObject({ status: 'fail', evidence: expect.stringContaining('Failover-Clustering: InstallPending') });
    expect(after['restart-pending@SQLNODE2']?.remediation).toContain('Restart-Computer -ComputerName SQLNODE2');
  }, 90_000);
});
