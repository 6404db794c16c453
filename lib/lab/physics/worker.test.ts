// Workers over real mutual TLS: online when everything is right; each documented failure when
// one piece is missing (trust on the worker, names, thumbprint, trust on the current owner).

import { afterEach, describe, expect, it } from 'vitest';

import { MASTER_PORT, WORKER_SERVICE } from '@/lib/lab/windows';

import {
  AGENT_ID,
  attachWorker,
  bindOwnCertificate,
  grantMasterLogin,
  lastOnline,
  LISTENER_NAME,
  masterThumbprint,
  physicsLab,
  restartIfRunning,
  sleep,
  writeMasterSettings,
  writeWorkerSettings,
  type PhysicsLab,
} from './test-lab';

let lab: PhysicsLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

async function ready(): Promise<PhysicsLab> {
  const l = await physicsLab('half-done');
  grantMasterLogin(l);
  attachWorker(l);
  return l;
}

const outcome = (l: PhysicsLab) => l.physics.workers().find((w) => w.host === 'WORKER1');

describe('worker heartbeat', () => {
  it('a worker installed but not attached is not configured (empty MasterEndpoint)', async () => {
    lab = await physicsLab('half-done');
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'not-configured' });
    expect(lastOnline(lab)).toBeNull();
  });

  it('comes online when everything is right, and LastOnlineTime advances with every heartbeat', async () => {
    lab = await ready();
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'ok', sqlInstance: 'SQLNODE1', servedThumbprint: masterThumbprint(lab) });
    const first = lastOnline(lab);
    expect(first).not.toBeNull();
    const row = lab.engine.snapshot().ssisdb[0]?.workers.find((w) => w.id.toUpperCase() === AGENT_ID);
    expect(row).toMatchObject({ machineName: 'WORKER1', enabled: false });
    await sleep(5);
    await lab.physics.tick();
    expect(Date.parse(lastOnline(lab) ?? '')).toBeGreaterThan(Date.parse(first ?? ''));
  });

  it('a stopped worker service sends nothing', async () => {
    lab = await ready();
    lab.windows.store.updateService('WORKER1', WORKER_SERVICE, { status: 'Stopped', processId: 0 });
    await lab.physics.tick();
    expect(outcome(lab)?.outcome).toBe('service-stopped');
    expect(lastOnline(lab)).toBeNull();
  });

  it('fails with 403 after the role moves to a node that does not trust the worker certificate', async () => {
    lab = await physicsLab('half-done');
    grantMasterLogin(lab);
    attachWorker(lab, ['SQLNODE1']); // what Scale Out Manager does: only the master it talks to
    writeListenerOnBothNodes(lab);
    await lab.physics.tick();
    expect(outcome(lab)?.outcome).toBe('ok');
    lab.windows.moveGroup('SSISMASTER', 'SQLNODE2');
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: '403', message: expect.stringMatching(/Anonymous.*not in LocalMachine\\Root on SQLNODE2/) });
  });

  it('with the worker certificate trusted on every master node it survives the move', async () => {
    lab = await ready();
    writeListenerOnBothNodes(lab);
    lab.windows.moveGroup('SSISMASTER', 'SQLNODE2');
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'ok', sqlInstance: 'SQLNODE1' });
  });

  it('thumbprint mismatch: MasterHttpsCertThumbprint is not the served certificate', async () => {
    lab = await ready();
    writeWorkerSettings(lab, { masterThumbprint: '0123456789ABCDEF0123456789ABCDEF01234567' });
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'thumbprint-mismatch' });
  });

  it('the master certificate missing from the worker\'s Root store: no trust relationship', async () => {
    lab = await ready();
    lab.windows.store.removeCertificate('WORKER1', 'Root', masterThumbprint(lab));
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'tls-untrusted', message: expect.stringMatching(/Could not establish trust relationship/) });
  });

  it('name mismatch: the MasterEndpoint host is not among the names of the certificate served', async () => {
    lab = await ready();
    // The owner binds a certificate for its own name only (the misconfigured scenario's mistake).
    const own = await bindOwnCertificate(lab, 'SQLNODE1', ['SQLNODE1', 'sqlnode1.lab.test']);
    lab.windows.store.putCertificate('WORKER1', 'Root', { der: Buffer.from(lab.windows.store.certificate('SQLNODE1', 'Root', own)?.der ?? '', 'base64') });
    writeWorkerSettings(lab, { masterThumbprint: own });
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'name-mismatch', servedThumbprint: own });
  });

  it('reads WorkerSettings.config when its service starts: an edit waits for the next restart', async () => {
    lab = await ready();
    await lab.physics.tick();
    expect(outcome(lab)?.outcome).toBe('ok');
    writeWorkerSettings(lab, { endpoint: 'https://SSISMASTER:8392', restart: false });
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'ok', masterEndpoint: `https://SSISMASTER:${MASTER_PORT}` });
    restartIfRunning(lab, 'WORKER1', WORKER_SERVICE);
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'unreachable', masterEndpoint: 'https://SSISMASTER:8392' });
  });

  it('unreachable when MasterEndpoint names something other than the client access point or the wrong port', async () => {
    lab = await ready();
    writeWorkerSettings(lab, { endpoint: 'https://SSISMASTER:8392' });
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'unreachable', message: expect.stringMatching(/no endpoint listening/) });
    writeWorkerSettings(lab, { endpoint: 'https://ssismaster.lab.test:8391' });
    await lab.physics.tick();
    expect(outcome(lab)?.outcome).toBe('ok');
  });
});

function writeListenerOnBothNodes(l: PhysicsLab): void {
  // half-done leaves SQLNODE2's MasterSettings.config naming itself; the 'config' step fixes it.
  for (const h of ['SQLNODE1', 'SQLNODE2']) writeMasterSettings(l, h, LISTENER_NAME);
}
