// Step 2's catalog part, pure: Scale Out enabled in the SSIS catalog on the primary
// (IS_SCALEOUT_ENABLED = TRUE in SSISDB.catalog.master_properties), and what makes it so:
// `EXEC SSISDB.catalog.enable_scaleout;` when SSISDB exists, or creating the catalog with
// "Enable this server as SSIS scale out master" (manual) when it does not.
// ssis-scale-out-ha.md §4.1 (enable_scaleout), §4 "Enabling Scale Out has three routes", §9 items 7 and 9.
import { z } from 'zod';
import type { Check, CheckStatus, Operation } from '@/lib/engine/types';
import { idAt } from '../master-shared/ids';

export const SSISDB = 'SSISDB';
export const LOGDB_LOGIN = '##MS_SSISLogDBWorkerAgentLogin##';

export const CATALOG_CHECK = 'scaleout-enabled';
export const CATALOG_OP = { enable: 'enable-scaleout', createCatalog: 'create-catalog' } as const;

export const CATALOG_CHECK_TITLE = `${SSISDB} exists on the primary and Scale Out is enabled in it (IS_SCALEOUT_ENABLED = TRUE)`;

/** Exactly what apply runs, on the master database of the instance that holds the writable SSISDB. */
export const ENABLE_SCALEOUT_SQL = `EXEC ${SSISDB}.catalog.enable_scaleout;`;

/** What probe read about the catalog: plain data, so the check builder stays pure. */
export type CatalogRead =
  | { ok: false; host: string; error: string }
  /** No SSISDB on the primary's instance (sys.databases). */
  | { ok: true; host: string; server: string; ssisdb: false }
  | {
      ok: true;
      host: string;
      server: string;
      ssisdb: true;
      /** The master node whose instance answered for SSISDB: the primary, or the AG's primary replica after a failover. */
      readOn: string;
      readServer: string;
      /** Why it was read on another node than the primary (its SSISDB is a secondary replica). */
      why?: string;
      /** SSISDB is a database of an availability group: re-enabling now would orphan the logging login. */
      inAg: boolean;
      /** IS_SCALEOUT_ENABLED as stored, null when the row is missing. */
      value: string | null;
    };

/** What plan() needs, carried on the check as plain JSON (stored with the checks, read back after a restart). */
export const catalogFactsSchema = z.object({
  host: z.string(),
  server: z.string(),
  ssisdb: z.boolean(),
  readOn: z.string().nullable(),
  inAg: z.boolean(),
});
export type CatalogFacts = z.infer<typeof catalogFactsSchema>;
type CheckWithCatalogFacts = Check & { facts?: CatalogFacts };

export function catalogFactsOf(c: Check | undefined): CatalogFacts | null {
  if (!c || !('facts' in c)) return null;
  const parsed = catalogFactsSchema.safeParse((c as CheckWithCatalogFacts).facts);
  return parsed.success ? parsed.data : null;
}

export const isEnabledValue = (v: string | null): boolean => v !== null && v.trim().toUpperCase() === 'TRUE';

const valueText = (v: string | null) => (v === null ? 'no IS_SCALEOUT_ENABLED row' : `IS_SCALEOUT_ENABLED = '${v}'`);

/** Where the value was read, as evidence: "SSISDB.catalog.master_properties on SQLNODE1". */
export function readWhere(r: Extract<CatalogRead, { ssisdb: true }>): string {
  return `${SSISDB}.catalog.master_properties on ${r.readServer}${r.why ? ` (${r.why})` : ''}`;
}

export function catalogCheck(r: CatalogRead): Check {
  const id = idAt(CATALOG_CHECK, r.host);
  const base = { id, title: CATALOG_CHECK_TITLE };
  const make = (target: string, status: CheckStatus, evidence: string, remediation?: string, facts?: CatalogFacts): Check => ({
    ...base,
    target,
    status,
    evidence,
    ...(remediation && status !== 'pass' ? { remediation } : {}),
    ...(facts ? { facts } : {}),
  });
  if (!r.ok) {
    return make(
      r.host,
      'unknown',
      `${r.host} could not be read: ${r.error}`,
      `Check that SQL Server on ${r.host} runs and that the wizard's SQL login can sign in to it (Prerequisites step), then check again.`,
    );
  }
  if (!r.ssisdb) {
    return make(
      r.host,
      'fail',
      `sys.databases on ${r.server}: no ${SSISDB} database.`,
      `Scale Out keeps its workers, tasks and settings in the SSIS catalog, and ${r.server} has none, so the master service has nothing to serve. Create the catalog on ${r.server} in SSMS (Integration Services Catalogs > Create Catalog) with "Enable this server as SSIS scale out master" ticked, which also enables Scale Out in it (manual: the plan lists the steps); then check again.`,
      { host: r.host, server: r.server, ssisdb: false, readOn: null, inAg: false },
    );
  }
  const facts: CatalogFacts = { host: r.host, server: r.readServer, ssisdb: true, readOn: r.readOn, inAg: r.inAg };
  const evidence = `${readWhere(r)}: ${valueText(r.value)}.`;
  if (isEnabledValue(r.value)) return make(r.readOn, 'pass', evidence, undefined, facts);
  const later = r.inAg
    ? ` ${SSISDB} is already in an availability group: enabling now recreates ${LOGDB_LOGIN} with a new SID on ${r.readServer} only, so step 6 must make the logging login highly available again afterwards.`
    : '';
  return make(
    r.readOn,
    'fail',
    evidence,
    `The catalog was created without "Enable this server as SSIS scale out master": the master has no catalog state to serve, workers cannot be registered or run executions, and ${LOGDB_LOGIN}, the login workers write execution logs with (step 6), does not exist. Run ${ENABLE_SCALEOUT_SQL} once on ${r.readServer} as sysadmin, with the Scale Out Master feature installed on that computer (the plan does it), before SSISDB joins the availability group.${later}`,
    facts,
  );
}

const WARNING = [
  `-- Once only, and before HA: catalog.enable_scaleout drops and recreates ${LOGDB_LOGIN} (and its SSISDB`,
  '-- user ##MS_SSISLogDBWorkerAgentUser##) with a NEW SID and a random password nobody can read back.',
  '-- Run again after step 6 has copied that login to the secondary replicas, it orphans the login on every',
  '-- secondary: workers stop writing execution logs after a failover. The wizard plans it only while',
  '-- IS_SCALEOUT_ENABLED is not TRUE.',
  '-- Needs sysadmin (error 27260 otherwise) and the Scale Out Master feature installed on the computer',
  '-- that hosts this instance (error 27261 otherwise).',
];

export function enableOp(f: CatalogFacts): Operation {
  const node = f.readOn ?? f.host;
  const op: Operation = {
    id: idAt(CATALOG_OP.enable, node),
    target: node,
    kind: 'tsql',
    summary: `Enable Scale Out in ${SSISDB} on ${f.server} (catalog.enable_scaleout, once, before HA)`,
    script: [`-- On ${f.server}, database master.`, ...WARNING, ENABLE_SCALEOUT_SQL].join('\n'),
    risk: f.inAg ? 'high' : 'medium',
  };
  if (!f.inAg) return op;
  return {
    ...op,
    summary: `${op.summary}: ${SSISDB} is already in an availability group, so step 6 must run again afterwards`,
    confirmPhrase: `enable scale out on ${node}`,
  };
}

export function createCatalogOp(f: CatalogFacts): Operation {
  const s = f.server;
  return {
    id: idAt(CATALOG_OP.createCatalog, f.host),
    target: f.host,
    kind: 'manual',
    summary: `Create the SSIS catalog on ${s} with "Enable this server as SSIS scale out master" (SSMS)`,
    script: [
      `${SSISDB} does not exist on ${s}, the primary. Create it there (the HA document creates the catalog on the intended primary replica):`,
      `  1. In SQL Server Management Studio, connect Object Explorer to ${s} as a member of sysadmin.`,
      '  2. Right-click "Integration Services Catalogs" > "Create Catalog...".',
      '  3. Tick "Enable CLR Integration" and "Enable automatic execution of Integration Services stored procedure at SQL Server startup".',
      '  4. Tick "Enable this server as SSIS scale out master" (the Scale Out Master feature must be installed on this computer). It enables Scale Out in the new catalog.',
      '  5. Type the password that protects the SSISDB database master key. Keep it: step 4 (Always On) asks for it. Back up the master key.',
      '  6. Click OK, then check this step again.',
    ].join('\n'),
    risk: 'medium',
  };
}

/**
 * The catalog's operations from its check: the manual Create Catalog when SSISDB is missing, the
 * T-SQL when Scale Out is not enabled; nothing when it passes or could not be read. Without the
 * master feature (`masterInstalled` false) enable_scaleout would fail with 27261: setup comes first.
 */
export function catalogOps(check: Check | undefined, masterInstalled: boolean): Operation[] {
  if (!check || check.status !== 'fail') return [];
  const f = catalogFactsOf(check);
  if (!f) return [];
  if (!f.ssisdb) return [createCatalogOp(f)];
  return masterInstalled ? [enableOp(f)] : [];
}
