// Execution logging: the logging login signs in on the current primary with the password from
// CLUSTER_LOGDB_CONNECTIONSTRING and opens SSISDB.

import { afterEach, describe, expect, it } from 'vitest';

import { LAB_AG } from '@/lib/lab/sql';
import { errors, login, query, run } from '@/lib/lab/sql/test-helpers';

import { parseConnectionString } from './logging';
import { physicsLab, type PhysicsLab } from './test-lab';

let lab: PhysicsLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const LOGIN = '##MS_SSISLogDBWorkerAgentLogin##';
const PASSWORD = 'Known#LogDb2022!';

function pointAtListener(l: PhysicsLab): void {
  const s = login(l.engine, 'SQLNODE1', 'admin', 'SSISDB');
  const cs = `Data Source=SSISLISTENER,1433;Initial Catalog=SSISDB;User Id=${LOGIN};Password='${PASSWORD}';`;
  expect(errors(run(l.engine, s, `ALTER LOGIN [${LOGIN}] WITH PASSWORD = N'${PASSWORD}'`))).toEqual([]);
  expect(errors(run(l.engine, s, `EXEC catalog.update_logdb_info @server_name = N'SSISLISTENER,1433', @connection_string = N'${cs.replace(/'/g, "''")}'`))).toEqual([]);
}

function copyLoginTo(l: PhysicsLab, instance: string, sameSid: boolean): void {
  const p = login(l.engine, 'SQLNODE1');
  const sid = (query(l.engine, p, `SELECT sid FROM sys.server_principals WHERE name = N'${LOGIN}'`)[0]?.[0] as Buffer).toString('hex');
  const s = login(l.engine, instance);
  const sidClause = sameSid ? `, SID = 0x${sid}` : '';
  expect(errors(run(l.engine, s, `CREATE LOGIN [${LOGIN}] WITH PASSWORD = N'${PASSWORD}'${sidClause}, CHECK_POLICY = OFF`))).toEqual([]);
}

describe('execution logging', () => {
  it('works on the primary with the password enable_scaleout generated (half-done, before any failover)', async () => {
    lab = await physicsLab('half-done');
    expect(lab.physics.loggingWorks()).toMatchObject({ ok: true });
  });

  it('breaks after failover when the connection string names the old primary', async () => {
    lab = await physicsLab('half-done');
    copyLoginTo(lab, 'SQLNODE2', true);
    lab.engine.failover(LAB_AG, 'SQLNODE2');
    expect(lab.physics.loggingWorks()).toMatchObject({ ok: false, reason: expect.stringMatching(/not the primary/) });
  });

  it('through the listener after failover: fails without the login on the new primary, fails with another SID, works with the same SID', async () => {
    lab = await physicsLab('half-done');
    pointAtListener(lab);
    expect(lab.physics.loggingWorks()).toMatchObject({ ok: true });

    lab.engine.failover(LAB_AG, 'SQLNODE2');
    expect(lab.physics.loggingWorks()).toMatchObject({ ok: false, reason: expect.stringMatching(/state 5/) });

    copyLoginTo(lab, 'SQLNODE2', false);
    expect(lab.physics.loggingWorks()).toMatchObject({ ok: false, reason: expect.stringMatching(/state 38|database/i) });

    const s = login(lab.engine, 'SQLNODE2');
    expect(errors(run(lab.engine, s, `DROP LOGIN [${LOGIN}]`))).toEqual([]);
    copyLoginTo(lab, 'SQLNODE2', true);
    expect(lab.physics.loggingWorks()).toMatchObject({ ok: true, reason: expect.stringMatching(/SQLNODE2/) });
  });

  it('a wrong password in the connection string fails (state 8)', async () => {
    lab = await physicsLab('half-done');
    pointAtListener(lab);
    const s = login(lab.engine, 'SQLNODE1');
    expect(errors(run(lab.engine, s, `ALTER LOGIN [${LOGIN}] WITH PASSWORD = N'Another#Pass2022!'`))).toEqual([]);
    expect(lab.physics.loggingWorks()).toMatchObject({ ok: false, reason: expect.stringMatching(/state 8/) });
  });

  it('parses connection strings with quoted values', () => {
    const kv = parseConnectionString("Data Source=A,1433;User Id=##X##;Password='p;w''d';Initial Catalog=SSISDB");
    expect(kv.get('data source')).toBe('A,1433');
    expect(kv.get('user id')).toBe('##X##');
    expect(kv.get('password')).toBe("p;w'd");
    expect(kv.get('initial catalog')).toBe('SSISDB');
  });
});
