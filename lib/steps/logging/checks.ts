// The checks, pure: mixed mode on every replica; the logging login on every replica with the
// SSISDB user's SID, CHECK_POLICY off and the wizard's password; the wizard holding that password;
// CLUSTER_LOGDB_SERVER = <listener>,<port>; and a sign-in through the listener as that login.
// Login and mixed-mode checks carry the facts the (pure) plan needs to write its statements.
import { z } from 'zod';
import type { Check, CheckStatus } from '@/lib/engine/types';
import type { StoredInventory } from '@/lib/inventory/schema';
import type { CatalogRead, Maybe, NodeRead, NodeResult, SigninRead } from './model';
import { CHECK, LOGDB_LOGIN, LOGDB_USER, logdbServer, sameName, sqlServiceOf, SSISDB } from './names';

type Inv = Pick<StoredInventory, 'agName' | 'listenerName' | 'listenerPort' | 'sqlAuth' | 'masters'>;

/** `via: 'winrm'`: the instance cannot be read over SQL, so the registry is written over WinRM. */
export const mixedFacts = z.object({ action: z.enum(['registry', 'restart', 'registry+restart', 'manual']), via: z.enum(['sql', 'winrm']).optional() });
/**
 * `after-restart`: the node refuses SQL logins until its restart into mixed mode, so the login
 * cannot be read now; its operation reads it when it runs (after the restart) and creates it, or
 * drops and recreates it, or sets the password.
 */
export const loginFacts = z.object({ action: z.enum(['create', 'recreate', 'alter', 'after-restart']), sid: z.string(), passwordOnly: z.boolean() });
export type CheckWithFacts = Check & { facts?: z.infer<typeof mixedFacts> | z.infer<typeof loginFacts> };

export function readMixedFacts(c: Check | undefined) {
  const p = mixedFacts.safeParse((c as CheckWithFacts | undefined)?.facts);
  return p.success ? p.data : undefined;
}
export function readLoginFacts(c: Check | undefined) {
  const p = loginFacts.safeParse((c as CheckWithFacts | undefined)?.facts);
  return p.success ? p.data : undefined;
}

const check = (id: string, title: string, target: string, status: CheckStatus, evidence: string, remediation?: string): Check =>
  remediation && status !== 'pass' ? { id, title, target, status, evidence, remediation } : { id, title, target, status, evidence };

export type Probed = {
  nodes: NodeResult[];
  /** The node whose instance is the primary replica (SSISDB writable there). */
  primary?: string;
  catalog?: Maybe<CatalogRead>;
  signin?: SigninRead;
  hasSecret: boolean;
};

const hex = (sid: string | null) => (sid ? `0x${sid}` : 'NULL');
const registryText = (r: Maybe<number | null>) => (r.ok ? `registry LoginMode = ${r.value ?? 'not set'}` : `registry LoginMode not readable (${r.error})`);

type Unreadable = Extract<NodeResult, { ok: false }>;

const sqlServiceOfInv = (inv: Inv, node: string): string => {
  const m = inv.masters.find((x) => sameName(x.hostName, node));
  return m ? sqlServiceOf(m) : 'MSSQLSERVER';
};

/**
 * What the mixed-mode check plans for a node SQL cannot read, from LoginMode in its registry
 * (read over WinRM): the registry and a restart, a restart alone, or nothing the wizard can do.
 */
function winrmMixedAction(inv: Inv, n: Unreadable): 'registry+restart' | 'restart' | undefined {
  const w = n.winrm;
  if (!w?.ok || !w.value.instanceId || w.value.service === null) return undefined;
  if (w.value.loginMode !== 2) return 'registry+restart';
  // LoginMode is 2, yet the running instance refused the SQL login: perhaps set without a restart.
  return n.loginRefused && inv.sqlAuth === 'sql' && w.value.service === 'Running' ? 'restart' : undefined;
}

const modeText = (m: number | null) => (m === null ? 'not set' : m === 2 ? '2 (SQL Server and Windows authentication)' : m === 1 ? '1 (Windows authentication only)' : String(m));

function unreadableMixedCheck(inv: Inv, n: Unreadable, id: string, title: string): Check {
  const w = n.winrm;
  const action = winrmMixedAction(inv, n);
  if (w?.ok && action) {
    const v = w.value;
    const read = `${n.node}: ${n.error} Over WinRM: ${v.key} LoginMode = ${modeText(v.loginMode)}; service ${sqlServiceOfInv(inv, n.node)} ${v.service}.`;
    if (action === 'registry+restart') {
      const why = n.loginRefused && inv.sqlAuth === 'sql' ? ' An instance in Windows-authentication-only mode refuses every SQL login, so it cannot be read with the wizard\'s SQL login.' : '';
      return {
        ...check(id, title, n.node, 'fail', `${read}${why}`, `Set LoginMode = 2 in the registry over WinRM, then restart the SQL Server service on ${n.node} (SQL Server applies the mode at startup).`),
        facts: { action, via: 'winrm' },
      } as CheckWithFacts;
    }
    return {
      ...check(
        id,
        title,
        n.node,
        'unknown',
        `${read} The registry already asks for mixed mode: either the service has not been restarted since LoginMode was set, or the wizard's SQL login is wrong on ${n.node}.`,
        `Restart the SQL Server service on ${n.node} (SQL Server reads LoginMode only at startup); if it still refuses the login afterwards, check the wizard's SQL login.`,
      ),
      facts: { action, via: 'winrm' },
    } as CheckWithFacts;
  }
  const winrmText = !w
    ? ''
    : !w.ok
      ? ` LoginMode could not be read over WinRM either: ${w.error}`
      : !w.value.instanceId
        ? ' Over WinRM: the registry names no such SQL Server instance.'
        : w.value.service === null
          ? ` Over WinRM: ${w.value.key} LoginMode = ${modeText(w.value.loginMode)}, but there is no service ${sqlServiceOfInv(inv, n.node)}.`
          : ` Over WinRM: ${w.value.key} LoginMode = ${modeText(w.value.loginMode)}; service ${sqlServiceOfInv(inv, n.node)} ${w.value.service}.`;
  if (n.loginRefused && inv.sqlAuth === 'sql') {
    const c = check(id, title, n.node, 'unknown', `${n.node}: ${n.error} An instance in Windows-authentication-only mode refuses every SQL login, so it cannot be read with the wizard's SQL login.${winrmText}`, 'Connect with Windows authentication and turn mixed mode on (manual), or check the wizard\'s SQL login.');
    return { ...c, facts: { action: 'manual' } } as CheckWithFacts;
  }
  return check(id, title, n.node, 'unknown', `${n.node}: ${n.error}${winrmText}`);
}

export function mixedCheck(inv: Inv, n: NodeResult): Check {
  const title = `SQL Server authentication (mixed mode) is on for ${n.ok ? n.read.serverName : n.node}`;
  const id = CHECK.mixed(n.node);
  if (!n.ok) return unreadableMixedCheck(inv, n, id, title);
  const r = n.read;
  const reg = r.registryLoginMode;
  const evidence = `SERVERPROPERTY('IsIntegratedSecurityOnly') on ${r.serverName} = ${r.windowsOnly ? 1 : 0}; ${registryText(reg)}.`;
  const why = 'Without SQL authentication workers write no execution logs (packages still run).';
  if (!r.windowsOnly) {
    if (reg.ok && reg.value === 1)
      return { ...check(id, title, n.node, 'fail', `${evidence} The next restart turns SQL logins off.`, 'Set LoginMode back to 2 (no restart needed: the instance runs in mixed mode now).'), facts: { action: 'registry' } } as CheckWithFacts;
    return check(id, title, n.node, 'pass', evidence);
  }
  const pending = reg.ok && reg.value === 2;
  return {
    ...check(id, title, n.node, 'fail', `${evidence} ${pending ? 'A restart is pending: SQL Server reads LoginMode only when it starts.' : why}`, `${pending ? '' : 'Set LoginMode = 2, then '}restart the SQL Server service on ${n.node} (SQL Server applies the mode at startup).`),
    facts: { action: pending ? 'restart' : 'registry+restart' },
  } as CheckWithFacts;
}

export function secretCheck(inv: Inv, hasSecret: boolean): Check {
  const title = `The wizard holds the password of ${LOGDB_LOGIN}`;
  return hasSecret
    ? check(CHECK.secret, title, inv.agName, 'pass', 'A password set by this step is stored (encrypted) for the deployment.')
    : check(
        CHECK.secret,
        title,
        inv.agName,
        'fail',
        'No password is stored for the logging login: catalog.enable_scaleout gives it a random one that nobody can read back.',
        'Give the login a new random password on the primary (the wizard keeps it), then the same login on every secondary.',
      );
}

function loginEvidence(r: NodeRead): string {
  const l = r.login;
  if (!l) return `sys.sql_logins on ${r.serverName}: no ${LOGDB_LOGIN}.`;
  const pw = l.passwordOk === null ? 'password not compared (the wizard holds none)' : l.passwordOk ? "the wizard's password" : "not the wizard's password";
  return `sys.sql_logins on ${r.serverName}: ${LOGDB_LOGIN}, SID ${hex(l.sid)}, CHECK_POLICY ${l.policyChecked ? 'ON' : 'OFF'}, ${l.disabled ? 'disabled' : 'enabled'}, ${pw}.`;
}

export function loginCheck(inv: Inv, n: NodeResult, p: Probed): Check {
  const id = CHECK.login(n.node);
  const title = `${LOGDB_LOGIN} on ${n.ok ? n.read.serverName : n.node} has the SSISDB user's SID and the wizard's password`;
  if (!n.ok) {
    const userSid = p.primary && p.catalog?.ok ? p.catalog.value.userSid : null;
    if (!winrmMixedAction(inv, n) || !userSid) return check(id, title, n.node, 'unknown', `${n.node}: ${n.error}`);
    // Planned now, read when it runs: after the restart into mixed mode, in the same apply.
    return {
      ...check(
        id,
        title,
        n.node,
        'unknown',
        `${n.node}: ${n.error} ${LOGDB_LOGIN} cannot be read there until the instance accepts SQL logins. ${LOGDB_USER} in ${SSISDB} on ${p.primary} has SID 0x${userSid}.`,
        `After the restart into mixed mode: the login on ${n.node} with SID 0x${userSid}, the wizard's password and CHECK_POLICY = OFF (created, or dropped and created again if it has another SID).`,
      ),
      facts: { action: 'after-restart', sid: userSid, passwordOnly: false },
    } as CheckWithFacts;
  }
  const r = n.read;
  const evidence = loginEvidence(r);
  const cat = p.catalog;
  if (!p.primary || !cat) return check(id, title, n.node, 'unknown', `${evidence} No primary replica answered, so the SID of ${LOGDB_USER} in ${SSISDB} is unknown.`);
  if (!cat.ok) return check(id, title, n.node, 'unknown', `${evidence} ${SSISDB} on ${p.primary}: ${cat.error}`);
  const userSid = cat.value.userSid;
  if (!userSid) return check(id, title, n.node, 'fail', `${evidence} ${SSISDB} on ${p.primary} has no user ${LOGDB_USER}: Scale Out is not enabled in this catalog.`, 'Enable Scale Out on the primary first (step 2, catalog.enable_scaleout).');
  const userText = `${LOGDB_USER} in ${SSISDB} has SID ${hex(userSid)}.`;
  const l = r.login;
  const withFacts = (status: CheckStatus, text: string, fix: string, action: 'create' | 'recreate' | 'alter', passwordOnly = false): Check =>
    ({ ...check(id, title, n.node, status, text, fix), facts: { action, sid: userSid, passwordOnly } }) as CheckWithFacts;
  if (!l) return withFacts('fail', `${evidence} ${userText}`, `Create the login on ${r.serverName} with SID 0x${userSid}, the wizard's password and CHECK_POLICY = OFF.`, 'create');
  if (l.sid !== userSid) {
    const rerun = n.node === p.primary
      ? 'The login and the user no longer match on the primary.'
      : `Workers sign in as an orphaned login after a failover to ${r.serverName}. If the logins matched before, catalog.enable_scaleout was run again: it drops and recreates the login and user with a new SID and password. Do not run it after HA is configured.`;
    return withFacts('fail', `${evidence} ${userText} ${rerun}`, `Drop the login on ${r.serverName} and create it again with SID 0x${userSid}.`, 'recreate');
  }
  const problems = [l.policyChecked ? 'CHECK_POLICY is ON' : '', l.disabled ? 'the login is disabled' : '', l.passwordOk === false ? "it has another password than the wizard's" : '', l.passwordOk === null ? 'the wizard holds no password to compare' : ''].filter(Boolean);
  if (problems.length)
    return withFacts('fail', `${evidence} ${userText}`, `Set the wizard's password with CHECK_POLICY = OFF on ${r.serverName} (${problems.join('; ')}).`, 'alter', !l.policyChecked && !l.disabled);
  return check(id, title, n.node, 'pass', `${evidence} ${userText}`);
}

const sameServer = (a: string | null, b: string) => !!a && a.replace(/\s+/g, '').toUpperCase() === b.replace(/\s+/g, '').toUpperCase();

export function serverCheck(inv: Inv, p: Probed): Check {
  const want = logdbServer(inv);
  const title = `catalog.master_properties CLUSTER_LOGDB_SERVER is ${want}`;
  if (!p.primary || !p.catalog) return check(CHECK.server, title, inv.agName, p.nodes.some((n) => !n.ok) ? 'unknown' : 'fail', `No primary replica of ${inv.agName} answered (${SSISDB} is writable only there).`);
  if (!p.catalog.ok) return check(CHECK.server, title, p.primary, 'unknown', `${SSISDB} on ${p.primary}: ${p.catalog.error}`);
  const value = p.catalog.value.logdbServer;
  const evidence = `${SSISDB}.catalog.master_properties on ${p.primary}: CLUSTER_LOGDB_SERVER = ${value === null ? 'not set' : `'${value}'`}`;
  if (sameServer(value, want)) return check(CHECK.server, title, p.primary, 'pass', `${evidence}.`);
  const primaryServer = p.nodes.find((n) => n.node === p.primary && n.ok);
  const own = primaryServer?.ok && sameName(value, primaryServer.read.serverName) ? ': the instance name, as catalog.enable_scaleout writes it, so workers lose logging when the AG fails over' : '';
  return check(CHECK.server, title, p.primary, 'fail', `${evidence}, not '${want}'${own}.`, `Run catalog.update_logdb_info with @server_name = N'${want}' and a connection string to the listener.`);
}

export function signinCheck(inv: Inv, p: Probed): Check {
  const title = `${LOGDB_LOGIN} signs in through ${inv.listenerName},${inv.listenerPort} and reads ${SSISDB}`;
  const target = inv.listenerName;
  if (!p.hasSecret) return check(CHECK.signin, title, target, 'fail', 'Not tried: the wizard holds no password for the login.');
  const s = p.signin;
  if (!s) return check(CHECK.signin, title, target, 'unknown', 'Not tried.');
  if (!s.ok) return check(CHECK.signin, title, target, 'fail', `Signing in as ${LOGDB_LOGIN} through ${inv.listenerName},${inv.listenerPort}: ${s.error}`, 'Mixed mode, the login (same SID as the SSISDB user) and its password must be right on the primary.');
  const evidence = `Signed in as ${LOGDB_LOGIN} through ${inv.listenerName},${inv.listenerPort}; catalog.master_properties CLUSTER_LOGDB_SERVER = ${s.logdbServer === null ? 'not set' : `'${s.logdbServer}'`}.`;
  return sameServer(s.logdbServer, logdbServer(inv)) ? check(CHECK.signin, title, target, 'pass', evidence) : check(CHECK.signin, title, target, 'fail', evidence, 'Run catalog.update_logdb_info with the listener.');
}

export function buildChecks(inv: Inv, p: Probed): Check[] {
  return [
    secretCheck(inv, p.hasSecret),
    serverCheck(inv, p),
    signinCheck(inv, p),
    ...p.nodes.flatMap((n) => [mixedCheck(inv, n), loginCheck(inv, n, p)]),
  ];
}
