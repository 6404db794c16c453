// The checks from canned readings (pure): what each reading means, named by host and value.
import { describe, expect, it } from 'vitest';
import { exampleInventory } from '@/lib/inventory/example';
import { serviceNames } from '@/lib/inventory/schema';
import { workerSettingsXml } from '@/lib/lab/windows/hostfiles';
import type { NodeState } from '../master-shared/analyse';
import { analyseWorker, endpointMatches, onlineToleranceSeconds, rowOf, timeSpanSeconds } from './analyse';
import { masterCertCheck, workerChecks } from './checks';
import { workerFactsOf } from './facts';
import type { MasterResult, WorkerResult } from './read';
import type { AgentRow, CatalogRead, WorkerRead } from './read-schema';

const inventory = exampleInventory();
const env = { inventory, services: serviceNames('2022') };
const SHARED = 'C'.repeat(40);
const OWN = 'A'.repeat(40);
const AGENT = '6F2B8C1E-4D3A-4E7B-9A21-0C5D7E8F9A10';
const NOW = new Date('2026-11-26T12:00:00Z');

const master = (host: string, root: string[], bound = SHARED): MasterResult => ({
  host,
  state: { host, binding: { thumbprint: bound, appId: '', store: 'Root' }, root: new Set(root) } as unknown as NodeState,
  boundDer: 'AA==',
});
const read = (o: { endpoint?: string; master?: string; own?: string; root?: string[]; state?: string; settings?: boolean } = {}): WorkerRead => ({
  computerName: 'WORKER1',
  service: { name: 'SSISScaleOutWorker160', state: o.state ?? 'Running', startMode: 'Auto', startName: 'NT Service\\SSISScaleOutWorker160' },
  settingsPath: 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\WorkerSettings.config',
  settingsBase64:
    o.settings === false
      ? null
      : workerSettingsXml({ displayName: 'WORKER1', masterEndpoint: o.endpoint ?? 'https://SSISMASTER:8391', masterThumbprint: o.master ?? SHARED, workerThumbprint: o.own ?? OWN, agentId: AGENT.toLowerCase() }).toString('base64'),
  myCerts: [{ thumbprint: OWN, der: 'AA==', hasPrivateKey: true }],
  rootThumbprints: o.root ?? [SHARED, OWN],
});
const worker = (r: WorkerRead): WorkerResult => ({ host: 'WORKER1', state: analyseWorker('WORKER1', r) });
const row = (o: Partial<AgentRow> = {}): AgentRow => ({ WorkerAgentId: AGENT, IsEnabled: true, MachineName: 'WORKER1', LastOnlineTime: new Date(NOW.getTime() - 20_000), ...o });
const catalog = (rows: AgentRow[], canSeeAll = true): CatalogRead => ({ ok: true, server: 'SQLNODE1', via: 'SSISLISTENER (SQLNODE1)', serverTime: NOW, canSeeAll, rows });
const both = [master('SQLNODE1', [SHARED, OWN]), master('SQLNODE2', [SHARED, OWN])];
const checksOf = (w: WorkerResult, masters = both, c = catalog([row()])) => Object.fromEntries(workerChecks(env, w, masters, SHARED, c).map((x) => [x.id.split('@')[0]!, x]));

describe('worker checks', () => {
  it('a worker attached everywhere, enabled, with a recent heartbeat passes every check', () => {
    const all = workerChecks(env, worker(read()), both, SHARED, catalog([row()]));
    expect(all.map((c) => [c.id, c.status])).toEqual([
      ['worker-installed@WORKER1', 'pass'],
      ['worker-certificate@WORKER1', 'pass'],
      ['master-cert-in-root@WORKER1', 'pass'],
      ['worker-cert-on-masters@WORKER1', 'pass'],
      ['worker-settings@WORKER1', 'pass'],
      ['worker-service@WORKER1', 'pass'],
      ['worker-registered@WORKER1', 'pass'],
      ['worker-enabled@WORKER1', 'pass'],
      ['worker-online@WORKER1', 'pass'],
    ]);
    expect(all.find((c) => c.id === 'worker-online@WORKER1')?.evidence).toBe(
      "LastOnlineTime 2026-11-26T11:59:40.000Z, 20 s before the server's clock (SYSDATETIMEOFFSET() on SQLNODE1: 2026-11-26T12:00:00.000Z); heartbeat every 60 s, online within 150 s",
    );
  });

  it('the worker certificate trusted on the first node only fails, naming the node that lacks it', () => {
    const c = checksOf(worker(read()), [master('SQLNODE1', [SHARED, OWN]), master('SQLNODE2', [SHARED])]);
    expect(c['worker-cert-on-masters']).toMatchObject({ status: 'fail', evidence: `${OWN} is in LocalMachine\\Root on SQLNODE1; missing on SQLNODE2` });
    expect(c['worker-cert-on-masters']?.remediation).toContain('403 Forbidden');
    expect(workerFactsOf(c['worker-installed'])?.missingOn).toEqual(['SQLNODE2']);
  });

  it('a worker pointed at a node with another thumbprint fails, and its facts carry the two-element diff', () => {
    const c = checksOf(worker(read({ endpoint: 'https://SQLNODE1:8391', master: OWN, root: [OWN] })));
    expect(c['worker-settings']).toMatchObject({ status: 'fail', evidence: `MasterEndpoint = https://SQLNODE1:8391, MasterHttpsCertThumbprint = ${OWN}; expected https://SSISMASTER:8391 and ${SHARED}` });
    expect(c['master-cert-in-root']).toMatchObject({ status: 'fail', evidence: `${SHARED} is not in LocalMachine\\Root on WORKER1` });
    const diff = workerFactsOf(c['worker-installed'])?.settingsDiff ?? '';
    expect(diff).toContain('-  <MasterEndpoint>https://SQLNODE1:8391</MasterEndpoint>');
    expect(diff).toContain(`+  <MasterHttpsCertThumbprint>${SHARED}</MasterHttpsCertThumbprint>`);
    expect(diff).not.toMatch(/^[-+] *<WorkerHttpsCertThumbprint>/m);
  });

  it('the heartbeat: stale beyond two intervals and 30 s fails; the row is found by AgentId, not by an older row of the same machine', () => {
    const old = row({ LastOnlineTime: new Date(NOW.getTime() - 151_000) });
    expect(checksOf(worker(read()), both, catalog([old]))['worker-online']?.status).toBe('fail');
    expect(checksOf(worker(read()), both, catalog([row({ LastOnlineTime: new Date(NOW.getTime() - 150_000) })]))['worker-online']?.status).toBe('pass');
    const stranger = row({ WorkerAgentId: '11111111-2222-4333-8444-555555555555', IsEnabled: false });
    const c = checksOf(worker(read()), both, catalog([stranger]));
    expect(c['worker-registered']).toMatchObject({ status: 'fail' });
    expect(c['worker-registered']?.evidence).toContain(`No row with WorkerAgentId ${AGENT}`);
    expect(c['worker-registered']?.evidence).toContain('rows for WORKER1 with other ids: 11111111-2222-4333-8444-555555555555 (an earlier installation)');
    expect([c['worker-enabled']?.status, c['worker-online']?.status]).toEqual(['unknown', 'unknown']);
    expect(checksOf(worker(read()), both, catalog([row({ IsEnabled: false })]))['worker-enabled']).toMatchObject({ status: 'fail', evidence: `IsEnabled = 0 for ${AGENT}` });
  });

  it('an empty view for a login that may not see it is unknown, not "not registered"', () => {
    const c = checksOf(worker(read()), both, catalog([], false));
    expect(c['worker-registered']?.status).toBe('unknown');
    expect(c['worker-registered']?.evidence).toContain('neither sysadmin nor ssis_admin');
  });

  it('unreadable worker, missing service or settings, and an unreadable catalog', () => {
    const down = workerChecks(env, { host: 'WORKER1', error: 'Connection refused (TCP_REFUSED)' }, both, SHARED, catalog([]));
    expect(down).toHaveLength(9);
    expect(down.every((c) => c.status === 'unknown' && c.evidence === 'WORKER1 could not be read: Connection refused (TCP_REFUSED)')).toBe(true);
    const noFile = workerChecks(env, worker(read({ settings: false })), both, SHARED, catalog([]));
    expect(noFile.map((c) => c.status)).toEqual(['fail']);
    expect(workerFactsOf(noFile[0])?.needsSetup).toBe(true);
    const c = checksOf(worker(read()), both, { ok: false, error: 'catalog.worker_agents could not be read through SSISLISTENER: timeout' });
    expect(c['worker-online']).toMatchObject({ status: 'unknown', evidence: 'catalog.worker_agents could not be read through SSISLISTENER: timeout' });
    expect(checksOf(worker(read({ state: 'Stopped' })))['worker-service']).toMatchObject({ status: 'fail', evidence: 'SSISScaleOutWorker160: Stopped, start Auto' });
  });

  it('the master nodes must bind one certificate', () => {
    expect(masterCertCheck(both, SHARED)).toMatchObject({ status: 'pass', facts: { thumbprint: SHARED } });
    const split = masterCertCheck([master('SQLNODE1', []), master('SQLNODE2', [], OWN)], SHARED);
    expect(split).toMatchObject({ status: 'fail', evidence: `SQLNODE1: bound ${SHARED}; SQLNODE2: bound ${OWN}; shared: ${SHARED}` });
    expect(masterCertCheck([master('SQLNODE1', []), { host: 'SQLNODE2', error: 'down' }], SHARED).status).toBe('unknown');
    expect(masterCertCheck(both, null)).toMatchObject({ status: 'fail', facts: { thumbprint: null } });
  });
});

describe('reading helpers', () => {
  it('parses TimeSpans and the tolerance', () => {
    expect([timeSpanSeconds('00:01:00'), timeSpanSeconds('1.00:00:30'), timeSpanSeconds('garbage'), timeSpanSeconds(undefined, 30)]).toEqual([60, 86430, 60, 30]);
    expect(onlineToleranceSeconds(60)).toBe(150);
  });

  it('accepts the master DNS host name short or fully qualified, on the master port only', () => {
    const inv = { ...inventory, masters: [{ ...inventory.masters[0]!, fqdn: 'sqlnode1.lab.example' }] };
    expect(['https://SSISMASTER:8391', 'https://ssismaster.lab.example:8391/', 'https://SSISMASTER:8392', 'https://SQLNODE1:8391', 'http://SSISMASTER:8391', ''].map((v) => endpointMatches(inv, v))).toEqual([true, true, false, false, false, false]);
  });

  it('finds the row by machine name only when the file has no AgentId and one row matches', () => {
    const a = row();
    expect(rowOf([a], 'worker1', null)).toBe(a);
    expect(rowOf([a, row({ WorkerAgentId: 'X' })], 'WORKER1', null)).toBeNull();
  });
});
