// What probe read, turned into what the checks and apply need. Pure: settings are parsed here
// (lib/settings), from the bytes the worker returned.
import { createHash } from 'node:crypto';
import { applyEdits, readWorkerSettings } from '@/lib/settings';
import type { StoredInventory } from '@/lib/inventory/schema';
import { dnsSuffix } from '../master-shared/names';
import type { AgentRow, WorkerRead } from './read-schema';

const thumb = (v: string | undefined) => (v ?? '').replace(/[^0-9a-f]/gi, '').toUpperCase() || null;

/** AgentHeartbeatInterval is a .NET TimeSpan ([d.]hh:mm:ss); the documented default is 00:01:00. */
export function timeSpanSeconds(v: string | undefined, fallback = 60): number {
  const m = /^\s*(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?\s*$/.exec(v ?? '');
  if (!m) return fallback;
  const s = Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return s > 0 ? s : fallback;
}

export type WorkerState = {
  host: string;
  service: WorkerRead['service'];
  settings: {
    path: string;
    bytes: Buffer | null;
    error: string | null;
    endpoint: string | null;
    masterThumbprint: string | null;
    workerThumbprint: string | null;
    agentId: string | null;
    heartbeatSeconds: number;
  };
  /** The certificate WorkerHttpsCertThumbprint names, as LocalMachine\My holds it (public DER). */
  ownCert: { thumbprint: string; der: string; hasPrivateKey: boolean } | null;
  myThumbprints: string[];
  root: Set<string>;
};

export function analyseWorker(host: string, read: WorkerRead): WorkerState {
  const settings: WorkerState['settings'] = {
    path: read.settingsPath,
    bytes: null,
    error: null,
    endpoint: null,
    masterThumbprint: null,
    workerThumbprint: null,
    agentId: null,
    heartbeatSeconds: 60,
  };
  if (read.settingsBase64 !== null) {
    settings.bytes = Buffer.from(read.settingsBase64, 'base64');
    try {
      const s = readWorkerSettings(settings.bytes, { fileLabel: `WorkerSettings.config on ${host}` });
      settings.endpoint = s.masterEndpoint?.trim() || null;
      settings.masterThumbprint = thumb(s.masterHttpsCertThumbprint);
      settings.workerThumbprint = thumb(s.workerHttpsCertThumbprint);
      settings.agentId = s.values['AgentId']?.trim().toUpperCase() || null;
      settings.heartbeatSeconds = timeSpanSeconds(s.values['AgentHeartbeatInterval']);
    } catch (e) {
      settings.error = e instanceof Error ? e.message : String(e);
    }
  }
  const mine = settings.workerThumbprint ? read.myCerts.find((c) => c.thumbprint.toUpperCase() === settings.workerThumbprint) : undefined;
  return {
    host,
    service: read.service,
    settings,
    ownCert: mine ? { thumbprint: mine.thumbprint.toUpperCase(), der: mine.der, hasPrivateKey: mine.hasPrivateKey } : null,
    myThumbprints: read.myCerts.map((c) => c.thumbprint.toUpperCase()),
    root: new Set(read.rootThumbprints.map((t) => t.toUpperCase())),
  };
}

type Inv = Pick<StoredInventory, 'masterDnsName' | 'masterPort' | 'masters'>;

/** What MasterEndpoint must say: the client access point of the master role, never a node (reference 9.1). */
export const masterAddress = (inv: Inv) => `https://${inv.masterDnsName}:${inv.masterPort}`;

/** MasterEndpoint names the master DNS host name (short or with the nodes' DNS suffix) and port. */
export function endpointMatches(inv: Inv, value: string | null): boolean {
  const m = /^https:\/\/([^/:]+):(\d+)\/?$/i.exec(value ?? '');
  if (!m) return false;
  const host = m[1]!.toLowerCase().replace(/\.$/, '');
  const short = inv.masterDnsName.toLowerCase();
  const suffix = dnsSuffix(inv);
  return (host === short || (suffix !== null && host === `${short}.${suffix}`)) && Number(m[2]) === inv.masterPort;
}

/** The settings edit that points the worker at the master; null when nothing would change. */
export function settingsEdit(w: WorkerState, inv: Inv, shared: string): { bytes: Buffer; diff: string } | null {
  if (!w.settings.bytes || w.settings.error) return null;
  const edits = [
    ...(endpointMatches(inv, w.settings.endpoint) ? [] : [{ element: 'MasterEndpoint' as const, value: masterAddress(inv), insertIfMissing: true }]),
    ...(w.settings.masterThumbprint === shared ? [] : [{ element: 'MasterHttpsCertThumbprint' as const, value: shared, insertIfMissing: true }]),
  ];
  if (edits.length === 0) return null;
  const r = applyEdits(w.settings.bytes, edits, { fileLabel: `WorkerSettings.config on ${w.host}` });
  return r.changed ? { bytes: r.bytes, diff: r.diff } : null;
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The worker's row: by WorkerAgentId (AgentId in WorkerSettings.config), else by machine name. */
export function rowOf(rows: AgentRow[], host: string, agentId: string | null): AgentRow | null {
  if (agentId) return rows.find((r) => r.WorkerAgentId.toUpperCase() === agentId) ?? null;
  const byName = rows.filter((r) => r.MachineName?.toUpperCase() === host.toUpperCase());
  return byName.length === 1 ? byName[0]! : null;
}

/**
 * How long a worker may be silent and still count as online: two heartbeat intervals and 30 s of
 * slack. The worker writes LastOnlineTime through the master on every heartbeat (AgentHeartbeat-
 * Interval, default one minute), so reading it twice in one probe would take a minute; comparing
 * it with the server's own clock (SYSDATETIMEOFFSET, same query) needs no wait and no clock sync.
 */
export const onlineToleranceSeconds = (heartbeatSeconds: number) => 2 * heartbeatSeconds + 30;
