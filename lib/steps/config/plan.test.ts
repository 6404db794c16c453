// plan() and the check builder from canned readings: pure, no target touched.
import { describe, expect, it } from 'vitest';
import { exampleInventory } from '@/lib/inventory/example';
import { serviceNames } from '@/lib/inventory/schema';
import { masterSettingsXml } from '@/lib/lab/windows/hostfiles';
import { configChecks, pointsAtListener } from './checks';
import { plan } from './plan';
import type { ConfigRead, ConfigReading } from './read';

const ctx = { inventory: exampleInventory(), services: serviceNames('2022') };
const env = { listenerName: 'SSISLISTENER', listenerPort: 1433, service: 'SSISScaleOutMaster160' };
const PATH = 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\MasterSettings.config';
const xml = (sqlServerName: string) => masterSettingsXml({ port: 8391, thumbprint: 'A'.repeat(40), sqlServerName }).toString('base64');
const read = (sqlServerName: string | null, over: Partial<ConfigRead> = {}): ConfigRead => ({
  computerName: 'X',
  service: { state: 'Running', startMode: 'Auto' },
  settingsPath: PATH,
  settingsBase64: sqlServerName === null ? null : xml(sqlServerName),
  role: null,
  clusterError: null,
  ...over,
});
const ok = (host: string, r: ConfigRead): ConfigReading => ({ host, ok: true, read: r });
const role = { group: 'SSISMASTER', resource: 'SQL Server Integration Services Scale Out Master 16.0', ownerNode: 'SQLNODE2', state: 'Online' };

describe('config checks', () => {
  it('accepts the listener by name or FQDN with its port, and nothing else', () => {
    for (const v of ['SSISLISTENER,1433', 'ssislistener,1433', 'ssislistener.lab.example,1433']) expect(pointsAtListener(v, env)).toBe(true);
    for (const v of ['SSISLISTENER', 'SSISLISTENER,1434', 'SQLNODE1', 'SQLNODE1,1433', 'SSISLISTENER\\INST,1433', '10.10.0.50,1433', '']) expect(pointsAtListener(v, env)).toBe(false);
  });

  it('passes on the listener, fails on a node with the diff, and says why it cannot edit', () => {
    const checks = configChecks(
      [ok('SQLNODE1', read('SSISLISTENER,1433')), ok('SQLNODE2', read('SQLNODE2')), ok('SQLNODE3', read(null)), { host: 'SQLNODE4', ok: false, error: 'TCP_REFUSED' }],
      env,
    );
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['sqlservername@SQLNODE1', 'pass'],
      ['sqlservername@SQLNODE2', 'fail'],
      ['sqlservername@SQLNODE3', 'fail'],
      ['sqlservername@SQLNODE4', 'unknown'],
    ]);
    expect(checks[1]!.evidence).toBe(`SqlServerName = SQLNODE2 in ${PATH}; the listener is SSISLISTENER,1433; SSISScaleOutMaster160 is Running here`);
    expect(checks[2]!.evidence).toBe(`${PATH} does not exist`);
    expect(checks[3]!.evidence).toContain('TCP_REFUSED');
  });

  it('a file that is not XML fails with the parser error and gets no operation', () => {
    const bad = read('x', { settingsBase64: Buffer.from('<MasterSettings><SqlServerName>').toString('base64') });
    const checks = configChecks([ok('SQLNODE1', read('SSISLISTENER,1433')), ok('SQLNODE2', bad)], env);
    expect(checks[1]!.status).toBe('fail');
    expect(checks[1]!.evidence).toMatch(/MasterSettings\.config on SQLNODE2/);
    expect(plan(ctx, checks)).toEqual([]);
  });
});

describe('config plan', () => {
  it('is empty when every node points at the listener, or could not be read', () => {
    expect(plan(ctx, configChecks([ok('SQLNODE1', read('SSISLISTENER,1433')), ok('SQLNODE2', read('ssislistener.lab.example,1433'))], env))).toEqual([]);
    expect(plan(ctx, configChecks([{ host: 'SQLNODE1', ok: false, error: 'x' }, { host: 'SQLNODE2', ok: false, error: 'x' }], env))).toEqual([]);
  });

  it('without a role: edit every wrong file and restart where the service is running', () => {
    const stopped = read('SQLNODE2', { service: { state: 'Stopped', startMode: 'Manual' } });
    const ops = plan(ctx, configChecks([ok('SQLNODE1', read('SQLNODE1')), ok('SQLNODE2', stopped)], env));
    expect(ops.map((o) => [o.id, o.kind, o.target])).toEqual([
      ['sqlservername@SQLNODE1', 'file-edit', 'SQLNODE1'],
      ['restart@SQLNODE1', 'powershell', 'SQLNODE1'],
      ['sqlservername@SQLNODE2', 'file-edit', 'SQLNODE2'],
    ]);
    expect(ops[0]!.diff).toContain(`--- ${PATH}\tcurrent\n+++ ${PATH}\tproposed`);
    // One line out, one in: nothing else in the file changes.
    expect(ops[0]!.diff!.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toHaveLength(2);
    expect(ops[0]!.diff).toContain('-  <SqlServerName>SQLNODE1</SqlServerName>\n+  <SqlServerName>SSISLISTENER,1433</SqlServerName>');
    expect(ops[0]!.summary).toBe(`Set SqlServerName to SSISLISTENER,1433 (was SQLNODE1) in ${PATH} on SQLNODE1 (backup first)`);
    expect(ops[0]!.script).toContain('# master-write-settings.ps1 on SQLNODE1, parameters:');
    expect(ops[0]!.script).toContain('Move-Item -LiteralPath $temp -Destination $Path -Force');
    expect(ops[1]!.script).toContain("#   ServiceName = 'SSISScaleOutMaster160'");
  });

  it('with the role: only its owner restarts (by cycling the role), whatever the other nodes run', () => {
    // SQLNODE1 still runs the service by hand, but the cluster runs the role on SQLNODE2.
    const ops = plan(ctx, configChecks([ok('SQLNODE1', read('SQLNODE1', { role })), ok('SQLNODE2', read('SQLNODE2', { role: null }))], env));
    expect(ops.map((o) => o.id)).toEqual(['sqlservername@SQLNODE1', 'sqlservername@SQLNODE2', 'restart@SQLNODE2']);
    expect(ops[2]!.summary).toBe('Cycle the cluster role of SSISScaleOutMaster160 on SQLNODE2, its owner node, so the master reads the new SqlServerName');
  });

  it('a missing SqlServerName element is added', () => {
    const noElement = read('x', { settingsBase64: Buffer.from('<?xml version="1.0" encoding="utf-8"?>\r\n<MasterSettings>\r\n  <PortNumber>8391</PortNumber>\r\n</MasterSettings>\r\n').toString('base64') });
    const ops = plan(ctx, configChecks([ok('SQLNODE1', noElement), ok('SQLNODE2', read('SSISLISTENER,1433'))], env));
    expect(ops.map((o) => o.id)).toEqual(['sqlservername@SQLNODE1', 'restart@SQLNODE1']);
    expect(ops[0]!.summary).toContain('(was missing)');
    expect(ops[0]!.diff).toContain('+  <SqlServerName>SSISLISTENER,1433</SqlServerName>');
  });
});
