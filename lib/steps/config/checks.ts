// The config step's checks, from what config-probe.ps1 read. Pure. One check per master node:
// SqlServerName in its MasterSettings.config is <listener>,<port>. The check carries the facts
// plan() needs (the diff of the edit, and whether the service runs on that node).
import 'server-only';
import { z } from 'zod';
import type { Check } from '@/lib/engine/types';
import { applyEdits, parseSqlServerName, readMasterSettings } from '@/lib/settings';
import { unknownChecks } from '../master-shared/checks';
import { idAt } from '../master-shared/ids';
import type { ConfigRead, ConfigReading } from './read';

export const CHECK = { sqlServerName: 'sqlservername' } as const;
export const OP = { settings: 'sqlservername', restart: 'restart' } as const;

export type ConfigEnv = { listenerName: string; listenerPort: number; service: string };

/** What SqlServerName must be: the AG listener and its port, as the HA document writes it. */
export const targetValue = (env: Pick<ConfigEnv, 'listenerName' | 'listenerPort'>) => `${env.listenerName},${env.listenerPort}`;

export const configFactsSchema = z.object({
  host: z.string(),
  settingsPath: z.string(),
  current: z.string().nullable(),
  /** The SqlServerName edit, as a unified diff; null when nothing would change or it cannot be made. */
  diff: z.string().nullable(),
  /** The master service runs here: the cluster role's owner, or (no role) a node where it is running. */
  runsHere: z.boolean(),
  /** Where the role runs, when the service is a cluster role. */
  roleOwner: z.string().nullable(),
});
export type ConfigFacts = z.infer<typeof configFactsSchema>;
export type ConfigCheck = Check & { facts?: ConfigFacts };

export function configFactsOf(check: Check): ConfigFacts | null {
  if (!('facts' in check)) return null;
  const parsed = configFactsSchema.safeParse(check.facts);
  return parsed.success ? parsed.data : null;
}

/** SqlServerName names the listener (its NetBIOS name or an FQDN starting with it), no instance, the listener port. */
export function pointsAtListener(value: string, env: Pick<ConfigEnv, 'listenerName' | 'listenerPort'>): boolean {
  const parsed = parseSqlServerName(value.trim());
  if (!parsed.ok) return false;
  const { host, instance, port } = parsed.value;
  const first = host.split('.')[0] ?? '';
  return first.toUpperCase() === env.listenerName.toUpperCase() && instance === undefined && port === env.listenerPort;
}

const title = (env: ConfigEnv) => `SqlServerName in MasterSettings.config is ${targetValue(env)}`;

/** The role as the nodes report it: the first node that read one (every node reads the same cluster). */
export function roleOf(readings: ConfigReading[]): ConfigRead['role'] {
  for (const r of readings) if (r.ok && r.read.role) return r.read.role;
  return null;
}

export function nodeCheck(host: string, read: ConfigRead, role: ConfigRead['role'], env: ConfigEnv): ConfigCheck {
  const target = targetValue(env);
  const path = read.settingsPath;
  const id = idAt(CHECK.sqlServerName, host);
  const base = { id, title: title(env), target: host };
  const runsHere = role ? role.ownerNode.toUpperCase() === host.toUpperCase() : read.service?.state === 'Running';
  const where = role ? `the cluster role ${role.group} runs it on ${role.ownerNode}` : read.service ? `${env.service} is ${read.service.state} here` : `${env.service} is not installed here`;
  if (read.settingsBase64 === null) {
    return { ...base, status: 'fail', evidence: `${path} does not exist`, remediation: 'Install or repair the Scale Out Master on this node first (steps 2 and 3): the service cannot start without this file.' };
  }
  const bytes = Buffer.from(read.settingsBase64, 'base64');
  let current: string | null;
  try {
    current = readMasterSettings(bytes, { fileLabel: `MasterSettings.config on ${host}` }).sqlServerName ?? null;
  } catch (e) {
    return { ...base, status: 'fail', evidence: e instanceof Error ? e.message : String(e), remediation: 'Fix the file by hand (start from a backup of it): the wizard edits only well-formed files.' };
  }
  const evidence = `SqlServerName = ${current ?? '(missing)'} in ${path}; the listener is ${target}; ${where}`;
  if (current !== null && pointsAtListener(current, env)) return { ...base, status: 'pass', evidence };
  let diff: string | null = null;
  try {
    const edit = applyEdits(bytes, [{ element: 'SqlServerName', value: target, insertIfMissing: true }], { fileLabel: path });
    diff = edit.changed ? edit.diff : null;
  } catch (e) {
    return { ...base, status: 'fail', evidence: `${evidence}; the edit cannot be made: ${e instanceof Error ? e.message : String(e)}`, remediation: 'Fix the file by hand (start from a backup of it), then check again.' };
  }
  const restart = runsHere ? ` and ${role ? `cycles the role ${role.group} on ${host}` : `restarts ${env.service} on ${host}`}` : `; ${env.service} does not run here, so it reads the file when the cluster starts it here`;
  return {
    ...base,
    status: 'fail',
    evidence,
    remediation: `The master reaches SSISDB through SqlServerName; pointed anywhere but the listener it loses SSISDB after an availability group failover. The plan sets it to ${target} (a backup first, only that value changes)${restart}.`,
    facts: { host, settingsPath: path, current, diff, runsHere, roleOwner: role?.ownerNode ?? null },
  };
}

export function configChecks(readings: ConfigReading[], env: ConfigEnv): Check[] {
  const role = roleOf(readings);
  return readings.flatMap((r) => (r.ok ? [nodeCheck(r.host, r.read, role, env)] : unknownChecks(r.host, r.error, [[CHECK.sqlServerName, title(env)]])));
}
