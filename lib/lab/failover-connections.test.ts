// A failover ends the connections it affects, as SQL Server does: those that came through the
// listener, and on the old primary those in the group's databases. The wizard's pooled
// connections then reconnect through the listener to the new primary instead of reading a
// secondary on a connection the real server would have closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '@/lib/sql';
import { startLabFixture, type LabFixture } from '@/lib/steps/lab-fixture.test-helper';

let f: LabFixture;
beforeAll(async () => {
  f = await startLabFixture('failover-connections');
}, 120_000);
afterAll(async () => {
  await f?.close();
});

type Tds = Record<string, { requests: number; logins: number }>;
async function logins(): Promise<Tds> {
  return ((await f.state()) as { tds: Tds }).tds;
}
const server = async (t: Parameters<typeof query>[0]) => (await query<{ s: string }>(t, 'SELECT @@SERVERNAME AS s')).rows[0]?.s;

describe('connections across a failover', () => {
  it('drops the listener’s connections and the old primary’s connections in SSISDB, keeps the others', async () => {
    const ctx = await f.use('half-done');
    const listener = ctx.sql({ listener: true }, 'SSISDB');
    const oldPrimaryMaster = ctx.sql('SQLNODE1', 'master');
    const oldPrimarySsisdb = ctx.sql('SQLNODE1', 'SSISDB');
    expect(await server(listener)).toBe('SQLNODE1');
    expect(await server(oldPrimaryMaster)).toBe('SQLNODE1');
    expect(await server(oldPrimarySsisdb)).toBe('SQLNODE1');
    const before = await logins();

    await f.control('/failover', { to: 'SQLNODE2' });

    // The pooled listener connection was closed by the failover: the next query logs in again
    // and lands on the new primary (on the old connection it would read SQLNODE1's secondary).
    expect(await server(listener)).toBe('SQLNODE2');
    const after = await logins();
    expect(after['SSISLISTENER']!.logins).toBeGreaterThan(before['SSISLISTENER']!.logins);
    // A connection to the old primary in master is not in the group: it stays.
    expect(await server(oldPrimaryMaster)).toBe('SQLNODE1');
    expect((await logins())['SQLNODE1']!.logins).toBe(before['SQLNODE1']!.logins);
    // The one in SSISDB was closed: a new one cannot open SSISDB, now a secondary without reads.
    await expect(server(oldPrimarySsisdb)).rejects.toMatchObject({ failure: { code: 'SECONDARY_NOT_READABLE' } });
  });
});
