import 'server-only';
// Reads every master node at once: one PowerShell run over WinRM and one SQL query per node, in
// parallel. A failure of either becomes data (a Failure), never an exception out of the probe.
import type { Check } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import { queryRows, SqlFailureError } from '@/lib/sql';
import type { StepContext } from '../context';
import { checksFrom, plannedNames } from './checks';
import { toFailure } from './failure';
import { probeResultSchema, sqlRowSchema, type NodeReading, type Outcome } from './readings';

export const PROBE_SCRIPT = 'prereqs-probe.ps1';

// CASTs: SERVERPROPERTY returns sql_variant, which drivers map unevenly.
const SQL_PROBE = `SELECT CAST(@@SERVERNAME AS nvarchar(128)) AS serverName,
  CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS version,
  CAST(SERVERPROPERTY('IsHadrEnabled') AS int) AS hadr`;

async function outcome<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: toFailure(e) };
  }
}

async function readNode(ctx: StepContext, host: string, names: string[]): Promise<NodeReading> {
  const node = ctx.inventory.masters.find((m) => m.hostName === host);
  const [winrm, sql] = await Promise.all([
    outcome(async () => {
      const r = await ctx.winrm(host).runPowerShell(psScript(PROBE_SCRIPT), { params: { Names: names }, schema: probeResultSchema, idempotent: true, timeoutMs: 120_000 });
      return r.value;
    }),
    outcome(async () => {
      const rows = await queryRows(ctx.sql(host), SQL_PROBE, {}, sqlRowSchema, { timeoutMs: 30_000 });
      if (!rows[0]) throw new SqlFailureError({ code: 'UNEXPECTED_RESULT', layer: 'request', message: `${host}: the server properties query returned no row.` });
      return rows[0];
    }),
  ]);
  return { host, winrmHost: node?.fqdn || host, winrm, sql };
}

export async function probe(ctx: StepContext): Promise<Check[]> {
  const names = plannedNames(ctx.inventory).map((n) => n.name);
  const readings = await Promise.all(ctx.inventory.masters.map((m) => readNode(ctx, m.hostName, names)));
  return checksFrom(ctx.inventory, readings);
}
