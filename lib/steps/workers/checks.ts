// The checks of step 9, from what probe read. Pure: evidence is what was read (thumbprints, the
// settings' values, the catalog row and the server's clock), never a guess.
import 'server-only';
import type { Check, CheckStatus } from '@/lib/engine/types';
import type { StoredInventory } from '@/lib/inventory/schema';
import { endpointMatches, masterAddress, onlineToleranceSeconds, rowOf, settingsEdit, type WorkerState } from './analyse';
import { withFacts, type WorkerFacts } from './facts';
import { CHECK, idAt } from './ids';
import type { CatalogRead } from './read-schema';
import type { MasterResult, WorkerResult } from './read';

export type CheckEnv = {
  inventory: Pick<StoredInventory, 'masterDnsName' | 'masterPort' | 'masters' | 'listenerName'>;
  services: { worker: string };
};

export const ALL_MASTERS = 'all master nodes';

const check = (id: string, host: string, title: string, status: CheckStatus, evidence: string, remediation?: string): Check => ({
  id: idAt(id, host),
  title,
  target: host,
  status,
  evidence,
  ...(remediation && status !== 'pass' ? { remediation } : {}),
});

export const workerCheckTitles = (env: CheckEnv, host: string): [string, string][] => [
  [CHECK.installed, `${env.services.worker} is installed with its WorkerSettings.config`],
  [CHECK.ownCert, `${host}'s own certificate (WorkerHttpsCertThumbprint) is in LocalMachine\\My with its private key`],
  [CHECK.trustsMaster, 'The master certificate is in LocalMachine\\Root'],
  [CHECK.onMasters, `${host}'s certificate is in LocalMachine\\Root on every master node`],
  [CHECK.settings, `WorkerSettings.config points at ${masterAddress(env.inventory)} and the master certificate`],
  [CHECK.service, `${env.services.worker} is running`],
  [CHECK.registered, `${host} is registered in SSISDB.catalog.worker_agents`],
  [CHECK.enabled, `${host} is enabled (catalog.enable_worker_agent)`],
  [CHECK.online, `${host} is online (LastOnlineTime is recent)`],
];

/** The master nodes serve one certificate: the one every worker trusts and names. */
export function masterCertCheck(masters: MasterResult[], shared: string | null): Check & { facts: { thumbprint: string | null } } {
  const base = { id: CHECK.masterCert, title: 'The master nodes bind one shared master certificate (steps 2 and 3)', target: ALL_MASTERS };
  const rows = masters.map((m) => ('state' in m ? `${m.host}: bound ${m.state.binding?.thumbprint ?? 'none'}` : `${m.host}: could not be read (${m.error})`));
  const evidence = rows.join('; ');
  const remediation = 'Workers trust and name one certificate: complete steps 2 and 3 so that every master node binds the same certificate, then probe again.';
  let status: CheckStatus;
  if (!shared) status = masters.some((m) => 'error' in m) && !masters.some((m) => 'state' in m) ? 'unknown' : 'fail';
  else if (masters.some((m) => 'error' in m)) status = 'unknown';
  else status = masters.every((m) => 'state' in m && m.state.binding?.thumbprint === shared) ? 'pass' : 'fail';
  return withFacts({ ...base, status, evidence: shared ? `${evidence}; shared: ${shared}` : `${evidence}; no node binds a certificate fit to share`, ...(status === 'pass' ? {} : { remediation }) }, { thumbprint: shared });
}

/** Every check of one worker. */
export function workerChecks(env: CheckEnv, r: WorkerResult, masters: MasterResult[], shared: string | null, catalog: CatalogRead): Check[] {
  const titles = Object.fromEntries(workerCheckTitles(env, r.host));
  const t = (id: string) => titles[id]!;
  if ('error' in r) {
    return workerCheckTitles(env, r.host).map(([id, title]) =>
      check(id, r.host, title, 'unknown', `${r.host} could not be read: ${r.error}`, 'Check that the worker is up and WinRM answers, then probe again.'),
    );
  }
  const w = r.state;
  const h = w.host;
  const svc = env.services.worker;
  const missingOn = w.ownCert ? masters.filter((m) => 'state' in m && !m.state.root.has(w.ownCert!.thumbprint)).map((m) => m.host) : [];
  let diff: string | null = null;
  try {
    diff = shared ? (settingsEdit(w, env.inventory, shared)?.diff ?? null) : null;
  } catch {
    diff = null;
  }
  const facts: WorkerFacts = {
    host: h,
    needsSetup: !w.service || !w.settings.bytes,
    agentId: w.settings.agentId,
    workerThumbprint: w.ownCert?.thumbprint ?? w.settings.workerThumbprint,
    settingsPath: w.settings.path,
    settingsDiff: diff,
    missingOn,
  };

  // Installed: the service and a readable WorkerSettings.config.
  const s = w.service;
  const installFix = `Install the Scale Out Worker on ${h} with SQL Server Setup (FEATURES=IS_Worker): the manual operation gives the command line.`;
  let installed: Check;
  if (!s) installed = check(CHECK.installed, h, t(CHECK.installed), 'fail', `No service ${svc} on ${h} (Win32_Service)`, installFix);
  else if (!w.settings.bytes) installed = check(CHECK.installed, h, t(CHECK.installed), 'fail', `${svc} exists, but ${w.settings.path} does not`, installFix);
  else if (w.settings.error) {
    installed = check(CHECK.installed, h, t(CHECK.installed), 'fail', w.settings.error, 'Fix the file by hand (a backup of it is the place to start): the wizard edits only well-formed files.');
  } else {
    installed = check(CHECK.installed, h, t(CHECK.installed), 'pass', `${s.name}: ${s.state}, start ${s.startMode}, logon ${s.startName}; ${w.settings.path} (AgentId ${w.settings.agentId ?? 'none'})`);
  }
  const out: Check[] = [withFacts(installed, facts)];
  if (installed.status !== 'pass') return out;

  // The worker's own client certificate.
  const wt = w.settings.workerThumbprint;
  const certFix = `The worker authenticates to the master with this certificate. Follow "Change a worker cert" (reference 8.2): a new certificate in LocalMachine\\My, its private key readable by the worker account (winhttpcertcfg -g), WorkerHttpsCertThumbprint updated; then probe again.`;
  const own = !wt
    ? check(CHECK.ownCert, h, t(CHECK.ownCert), 'fail', 'WorkerHttpsCertThumbprint is empty', certFix)
    : !w.ownCert
      ? check(CHECK.ownCert, h, t(CHECK.ownCert), 'fail', `WorkerHttpsCertThumbprint ${wt} is not in LocalMachine\\My (My holds ${w.myThumbprints.join(', ') || 'nothing'})`, certFix)
      : !w.ownCert.hasPrivateKey
        ? check(CHECK.ownCert, h, t(CHECK.ownCert), 'fail', `${wt} is in LocalMachine\\My without its private key`, certFix)
        : check(CHECK.ownCert, h, t(CHECK.ownCert), 'pass', `${wt} in LocalMachine\\My with its private key`);
  out.push(own);

  // The master certificate in the worker's Root.
  out.push(
    !shared
      ? check(CHECK.trustsMaster, h, t(CHECK.trustsMaster), 'unknown', 'The shared master certificate is not known yet (see the master-certificate check)')
      : w.root.has(shared)
        ? check(CHECK.trustsMaster, h, t(CHECK.trustsMaster), 'pass', `${shared} in LocalMachine\\Root on ${h}`)
        : check(
            CHECK.trustsMaster,
            h,
            t(CHECK.trustsMaster),
            'fail',
            `${shared} is not in LocalMachine\\Root on ${h}`,
            'Without it the worker cannot trust the master ("Could not establish trust relationship"). The plan copies the public certificate from a master node into LocalMachine\\Root here.',
          ),
  );

  // The worker's certificate on every master node.
  if (own.status === 'pass') {
    const thumb = w.ownCert!.thumbprint;
    const has = masters.filter((m) => 'state' in m && m.state.root.has(thumb)).map((m) => m.host);
    const unread = masters.filter((m) => 'error' in m).map((m) => m.host);
    const where = `${thumb} is in LocalMachine\\Root on ${has.join(', ') || 'no master node'}`;
    out.push(
      missingOn.length
        ? check(
            CHECK.onMasters,
            h,
            t(CHECK.onMasters),
            'fail',
            `${where}; missing on ${missingOn.join(', ')}`,
            `A master accepts a worker only if its certificate is in LocalMachine\\Root on the node that runs the master: after a failover to ${missingOn.join(', ')} the worker gets 403 Forbidden. The plan imports the public certificate there.`,
          )
        : unread.length
          ? check(CHECK.onMasters, h, t(CHECK.onMasters), 'unknown', `${where}; ${unread.join(', ')} could not be read`)
          : check(CHECK.onMasters, h, t(CHECK.onMasters), 'pass', where),
    );
  }

  // WorkerSettings.config.
  const ep = w.settings.endpoint;
  const mt = w.settings.masterThumbprint;
  const settingsEvidence = `MasterEndpoint = ${ep ?? '(empty)'}, MasterHttpsCertThumbprint = ${mt ?? '(empty)'}; expected ${masterAddress(env.inventory)} and ${shared ?? '(the shared certificate, not known yet)'}`;
  const settingsOk = endpointMatches(env.inventory, ep) && shared !== null && mt === shared;
  out.push(
    settingsOk
      ? check(CHECK.settings, h, t(CHECK.settings), 'pass', settingsEvidence)
      : !shared && endpointMatches(env.inventory, ep)
        ? check(CHECK.settings, h, t(CHECK.settings), 'unknown', settingsEvidence)
        : check(
            CHECK.settings,
            h,
            t(CHECK.settings),
            'fail',
            settingsEvidence,
            `The worker must connect to the master role's client access point (not a node, not the listener) and check its certificate. The plan edits only these two elements (backup first, atomic replace) and restarts ${svc}: it reads the file only when it starts.`,
          ),
  );

  // The service.
  out.push(
    s!.state === 'Running'
      ? check(CHECK.service, h, t(CHECK.service), 'pass', `${svc}: Running, start ${s!.startMode}`)
      : check(CHECK.service, h, t(CHECK.service), 'fail', `${svc}: ${s!.state}, start ${s!.startMode}`, `A stopped worker sends no heartbeat. The plan starts ${svc}.`),
  );

  out.push(...catalogChecks(env, w, catalog, t));
  return out;
}

function catalogChecks(env: CheckEnv, w: WorkerState, catalog: CatalogRead, t: (id: string) => string): Check[] {
  const h = w.host;
  const ids = [CHECK.registered, CHECK.enabled, CHECK.online];
  if (!catalog.ok) return ids.map((id) => check(id, h, t(id), 'unknown', catalog.error, `Make the listener ${env.inventory.listenerName} (or the primary) answer, then probe again.`));
  const row = rowOf(catalog.rows, h, w.settings.agentId);
  const where = `SSISDB.catalog.worker_agents through ${catalog.via}`;
  if (!row) {
    const sameName = catalog.rows.filter((r) => r.MachineName?.toUpperCase() === h.toUpperCase()).map((r) => r.WorkerAgentId.toUpperCase());
    const wanted = w.settings.agentId ? `WorkerAgentId ${w.settings.agentId}` : `MachineName ${h}`;
    const seen = sameName.length ? `; rows for ${h} with other ids: ${sameName.join(', ')} (an earlier installation)` : '';
    if (!catalog.canSeeAll && catalog.rows.length === 0) {
      return ids.map((id) =>
        check(id, h, t(id), 'unknown', `${where} shows no rows, and the wizard's login is neither sysadmin nor ssis_admin: the view hides rows from it`, 'Use a login that is sysadmin or in ssis_admin, then probe again.'),
      );
    }
    const registered = check(
      CHECK.registered,
      h,
      t(CHECK.registered),
      'fail',
      `No row with ${wanted} in ${where} (${catalog.rows.length} row(s))${seen}`,
      `A worker registers itself with its first heartbeat once it trusts the master, the master trusts it, and WorkerSettings.config points at the master; the plan waits for that after attaching it.`,
    );
    return [registered, ...ids.slice(1).map((id) => check(id, h, t(id), 'unknown', `${h} is not registered yet`))];
  }
  const id = row.WorkerAgentId.toUpperCase();
  const registered = check(CHECK.registered, h, t(CHECK.registered), 'pass', `WorkerAgentId ${id}, MachineName ${row.MachineName ?? '(null)'} in ${where}`);
  const enabled = row.IsEnabled
    ? check(CHECK.enabled, h, t(CHECK.enabled), 'pass', `IsEnabled = 1 for ${id}`)
    : check(CHECK.enabled, h, t(CHECK.enabled), 'fail', `IsEnabled = 0 for ${id}`, 'Workers start disabled and run nothing until enabled. The plan runs catalog.enable_worker_agent for it.');
  const tolerance = onlineToleranceSeconds(w.settings.heartbeatSeconds);
  const clock = `the server's clock (SYSDATETIMEOFFSET() on ${catalog.server}: ${catalog.serverTime.toISOString()})`;
  let online: Check;
  if (!row.LastOnlineTime) {
    online = check(CHECK.online, h, t(CHECK.online), 'fail', `LastOnlineTime is NULL for ${id}`, onlineFix(env));
  } else {
    const age = Math.round((catalog.serverTime.getTime() - row.LastOnlineTime.getTime()) / 1000);
    const evidence = `LastOnlineTime ${row.LastOnlineTime.toISOString()}, ${age} s before ${clock}; heartbeat every ${w.settings.heartbeatSeconds} s, online within ${tolerance} s`;
    online = age <= tolerance ? check(CHECK.online, h, t(CHECK.online), 'pass', evidence) : check(CHECK.online, h, t(CHECK.online), 'fail', evidence, onlineFix(env));
  }
  return [registered, enabled, online];
}

const onlineFix = (env: CheckEnv) =>
  `The worker's heartbeats do not reach SSISDB. The documented causes: the worker service stopped; MasterEndpoint not at ${masterAddress(env.inventory)}; the master certificate untrusted on the worker; the worker certificate missing from Root on the node that runs the master (403); the master service down or unable to reach SSISDB. The other checks of this worker show which; the plan waits for a new heartbeat after fixing them.`;
