// The master writes worker heartbeats through the SqlServerName in its OWN MasterSettings.config,
// as its service account: the listener follows the primary; a replica name does not.

import { afterEach, describe, expect, it } from 'vitest';

import { LAB_AG } from '@/lib/lab/sql';
import { MASTER_SERVICE } from '@/lib/lab/windows';

import { sqlIdentity } from './heartbeat';
import { resolveSqlName } from './sqlnames';
import { attachWorker, grantMasterLogin, lastOnline, LISTENER_NAME, physicsLab, restartIfRunning, writeMasterSettings, type PhysicsLab } from './test-lab';

let lab: PhysicsLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const outcome = (l: PhysicsLab) => l.physics.workers().find((w) => w.host === 'WORKER1');

async function attached(): Promise<PhysicsLab> {
  const l = await physicsLab('half-done');
  grantMasterLogin(l);
  attachWorker(l);
  return l;
}

describe('master heartbeat into SSISDB', () => {
  it('fails when the owner\'s SqlServerName names a replica that is not primary; works once it names the listener', async () => {
    lab = await attached();
    // half-done: SQLNODE2's file still says SQLNODE2, a secondary of the SSISDB AG.
    lab.windows.moveGroup('SSISMASTER', 'SQLNODE2');
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'sql-failed', message: expect.stringMatching(/SqlServerName 'SQLNODE2'/) });
    expect(lastOnline(lab)).toBeNull();

    writeMasterSettings(lab, 'SQLNODE2', LISTENER_NAME);
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'ok', sqlInstance: 'SQLNODE1' });
    expect(lastOnline(lab)).not.toBeNull();
  });

  it('the listener follows an AG failover; a file naming the old primary breaks', async () => {
    lab = await attached();
    writeMasterSettings(lab, 'SQLNODE1', LISTENER_NAME);
    lab.engine.failover(LAB_AG, 'SQLNODE2');
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'ok', sqlInstance: 'SQLNODE2' });

    writeMasterSettings(lab, 'SQLNODE1', 'SQLNODE1');
    await lab.physics.tick();
    expect(outcome(lab)?.outcome).toBe('sql-failed');
  });

  it('the master reads MasterSettings.config when it starts: a new SqlServerName takes effect at the next start', async () => {
    lab = await attached();
    lab.windows.moveGroup('SSISMASTER', 'SQLNODE2');
    writeMasterSettings(lab, 'SQLNODE2', LISTENER_NAME, { restart: false });
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'sql-failed', message: expect.stringMatching(/SqlServerName 'SQLNODE2'/) });
    restartIfRunning(lab, 'SQLNODE2', MASTER_SERVICE);
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'ok', sqlInstance: 'SQLNODE1' });
    // A node that is not the owner reads the file when the role moves there (its service starts then).
    writeMasterSettings(lab, 'SQLNODE1', 'SQLNODE2', { restart: false });
    lab.windows.moveGroup('SSISMASTER', 'SQLNODE1');
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'sql-failed', message: expect.stringMatching(/SqlServerName 'SQLNODE2'/) });
  });

  it('the master\'s domain account needs a login on the replica it reaches (18456 otherwise)', async () => {
    lab = await physicsLab('half-done');
    attachWorker(lab);
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'sql-failed', message: expect.stringMatching(/18456.*Could not find a login/) });
    grantMasterLogin(lab, ['SQLNODE1']);
    await lab.physics.tick();
    expect(outcome(lab)?.outcome).toBe('ok');
    // After an AG failover the login is missing on the new primary.
    lab.engine.failover(LAB_AG, 'SQLNODE2');
    await lab.physics.tick();
    expect(outcome(lab)).toMatchObject({ outcome: 'sql-failed', message: expect.stringMatching(/SQLNODE2.*18456/) });
  });

  it('a listener name with the wrong port, or without one when the listener has another, is not found', async () => {
    lab = await physicsLab('half-done');
    expect(resolveSqlName(lab.engine, LISTENER_NAME)).toEqual({ ok: true, instance: 'SQLNODE1', via: 'listener' });
    expect(resolveSqlName(lab.engine, 'ssislistener.lab.test,1433')).toMatchObject({ ok: true, instance: 'SQLNODE1' });
    expect(resolveSqlName(lab.engine, 'SSISLISTENER,1444')).toMatchObject({ ok: false });
    expect(resolveSqlName(lab.engine, 'SQLNODE2')).toEqual({ ok: true, instance: 'SQLNODE2', via: 'instance' });
    expect(resolveSqlName(lab.engine, '.', 'SQLNODE2')).toMatchObject({ ok: true, instance: 'SQLNODE2' });
    expect(resolveSqlName(lab.engine, 'SQLNODE1\\SSIS')).toMatchObject({ ok: false });
  });

  it('the master writes its own LAST_ONLINE_TIME and MACHINE_NAME, and stops when its login is missing on the new primary', async () => {
    lab = await physicsLab('half-done');
    grantMasterLogin(lab, ['SQLNODE1']);
    writeMasterSettings(lab, 'SQLNODE1', LISTENER_NAME);
    const props = () => {
      const ssisdb = lab!.engine.st.database('SQLNODE1', 'SSISDB')!;
      return { at: lab!.engine.st.masterProperty(ssisdb.content_id, 'LAST_ONLINE_TIME'), machine: lab!.engine.st.masterProperty(ssisdb.content_id, 'MACHINE_NAME') };
    };
    await lab.physics.tick();
    expect(lab.physics.state().masterHeartbeat).toEqual({ ok: true, instance: 'SQLNODE1' });
    const first = props();
    expect(first.machine).toBe('SQLNODE1');
    expect(first.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    await new Promise((r) => setTimeout(r, 5));
    await lab.physics.tick();
    expect(props().at).not.toBe(first.at);

    // After a failover the listener leads to SQLNODE2, where the domain account has no login.
    lab.engine.failover(LAB_AG, 'SQLNODE2');
    await lab.physics.tick();
    expect(lab.physics.state().masterHeartbeat).toMatchObject({ ok: false, message: expect.stringMatching(/SQLNODE2.*18456/) });
  });

  it('a virtual service account reaches a remote SQL Server as the computer account', () => {
    expect(sqlIdentity('NT Service\\SSISScaleOutMaster160', 'SQLNODE2', 'SQLNODE1')).toBe('LAB\\SQLNODE2$');
    expect(sqlIdentity('NT Service\\SSISScaleOutMaster160', 'SQLNODE1', 'SQLNODE1')).toBe('NT Service\\SSISScaleOutMaster160');
    expect(sqlIdentity('LAB\\svc-ssismaster', 'SQLNODE2', 'SQLNODE1')).toBe('LAB\\svc-ssismaster');
  });
});
