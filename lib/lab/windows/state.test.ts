// The Windows state and its physics without pwsh: scenarios, failover, SCM, netsh, the API's guard.

import { X509Certificate } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { WinError } from './errors';
import { netsh } from './netsh';
import { addGenericServiceRole } from './roles';
import { changeServiceAccount, startServiceCmdlet } from './services';
import { startTestLab, type TestLab } from './test-support';

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
}, 30_000);
afterAll(async () => {
  await lab.close();
});

const binding = (host: string) => lab.state.store.sslBinding(host, '0.0.0.0:8391');
const names = (host: string) => {
  const der = lab.state.store.certificate(host, 'Root', binding(host)?.certHash.toUpperCase() ?? '')?.der ?? '';
  return new X509Certificate(Buffer.from(der, 'base64')).subjectAltName ?? '';
};

describe('scenarios', () => {
  it('fresh: same master certificate on both nodes, naming SSISMASTER, domain account, no role', async () => {
    await lab.state.reset('fresh');
    const s = lab.state.snapshot();
    expect(s.hosts.map((h) => h.name)).toEqual(['SQLNODE1', 'SQLNODE2', 'WORKER1']);
    expect(binding('SQLNODE1')?.certHash).toBe(binding('SQLNODE2')?.certHash);
    expect(names('SQLNODE1')).toContain('DNS:SSISMASTER');
    expect(lab.state.store.service('SQLNODE2', 'SSISScaleOutMaster160')?.startName).toBe('LAB\\svc-ssismaster');
    expect(s.clusters[0]?.groups.map((g) => g.name)).toEqual(['Cluster Group', 'Available Storage']);
    expect(s.clusters[0]?.nodes.map((n) => n.state)).toEqual(['Up', 'Up']);
  });

  it('half-done: the role is online on SQLNODE1, MasterSettings.config points at the listener there only', async () => {
    await lab.state.reset('half-done');
    const store = lab.state.store;
    expect(store.clusterGroup('SSISCLU', 'SSISMASTER')).toMatchObject({ ownerNode: 'SQLNODE1', state: 'Online' });
    expect(store.resolveDns('SSISMASTER', 'lab.test')?.ip).toBe('10.0.0.50');
    expect(store.service('SQLNODE1', 'SSISScaleOutMaster160')).toMatchObject({ status: 'Running', startType: 'Manual' });
    expect(store.service('SQLNODE2', 'SSISScaleOutMaster160')).toMatchObject({ status: 'Stopped', startType: 'Manual' });
    const fs = await import('node:fs');
    const cfg = (h: string) => fs.readFileSync(`${store.driveRoot(h)}/Program Files/Microsoft SQL Server/160/DTS/Binn/MasterSettings.config`, 'utf8');
    expect(cfg('SQLNODE1')).toContain('<SqlServerName>SSISAGL,1433</SqlServerName>');
    expect(cfg('SQLNODE2')).toContain('<SqlServerName>SQLNODE2</SqlServerName>');
  });

  it('misconfigured: primary cert lacks SSISMASTER, secondary binds another cert under the virtual account', async () => {
    await lab.state.reset('misconfigured');
    expect(names('SQLNODE1')).not.toContain('SSISMASTER');
    expect(binding('SQLNODE1')?.certHash).not.toBe(binding('SQLNODE2')?.certHash);
    expect(lab.state.store.service('SQLNODE2', 'SSISScaleOutMaster160')?.startName).toBe('NT Service\\SSISScaleOutMaster160');
  });
});

describe('cluster physics', () => {
  it('a node going down fails its groups over; coming back it does not fail back', async () => {
    await lab.state.reset('half-done');
    lab.state.setHostUp('SQLNODE1', false);
    const store = lab.state.store;
    expect(store.clusterNodes('SSISCLU').map((n) => n.state)).toEqual(['Down', 'Up']);
    expect(store.clusterGroup('SSISCLU', 'SSISMASTER')).toMatchObject({ ownerNode: 'SQLNODE2', state: 'Online' });
    expect(store.service('SQLNODE2', 'SSISScaleOutMaster160')?.status).toBe('Running');
    lab.state.setHostUp('SQLNODE1', true);
    expect(store.clusterGroup('SSISCLU', 'SSISMASTER')?.ownerNode).toBe('SQLNODE2');
    // Manual start type: the rebooted node does not start a second master.
    expect(store.service('SQLNODE1', 'SSISScaleOutMaster160')?.status).toBe('Stopped');
  });

  it('moving to a node that is down or not a possible owner fails with the cluster error', async () => {
    await lab.state.reset('half-done');
    lab.state.setHostUp('SQLNODE2', false);
    expect(() => lab.state.moveGroup('SSISMASTER', 'SQLNODE2')).toThrow(/A cluster node is not available for this operation/);
    lab.state.setHostUp('SQLNODE2', true);
    const store = lab.state.store;
    const gs = store.clusterResources('SSISCLU', 'SSISMASTER').find((r) => r.resourceType === 'Generic Service');
    if (!gs) throw new Error('no generic service resource');
    store.putClusterResource('SSISCLU', { ...gs, possibleOwners: ['SQLNODE1'] });
    expect(() => lab.state.moveGroup('SSISMASTER', 'SQLNODE2')).toThrow(WinError);
    // SQLNODE1 is the only possible owner and already owns it: nowhere to fail over to.
    expect(() => lab.state.moveGroup('SSISMASTER')).toThrow(/not available/);
  });

  it('Add-ClusterGenericServiceRole over CredSSP works; without -StaticAddress it names the static network', async () => {
    await lab.state.reset('fresh');
    const store = lab.state.store;
    expect(() => addGenericServiceRole(store, 'SQLNODE2', { serviceName: 'SSISScaleOutMaster160', name: 'SSISMASTER' }, { remote: false, auth: 'local' })).toThrow(
      "Static network '10.0.0.0/24' was not configured. Please use -StaticAddress to use this network or -IgnoreNetwork to ignore it.",
    );
    const g = addGenericServiceRole(store, 'SQLNODE2', { serviceName: 'SSISScaleOutMaster160', name: 'SSISMASTER', staticAddress: ['10.0.0.50'] }, { remote: true, auth: 'credssp' });
    expect(g).toMatchObject({ ownerNode: 'SQLNODE2', state: 'Online' });
  });
});

describe('service control manager', () => {
  it('Change accepts a wrong password and the next start fails with a logon failure', async () => {
    await lab.state.reset('fresh');
    const store = lab.state.store;
    expect(changeServiceAccount(store, 'SQLNODE1', 'SSISScaleOutMaster160', 'LAB\\nobody', 'x')).toBe(22);
    expect(changeServiceAccount(store, 'SQLNODE1', 'SSISScaleOutMaster160', 'NT Service\\MsDtsServer160', '')).toBe(22);
    expect(changeServiceAccount(store, 'SQLNODE1', 'SSISScaleOutMaster160', 'LAB\\svc-ssismaster', 'wrong')).toBe(0);
    store.updateService('SQLNODE1', 'SSISScaleOutMaster160', { status: 'Stopped' });
    let err: unknown;
    try {
      startServiceCmdlet(store, 'SQLNODE1', 'SSISScaleOutMaster160');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ id: 'CouldNotStartService,Microsoft.PowerShell.Commands.StartServiceCommand', code: 1069 });
    expect(changeServiceAccount(store, 'SQLNODE1', 'SSISScaleOutMaster160', 'svc-ssismaster@lab.test', 'Ssis-Master-2022!')).toBe(0);
    expect(startServiceCmdlet(store, 'SQLNODE1', 'SSISScaleOutMaster160').status).toBe('Running');
  });
});

describe('netsh http sslcert', () => {
  it('refuses a certificate without a private key (1312) and an unknown context', async () => {
    await lab.state.reset('fresh');
    const store = lab.state.store;
    const worker = store.certificates('WORKER1', 'Root')[0];
    if (!worker) throw new Error('no worker cert');
    store.putCertificate('SQLNODE1', 'Root', { der: Buffer.from(worker.der, 'base64') });
    netsh(store, 'SQLNODE1', ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:8391']);
    const r = netsh(store, 'SQLNODE1', ['http', 'add', 'sslcert', 'ipport=0.0.0.0:8391', `certhash=${worker.thumbprint}`, 'appid={00000000-0000-0000-0000-000000000001}', 'certstorename=Root']);
    expect(r).toEqual({ exitCode: 1, lines: ['', 'SSL Certificate add failed, Error: 1312', 'A specified logon session does not exist. It may already have been terminated.', ''] });
    expect(netsh(store, 'SQLNODE1', ['wlan', 'show']).exitCode).toBe(1);
  });
});

describe('internal API', () => {
  it('wants the bearer token and answers Windows errors as data', async () => {
    const post = (token: string, op: string, args: unknown) =>
      fetch(`${lab.api.url}/hosts/SQLNODE1/ops/${op}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ args }) });
    expect((await post('wrong', 'service.list', {})).status).toBe(401);
    const r = await post(lab.api.token, 'dns.resolve', { name: 'nosuch' });
    expect(await r.json()).toMatchObject({ ok: false, error: { message: 'nosuch : DNS name does not exist', id: 'DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName' } });
  });
});
