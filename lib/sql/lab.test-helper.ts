// Test fixture: the lab's TDS server with a small handler answering what lib/sql sends
// (tedious' SET batch, mssql's SELECT 1, the encrypt_option read, the connection probe) plus a
// few test statements that raise chosen SQL Server errors, wait, or echo text.
import { createTdsServer, col, rows, sqlError, statementRpc, t } from '@/lib/lab/tds';
import type {
  AuthResult,
  LoginRequest,
  ResultItem,
  RpcParam,
  TdsServer,
  TdsServerOptions,
} from '@/lib/lab/tds';
import { makeTestPki, type TestPki } from '@/lib/lab/tds/test-support';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { SqlFailureError } from './failure';
import { closeAllPools } from './pool';
import type { SqlTarget } from './types';

export const PASSWORD = 'S3cret-Pässwörd!';

/** Texts SQL Server uses for the errors the mapping covers. */
export const SERVER_TEXT: Record<number, string> = {
  229: "The EXECUTE permission was denied on the object 'update_logdb_info', database 'SSISDB', schema 'catalog'.",
  297: 'The user does not have permission to perform this action.',
  208: "Invalid object name 'catalog.worker_agents'.",
  2812: "Could not find stored procedure 'catalog.update_master_address'.",
  15025: "The server principal '##MS_SSISLogDBWorkerAgentLogin##' already exists.",
  15151:
    "Cannot alter the login '##MS_SSISLogDBWorkerAgentLogin##', because it does not exist or you do not have permission.",
  15433: 'Supplied parameter sid is in use.',
  976: "The target database, 'SSISDB', is participating in an availability group and is currently not accessible for queries.",
  978: "The target database ('SSISDB') is in an availability group and is currently accessible for connections when the application intent is set to read only.",
  983: "Unable to access availability database 'SSISDB' because the database replica is not in the PRIMARY or SECONDARY role.",
  3906: 'Failed to update database "SSISDB" because the database is read-only.',
};

/**
 * Logins it takes to open a pool: mssql's ConnectionPool.connect() logs in once to test the
 * settings, closes that connection, and the pool's first request logs in again.
 */
export const POOL_OPEN_LOGINS = 2;

export interface Lab {
  server: TdsServer;
  /** LOGIN7 packets that reached authenticate (SSPI logins are refused before it). */
  logins: number;
  cancelled: number;
  sysadmin: boolean;
  /** Replaced per test to refuse logins with chosen errors. */
  authenticate: (login: LoginRequest) => AuthResult<null>;
  close(): Promise<void>;
}

let sharedPki: TestPki | undefined;
/** One lab CA per test file: RSA generation is the slow part. */
export function pki(): TestPki {
  return (sharedPki ??= makeTestPki(['sqlnode1.lab.test', 'SQLNODE1', 'SQLAG1']));
}

const param = (ps: readonly RpcParam[], name: string): RpcParam['value'] | undefined =>
  ps.find((p) => p.name.toLowerCase() === `@${name}`)?.value;

function raise(ps: readonly RpcParam[]): ResultItem[] {
  const number = Number(param(ps, 'number'));
  const state = Number(param(ps, 'state') ?? 1);
  return [sqlError(number, SERVER_TEXT[number] ?? `Error ${number}.`, { state, class: 16 })];
}

function wait(signal: AbortSignal, lab: Lab): Promise<ResultItem[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([rows([col('done', t.int())], [[1]])]), 10_000);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      lab.cancelled += 1;
      resolve([]);
    });
  });
}

export interface LabOptions {
  /** false: a server without a certificate (answers ENCRYPT_NOT_SUP). Default: the lab CA's leaf. */
  tls?: TdsServerOptions['tls'] | false;
  forceEncryption?: boolean;
}

/** The lab's login check: sa with PASSWORD, and nobody else. */
export const saOnly = (login: LoginRequest): AuthResult<null> =>
  login.userName === 'sa' && login.password === PASSWORD
    ? { ok: true }
    : { error: { number: 18456, state: 8 } };

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const lab = {
    logins: 0,
    cancelled: 0,
    sysadmin: true,
    authenticate: saOnly,
  } as Lab;
  const statement = async (
    sql: string,
    ps: readonly RpcParam[],
    encryption: string,
    signal: AbortSignal,
  ): Promise<ResultItem[]> => {
    const text = sql.trim();
    if (/^select 1;?$/i.test(text)) return [rows([col('', t.int())], [[1]])];
    if (/sys\.dm_exec_connections/i.test(text))
      return [
        rows([col('encrypt_option', t.nvarchar(40))], [[encryption === 'on' ? 'TRUE' : 'FALSE']]),
      ];
    if (/SERVERPROPERTY\('ServerName'\)/i.test(text))
      return [
        rows(
          [
            col('server_name', t.nvarchar(256)),
            col('instance_name', t.nvarchar(128)),
            col('product_version', t.nvarchar(128)),
            col('edition', t.nvarchar(128)),
            col('hadr_enabled', t.int()),
            col('is_sysadmin', t.int()),
            col('login_name', t.nvarchar(128)),
            col('database_name', t.nvarchar(128)),
          ],
          [
            [
              'SQLNODE1',
              null,
              '16.0.4135.4',
              'Developer Edition (64-bit)',
              1,
              lab.sysadmin ? 1 : 0,
              'sa',
              'SSISDB',
            ],
          ],
        ),
      ];
    if (/^exec lab\.fail/i.test(text)) return raise(ps);
    if (/^waitfor/i.test(text)) return wait(signal, lab);
    if (/^select @name/i.test(text))
      return [rows([col('name', t.nvarchar(128))], [[param(ps, 'name') ?? null]])];
    if (/^exec lab\.echo/i.test(text))
      return [sqlError(50000, `Rejected: ${String(param(ps, 'text'))}`)];
    return [sqlError(102, `Incorrect syntax near '${text}'.`, { class: 15 })];
  };
  const rpc = statementRpc<null>({
    statement: async (sql, ps, session, ctx) => ({
      items: await statement(sql, ps, session.encryption, ctx.signal),
    }),
    procedure: (call) => {
      if (call.procName === 'lab.fail') return { items: raise(call.params) };
      if (call.procName === 'lab.add') {
        const a = Number(param(call.params, 'a'));
        return {
          items: [rows([col('sum', t.int())], [[a + 1]])],
          returnStatus: 7,
          outputs: { '@result': a * 2 },
        };
      }
      return {
        items: [
          sqlError(2812, `Could not find stored procedure '${call.procName}'.`, { state: 62 }),
        ],
      };
    },
  });
  lab.server = await createTdsServer<null>({
    serverName: 'SQLNODE1',
    tls:
      options.tls === false
        ? undefined
        : (options.tls ?? { cert: pki().certPem, key: pki().keyPem }),
    forceEncryption: options.forceEncryption,
    authenticate: (login) => {
      lab.logins += 1;
      return lab.authenticate(login);
    },
    handler: {
      batch: async (sql, session, ctx) => ({
        items: /^set /i.test(sql.trim())
          ? []
          : await statement(sql, [], session.encryption, ctx.signal),
      }),
      rpc,
    },
  });
  lab.close = () => lab.server.close();
  return lab;
}

/**
 * One lab (startLab's defaults) for the test file, handed to `set` once started and closed after
 * the file's tests. After each test: every pool closed, the counters at 0, the login check saOnly.
 */
export function labPerFile(set: (lab: Lab) => void): void {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab();
    set(lab);
  });
  afterAll(() => lab.close());
  afterEach(async () => {
    await closeAllPools();
    lab.logins = 0;
    lab.cancelled = 0;
    lab.authenticate = saOnly;
  });
}

/** The SqlFailure a promise rejects with (fails the test on any other outcome). */
export async function failureOf(p: Promise<unknown>) {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SqlFailureError);
  return (e as SqlFailureError).failure;
}

let seq = 0;
/** A target for the lab: named SQLNODE1 (what the certificate covers), connected by address. */
export function labTarget(lab: Lab, overrides: Partial<SqlTarget> = {}): SqlTarget {
  seq += 1;
  return {
    deploymentId: `test-${seq}`,
    name: 'SQLNODE1',
    instance: 'MSSQLSERVER',
    port: 1433,
    connectAddress: `127.0.0.1:${lab.server.port}`,
    database: 'SSISDB',
    auth: { kind: 'sql', user: 'sa', password: PASSWORD },
    trust: { mode: 'ca', caPem: pki().caPem },
    connectTimeoutMs: 3000,
    ...overrides,
  };
}
