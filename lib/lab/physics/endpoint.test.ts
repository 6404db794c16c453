// The master endpoint: present only while the master service runs on the owner of the master
// role, serving the certificate bound in HTTP.SYS on that node.

import { afterEach, describe, expect, it } from 'vitest';

import https from 'node:https';
import { X509Certificate } from 'node:crypto';

import { MASTER_SERVICE } from '@/lib/lab/windows';

import { bindOwnCertificate, masterThumbprint, physicsLab, servedThumbprint, trustCertificate, workerThumbprint, type PhysicsLab } from './test-lab';

/** GET /ClusterManagement/ with (or without) the worker's client certificate. */
function get(l: PhysicsLab, port: number, withCert: boolean): Promise<number> {
  const c = l.windows.store.certificate('WORKER1', 'My', workerThumbprint(l));
  const cert = withCert && c ? { cert: new X509Certificate(Buffer.from(c.der, 'base64')).toString(), key: c.privateKeyPem ?? '' } : {};
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, servername: 'SSISMASTER', path: '/ClusterManagement/', rejectUnauthorized: false, agent: false, ...cert }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

let lab: PhysicsLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('master endpoint', () => {
  it('is absent without a master cluster role (fresh), although the master services run', async () => {
    lab = await physicsLab('fresh');
    expect(lab.windows.store.service('SQLNODE1', MASTER_SERVICE)?.status).toBe('Running');
    await lab.physics.tick();
    expect(lab.physics.masterEndpoint()).toBeNull();
    expect(lab.physics.state().master).toMatchObject({ serving: false, reason: expect.stringMatching(/No cluster role/) });
  });

  it('answers over TLS with the owner\'s bound certificate while the role is online, refuses when the service stops', async () => {
    lab = await physicsLab('half-done');
    await lab.physics.tick();
    const ep = lab.physics.masterEndpoint();
    expect(ep).toMatchObject({ host: '127.0.0.1' });
    const port = ep?.port ?? 0;
    expect(await servedThumbprint(port)).toEqual({ thumbprint: masterThumbprint(lab) });
    expect(lab.physics.state().master).toMatchObject({ serving: true, ownerNode: 'SQLNODE1', dnsName: 'SSISMASTER', virtualPort: 8391 });

    // The service stops on the owner (role still "online" as far as the table goes): nothing listens.
    lab.windows.store.updateService('SQLNODE1', MASTER_SERVICE, { status: 'Stopped', processId: 0 });
    expect(lab.physics.masterEndpoint()).toBeNull();
    await lab.physics.tick();
    expect(await servedThumbprint(port)).toEqual({ error: 'ECONNREFUSED' });

    // Started again: the same port answers again.
    lab.windows.store.updateService('SQLNODE1', MASTER_SERVICE, { status: 'Running', processId: 4242 });
    await lab.physics.tick();
    expect(lab.physics.masterEndpoint()?.port).toBe(port);
    expect(await servedThumbprint(port)).toEqual({ thumbprint: masterThumbprint(lab) });
  });

  it('requires a client certificate trusted in Root on the current owner: 403 otherwise, 200 when trusted', async () => {
    lab = await physicsLab('half-done');
    await lab.physics.tick();
    const port = lab.physics.masterEndpoint()?.port ?? 0;
    expect(await get(lab, port, false)).toBe(403);
    expect(await get(lab, port, true)).toBe(403);
    trustCertificate(lab, { host: 'WORKER1', store: 'My', thumbprint: workerThumbprint(lab) }, 'SQLNODE1');
    expect(await get(lab, port, true)).toBe(200);
    lab.windows.moveGroup('SSISMASTER', 'SQLNODE2');
    await lab.physics.tick();
    expect(await get(lab, port, true)).toBe(403);
  });

  it('a master service running on a node that does NOT own the role serves nothing', async () => {
    lab = await physicsLab('half-done');
    lab.windows.store.updateService('SQLNODE1', MASTER_SERVICE, { status: 'Stopped', processId: 0 });
    lab.windows.store.updateService('SQLNODE2', MASTER_SERVICE, { status: 'Running', processId: 4243 });
    await lab.physics.tick();
    expect(lab.physics.masterEndpoint()).toBeNull();
  });

  it('serves the new owner\'s bound certificate after the role moves; refuses while the role is offline', async () => {
    lab = await physicsLab('half-done');
    const other = await bindOwnCertificate(lab, 'SQLNODE2', ['SQLNODE2', 'SSISMASTER']);
    expect(other).not.toBe(masterThumbprint(lab));
    await lab.physics.tick();
    const port = lab.physics.masterEndpoint()?.port ?? 0;
    expect(await servedThumbprint(port)).toEqual({ thumbprint: masterThumbprint(lab) });

    lab.windows.moveGroup('SSISMASTER', 'SQLNODE2');
    await lab.physics.tick();
    expect(lab.physics.state().master).toMatchObject({ serving: true, ownerNode: 'SQLNODE2', thumbprint: other });
    expect(await servedThumbprint(port)).toEqual({ thumbprint: other });

    // The owner goes down and the other node cannot take the role (not a possible owner): refused.
    const store = lab.windows.store;
    for (const r of store.clusterResources('SSISCLU', 'SSISMASTER')) store.putClusterResource('SSISCLU', { ...r, possibleOwners: ['SQLNODE2'] });
    lab.windows.setHostUp('SQLNODE2', false);
    expect(store.clusterGroup('SSISCLU', 'SSISMASTER')?.state).toBe('Failed');
    await lab.physics.tick();
    expect(lab.physics.masterEndpoint()).toBeNull();
    expect(await servedThumbprint(port)).toEqual({ error: 'ECONNREFUSED' });
  });

  it('without a private key for the bound certificate the endpoint does not come up', async () => {
    lab = await physicsLab('half-done');
    const store = lab.windows.store;
    const thumb = masterThumbprint(lab);
    const c = store.certificate('SQLNODE1', 'Root', thumb);
    store.removeCertificate('SQLNODE1', 'Root', thumb);
    store.putCertificate('SQLNODE1', 'Root', { der: Buffer.from(c?.der ?? '', 'base64') });
    await lab.physics.tick();
    expect(lab.physics.state().master).toMatchObject({ serving: false, reason: expect.stringMatching(/no private key/) });
  });
});
