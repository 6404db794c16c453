// The DBA's manual work of step 4, playable through the control API: what SSMS's New
// Availability Group Wizard (SSISDB, "Full database and log backup" seeding) and "Enable Always
// On Support" do to the servers, with their prerequisites and failures. Neither registers the
// SSISDB master key password on the secondaries: sp_control_dbmasterkey_password is separate.
//
//   POST /dba/create-availability-group {ag, dmkPassword, replicas?, primary?, seeding?, login?, listener?}
//   POST /dba/enable-always-on-support  {ag?, login?}
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { ControlError, type ControlRoute } from './control';
import { refused, requireHadr, requireRunning, requireSysadmin } from './dba-prereqs';
import { LAB_DOMAIN_ADMIN, type LabSqlEngine } from './sql';
import { verifyPassword } from './sql/state/crypto';
import { addListenerRow, createAg, createStartupProcedure, recordAlwaysOnReplicas } from './sql/state/ops';

const SSISDB = 'SSISDB';
/** SQL Server 2022: one primary and up to eight secondaries; at most three replicas fail over automatically. */
const MAX_REPLICAS = 9;
const MAX_AUTOMATIC = 3;

const name = (field: string) =>
  z
    .string({ message: `${field} must be a name (a string)` })
    .trim()
    .min(1, `${field} is empty`)
    .max(128, `${field} is longer than 128 characters`);

const createBody = z.object({
  ag: name('ag'),
  replicas: z.array(name('replicas[]'), { message: 'replicas must be a list of instance names' }).min(1, 'replicas is empty').max(MAX_REPLICAS, `replicas: an availability group has at most ${MAX_REPLICAS} replicas`).optional(),
  primary: name('primary').optional(),
  dmkPassword: z.string({ message: 'dmkPassword must be a string (the SSISDB database master key password)' }).optional(),
  seeding: z.enum(['full-backup', 'automatic'], { message: "seeding must be 'full-backup' or 'automatic'" }).default('full-backup'),
  login: name('login').default(LAB_DOMAIN_ADMIN),
  listener: z
    .object({
      name: name('listener.name').max(15, 'listener.name: SSMS takes at most 15 characters (NetBIOS)'),
      port: z.number({ message: 'listener.port must be a number' }).int().min(1).max(65535, 'listener.port must be 1 to 65535'),
      ip: z.string().refine((v) => isIPv4(v), 'listener.ip must be an IPv4 address'),
      mask: z.string().refine((v) => isIPv4(v) && /^1*0*$/.test(v.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('')), 'listener.mask must be an IPv4 subnet mask (e.g. 255.255.255.0)'),
    })
    .optional(),
});

const supportBody = z.object({ ag: name('ag').optional(), login: name('login').default(LAB_DOMAIN_ADMIN) });

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ControlError(400, issue ? `${issue.message}${issue.path.length ? ` (${issue.path.join('.')})` : ''}` : 'Bad request body');
  }
  return r.data;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export type DbaOptions = {
  /** The current SQL state (a reset replaces the engine). */
  engine: () => LabSqlEngine;
  /** The default AG name. */
  ag: string;
  /** A listener's network name goes into the lab DNS, as the cluster registers it. */
  registerDns?: (name: string, ip: string) => void;
};

/** New Availability Group Wizard with SSISDB: AG, replicas, SSISDB joined and synchronized everywhere. */
export function createAvailabilityGroup(engine: LabSqlEngine, raw: unknown, opts: Pick<DbaOptions, 'registerDns'> = {}) {
  const body = parse(createBody, raw);
  const st = engine.st;
  const replicas = (body.replicas ?? st.instances().map((i) => i.name)).map((r) => st.instance(r)?.name ?? r);
  if (new Set(replicas.map((r) => r.toLowerCase())).size !== replicas.length) throw new ControlError(400, `replicas names an instance twice: ${replicas.join(', ')}`);
  // The wizard runs on the instance that holds the database: by default the one with SSISDB.
  const holders = replicas.filter((r) => st.database(r, SSISDB));
  const primary = body.primary ? (st.instance(body.primary)?.name ?? body.primary) : (holders.find((r) => !st.database(r, SSISDB)?.group_database_id) ?? holders[0]);
  if (!primary) throw new ControlError(400, `primary: none of ${replicas.join(', ')} holds ${SSISDB}; say which instance the wizard runs on.`);
  if (!replicas.some((r) => same(r, primary))) throw new ControlError(400, `primary ${primary} is not among the replicas (${replicas.join(', ')}).`);
  const ordered = [primary, ...replicas.filter((r) => !same(r, primary))];

  // Specify Options / connect: every instance answers, the caller is sysadmin, Always On is on.
  requireRunning(engine, ordered);
  requireSysadmin(engine, ordered, body.login, 'Creating an availability group');
  requireHadr(engine, ordered);
  if (st.ag(body.ag)) throw refused(primary, `The availability group '${body.ag}' already exists. Choose another name.`, 41042);

  // Select Databases: the grid's status for SSISDB on the primary.
  const db = st.database(primary, SSISDB);
  if (!db) throw refused(primary, `The database '${SSISDB}' does not exist on ${primary}: Create Catalog makes it (Integration Services Catalogs > Create Catalog).`);
  if (db.group_database_id) throw refused(primary, `${SSISDB}: Already part of an availability group.`);
  if (db.recovery_model !== 1) throw refused(primary, `${SSISDB}: Full recovery mode is required.`);
  const content = st.content(db.content_id);
  if (content?.dmk_verifier) {
    if (!body.dmkPassword) throw new ControlError(400, `dmkPassword is required: ${SSISDB} has a database master key ("Password required" on the Select Databases page).`);
    // The wizard opens the key with it (OPEN MASTER KEY DECRYPTION BY PASSWORD).
    if (!verifyPassword(body.dmkPassword, content.dmk_verifier)) throw refused(primary, 'The key is not encrypted using the specified decryptor.', 15313);
  }

  // Specify Replicas: the listener tab, if the DBA filled it in.
  if (body.listener) {
    const l = body.listener;
    if (st.listenerByName(l.name) || st.instances().some((i) => same(i.machine_name, l.name)))
      throw refused(primary, `The WSFC cluster could not bring the Network Name resource with DNS name '${l.name}' online. The DNS name may have been taken or have a conflict with existing name services.`, 19471);
  }

  // Select Data Synchronization. Automatic seeding (and join-only) leave SSISDB unusable on the
  // secondaries (sql-docs PR #9052; ssis-scale-out-ha.md §5.1, §9 item 15).
  const secondaries = ordered.slice(1);
  if (body.seeding === 'automatic')
    throw refused(
      secondaries[0] ?? primary,
      `Please create a master key in the database or open the master key in the session before performing this operation. (${SSISDB} joins an availability group only with "Full database and log backup" seeding: automatic seeding fails for a database with a master key.)`,
      15581,
    );
  // Validation: full backup seeding restores the database on each secondary, so it must not exist there yet.
  const already = secondaries.find((r) => st.database(r, SSISDB));
  if (already) throw refused(already, `The database '${SSISDB}' already exists on ${already}. None of the new secondary databases can exist yet when the wizard seeds them from a full database and log backup.`);

  // Finish: the AG with SSISDB, backed up to the share, restored WITH NORECOVERY and joined on every secondary.
  engine.db.transaction(() => {
    const groupId = createAg(st, {
      name: body.ag,
      primary,
      replicas: ordered.map((server, i) => (i < MAX_AUTOMATIC ? { server } : { server, availabilityMode: 0, failoverMode: 1 })),
      databases: [SSISDB],
    });
    if (body.listener) addListenerRow(st, groupId, body.listener.name, body.listener.port, [{ ip: body.listener.ip, mask: body.listener.mask }]);
    st.errorlog(primary, 'spid', `Lab (DBA): availability group '${body.ag}' created with ${SSISDB} on ${ordered.join(', ')} (full database and log backup seeding).`);
  })();
  if (body.listener) opts.registerDns?.(body.listener.name, body.listener.ip);
  return { ok: true, ag: body.ag, primary, replicas: ordered, databases: [SSISDB], listener: body.listener?.name ?? null };
}

/** "Enable Always On Support" on the primary's Integration Services Catalogs node. */
export function enableAlwaysOnSupport(engine: LabSqlEngine, raw: unknown, defaultAg: string) {
  const body = parse(supportBody, raw);
  const st = engine.st;
  const agName = body.ag ?? defaultAg;
  const ag = st.ag(agName);
  const inAg = ag && (st.db.prepare('SELECT 1 FROM lab_sql_ag_databases WHERE group_id = ? AND database_name = ?').get(ag.group_id, SSISDB) as unknown);
  if (!ag || !inAg)
    throw new ControlError(409, `Enable Always On Support is greyed out: ${SSISDB} is not in the availability group '${agName}'. Add it to the group first (ssis-catalog.md, Always On step 2).`);
  const primary = ag.primary_instance;
  if (!primary || !st.instance(primary)?.running) throw new ControlError(409, `Enable Always On Support needs a connection to the primary replica of '${agName}', and it has none online.`);
  const replicas = st.replicas(ag.group_id).map((r) => r.replica_server_name);
  const ordered = [primary, ...replicas.filter((r) => !same(r, primary))];
  // Connect to each secondary replica when asked, as sysadmin everywhere.
  requireRunning(engine, ordered);
  requireSysadmin(engine, ordered, body.login, 'Enable Always On Support');
  // It lists the replicas cluster-wide, not per group (ssis-scale-out-ha.md §5.2, §9 item 14).
  if (st.ags().length > 1)
    throw refused(primary, 'Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.', 512);
  const db = st.database(primary, SSISDB);
  if (!db) throw refused(primary, `The database '${SSISDB}' does not exist on ${primary}.`);
  engine.db.transaction(() => {
    recordAlwaysOnReplicas(st, db.content_id, ordered, primary);
    for (const r of ordered) createStartupProcedure(st, r);
    st.errorlog(primary, 'spid', `Lab (DBA): Always On support for ${SSISDB} enabled on ${ordered.join(', ')}.`);
  })();
  return { ok: true, ag: agName, primary, replicas: ordered };
}

export function dbaRoutes(opts: DbaOptions): Record<string, ControlRoute> {
  return {
    'POST /dba/create-availability-group': (body) => createAvailabilityGroup(opts.engine(), body, opts),
    'POST /dba/enable-always-on-support': (body) => enableAlwaysOnSupport(opts.engine(), body, opts.ag),
  };
}
