// What the probe read from each node, before it is judged: the raw material of the checks.
// The zod schemas check what a node's PowerShell and SQL Server sent back.
import { z } from 'zod';

const nullableString = z.string().nullable().optional().transform((v) => v ?? null);

export const probeResultSchema = z.object({
  computerName: z.string(),
  features: z.array(z.object({ name: z.string(), state: z.string() })).nullable(),
  featureError: nullableString,
  clusterModule: z.boolean(),
  cluster: nullableString,
  nodes: z.array(z.object({ name: z.string(), state: z.string() })),
  clusterError: nullableString,
  dns: z.array(
    z.object({
      name: z.string(),
      found: z.boolean(),
      addresses: z.array(z.string()),
      errorId: nullableString,
      error: nullableString,
    }),
  ),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

export const sqlRowSchema = z.object({
  serverName: z.string().nullable(),
  version: z.string().nullable(),
  // SERVERPROPERTY('IsHadrEnabled'): 1, 0, or NULL where the edition has no Always On.
  hadr: z.number().nullable(),
});
export type SqlRow = z.infer<typeof sqlRowSchema>;

/** A failure as the client libraries name it: the layer first, so a DBA knows where to look. */
export type Failure = { layer: string; code: string; message: string };

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Failure };

export type NodeReading = {
  host: string;
  /** What the WinRM probe was sent to (FQDN, or the host name). */
  winrmHost: string;
  winrm: Outcome<ProbeResult>;
  sql: Outcome<SqlRow>;
};

export const describeFailure = (f: Failure) => `${f.layer} layer, ${f.code}: ${f.message}`;
