// From what was seen to checks. Without a baseline (a plain probe), "online" means a heartbeat
// within the last few minutes; after a move it means a heartbeat written after the move began.
import type { Check } from '@/lib/engine/types';
import type { StoredInventory } from '@/lib/inventory/schema';
import { LOGGING_LOGIN, type Observation } from './observe';

export const CHECK = {
  endpoint: 'drill:endpoint',
  heartbeat: 'drill:heartbeat',
  worker: (w: string) => `drill:worker:${w.toUpperCase()}`,
  trust: (w: string) => `drill:trust:${w.toUpperCase()}`,
  logging: 'drill:logging',
} as const;

/** What was true when the move began. */
export type Baseline = { at: Date; thumbprint: string | null; masterLastOnline: string | null };

/** Workers poll once a minute by default (AgentHeartbeatInterval 00:01:00): three missed beats is offline. */
export const STALE_MS = 3 * 60_000;

const ago = (now: Date, t: Date) => `${Math.max(0, Math.round((now.getTime() - t.getTime()) / 1000))} s before the check`;

export function judge(inv: StoredInventory, o: Observation, base: Baseline | null): Check[] {
  const checks: Check[] = [];
  const e = o.endpoint;
  const expected = base?.thumbprint ?? (o.sql.ok ? o.sql.sslThumbprint : null);
  const endpointTarget = `${inv.masterDnsName}:${inv.masterPort}`;
  if (!e.ok) {
    checks.push({ id: CHECK.endpoint, title: 'The master endpoint answers over TLS', target: endpointTarget, status: 'fail', evidence: e.error, remediation: 'The master service is not serving on the client access point: check that the cluster role is online (step 7) and the certificate binding on its owner node (steps 2 and 3).' });
  } else {
    const problems = [
      !e.coversName && `its names (${e.names.join(', ')}) do not cover ${inv.masterDnsName}`,
      expected && e.thumbprint !== expected && `it is ${e.thumbprint}, not the shared certificate ${expected}`,
    ].filter((x): x is string => !!x);
    checks.push({
      id: CHECK.endpoint,
      title: 'The master endpoint serves the shared certificate',
      target: endpointTarget,
      status: problems.length ? 'fail' : 'pass',
      // Trust is the workers' business (the master certificate is in their Root stores; setup makes
      // it self-signed), so it is shown, not judged.
      evidence: `Served ${e.thumbprint} (${e.names.join(', ')})${e.trusted ? '' : `, not chained to the deployment's trusted CAs (${e.trustError ?? 'untrusted'})`}${problems.length ? `: ${problems.join('; ')}` : ''}`,
      ...(problems.length ? { remediation: 'The node that runs the master now binds another certificate: step 3 (secondary) imports and binds the shared one on every master node.' } : {}),
    });
  }

  if (!o.sql.ok) {
    const why = `Could not read SSISDB through the listener: ${o.sql.error}`;
    checks.push({ id: CHECK.heartbeat, title: 'The master heartbeat advances', target: inv.listenerName, status: 'unknown', evidence: why });
    for (const w of inv.workers) checks.push({ id: CHECK.worker(w.hostName), title: `${w.hostName} is online`, target: w.hostName, status: 'unknown', evidence: why });
  } else {
    const s = o.sql;
    const last = s.masterLastOnline;
    const advanced = base ? last !== null && last !== base.masterLastOnline : last !== null;
    checks.push({
      id: CHECK.heartbeat,
      title: 'The master heartbeat advances',
      target: inv.listenerName,
      status: advanced ? 'pass' : 'fail',
      evidence: `LAST_ONLINE_TIME ${last ?? '(none)'}${s.masterMachine ? ` from ${s.masterMachine}` : ''}${base ? ` (before the move: ${base.masterLastOnline ?? 'none'})` : ''}; read on ${s.server}`,
      ...(advanced ? {} : { remediation: 'The master service does not write to SSISDB: its MasterSettings.config must name the listener (step 5) and its account needs a login on every replica.' }),
    });
    for (const w of s.workers) {
      const since = base?.at ?? new Date(s.now.getTime() - STALE_MS);
      const online = !!w.lastOnline && w.lastOnline.getTime() > since.getTime();
      checks.push({
        id: CHECK.worker(w.name),
        title: `${w.name} is online`,
        target: w.name,
        status: online ? (w.enabled === false ? 'warn' : 'pass') : 'fail',
        evidence: w.lastOnline
          ? `LastOnlineTime ${w.lastOnline.toISOString()} (${ago(s.now, w.lastOnline)})${w.enabled === false ? ', disabled' : ''}${base ? `; the move began at ${base.at.toISOString()}` : ''}`
          : `${w.name} is not in catalog.worker_agents`,
        ...(online ? {} : { remediation: 'The worker does not reach the master: see the cause below, or step 9 (workers).' }),
      });
    }
  }

  checks.push(
    o.logging.ok
      ? { id: CHECK.logging, title: 'The logging login signs in through the listener', target: inv.listenerName, status: 'pass', evidence: `${LOGGING_LOGIN} read CLUSTER_LOGDB_SERVER = ${o.logging.server ?? '(none)'}` }
      : { id: CHECK.logging, title: 'The logging login signs in through the listener', target: inv.listenerName, status: 'fail', evidence: o.logging.error, remediation: 'Step 6 (logging) gives the login the same SID and password on every replica.' },
  );
  return checks;
}

export const passed = (checks: Check[]) => checks.every((c) => c.status === 'pass' || c.status === 'warn');
