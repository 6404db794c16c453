/**
 * Shared fixtures for the TDS conformance tests: a throwaway lab CA with a server
 * certificate for the node's name, and a handler that answers a handful of known
 * statements the way the SQL-state simulator will.
 */

import { generateKeyPairSync } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { col, count, info, rows, sqlError, t, variant } from './results';
import { statementRpc } from './statements';
import type {
  BatchResult,
  ResultItem,
  RpcCall,
  RpcResult,
  SqlType,
  SqlValue,
  TdsHandler,
  TdsSession,
} from './types';

export const HOST_NAME = 'sqlnode1.lab.test';

export interface TestPki {
  caPem: string;
  certPem: string;
  keyPem: string;
}

function rsaKeys(): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  keyPem: string;
} {
  // Node generates the key natively (forge's pure-JS RSA generation takes seconds).
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return {
    keyPem,
    privateKey: forge.pki.privateKeyFromPem(keyPem),
    publicKey: forge.pki.publicKeyFromPem(
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ),
  };
}

export function makeTestPki(hostNames: readonly string[] = [HOST_NAME, 'SQLNODE1']): TestPki {
  const ca = rsaKeys();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = '01';
  caCert.validity.notBefore = new Date(Date.now() - 86_400_000);
  caCert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const caName = [{ name: 'commonName', value: 'Lab Test CA' }];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const server = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = server.publicKey;
  cert.serialNumber = '02';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: hostNames[0] ?? HOST_NAME }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // IP addresses go in as iPAddress entries (type 7): TLS clients match IPs only against those.
    {
      name: 'subjectAltName',
      altNames: hostNames.map((value) =>
        isIP(value) ? { type: 7, ip: value } : { type: 2, value },
      ),
    },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: server.keyPem,
  };
}

export const USERS: Readonly<Record<string, string>> = {
  sa: 'Lab!Passw0rd',
  ssis_admin: 'Ünïcode-pässwörd-€',
};

/** Every column type the server can send, one row of values and one row of NULLs. */
export const TYPE_COLUMNS = [
  col('i', t.int()),
  col('bi', t.bigint()),
  col('b', t.bit()),
  col('nv', t.nvarchar(50)),
  col('nvmax', t.nvarchar('max')),
  col('v', t.varchar(20)),
  col('vb', t.varbinary(16)),
  col('vbmax', t.varbinary('max')),
  col('g', t.uniqueidentifier()),
  col('dt2', t.datetime2(7)),
  col('dto', t.datetimeoffset(7)),
  col('sv', t.sqlVariant()),
  col('ti', t.tinyint()),
  col('f', t.float()),
  col('dec', t.decimal(10, 2)),
  col('d', t.date()),
  col('dt', t.datetime()),
];

export const TYPE_ROW: SqlValue[] = [
  2_147_483_647,
  9_007_199_254_740_993n,
  true,
  'Ünïcode ✓',
  'x'.repeat(10_000),
  'café €',
  Buffer.from([0xde, 0xad, 0xbe, 0xef]),
  Buffer.alloc(20_000, 0xab),
  '6F9619FF-8B86-D011-B42D-00C04FC964FF',
  new Date('2024-01-02T03:04:05.678Z'),
  { kind: 'datetimeoffset', date: new Date('2024-06-30T22:15:00.000Z'), offsetMinutes: 120 },
  variant(t.nvarchar(128), 'Enterprise Edition'),
  255,
  3.5,
  '12345678.91',
  new Date('1999-12-31T00:00:00.000Z'),
  new Date('2001-02-03T04:05:06.000Z'),
];

const delay = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });

export interface HandlerLog {
  batches: string[];
  rpcs: RpcCall[];
  transactions: string[];
  cancelled: number;
  disconnected: number;
}

/** Answers the statements the tests send; anything else is SQL Server's "Could not find stored procedure" or a syntax error. */
export function makeTestHandler(log: HandlerLog): TdsHandler<{ user: string }> {
  const statement = async (
    sql: string,
    session: TdsSession<{ user: string }>,
    signal: AbortSignal,
    params: readonly { name: string; type: SqlType; value: SqlValue }[],
  ): Promise<ResultItem[]> => {
    const text = sql.trim();
    if (/^set /i.test(text)) return [];
    if (/^select 1;?$/i.test(text)) return [rows([col('', t.int(), false)], [[1]])];
    if (/^select types/i.test(text))
      return [rows(TYPE_COLUMNS, [TYPE_ROW, TYPE_COLUMNS.map(() => null)])];
    if (/^select two/i.test(text)) {
      return [
        rows([col('n', t.int())], [[1], [2]]),
        info(0, 'between the result sets'),
        rows([col('name', t.nvarchar(128)), col('ok', t.bit())], [['SSISDB', true]]),
      ];
    }
    if (/^select big/i.test(text)) {
      const n = 5000;
      return [
        rows(
          [col('id', t.int()), col('filler', t.nvarchar(100))],
          Array.from({ length: n }, (_, i) => [i, `row ${i} `.padEnd(100, '.')]),
        ),
      ];
    }
    if (/^select session/i.test(text)) {
      return [
        rows(
          [
            col('spid', t.smallint()),
            col('db', t.nvarchar(128)),
            col('encrypt_option', t.nvarchar(40)),
            col('login_name', t.nvarchar(128)),
            col('app', t.nvarchar(128)),
            col('host', t.nvarchar(128)),
            col('trancount', t.int()),
          ],
          [
            [
              session.spid,
              session.database,
              session.encryption,
              session.context?.user ?? null,
              session.login.appName,
              session.login.hostName,
              session.transactionCount,
            ],
          ],
        ),
      ];
    }
    if (/^select @@version/i.test(text)) {
      return [
        rows(
          [col('', t.nvarchar(300))],
          [['Microsoft SQL Server 2022 (RTM-CU12) (KB5033663) - 16.0.4135.4 (X64) Lab']],
        ),
      ];
    }
    if (/^select echo/i.test(text)) {
      return [
        rows(
          params.map((p) => col(p.name.replace(/^@/, ''), p.type)),
          [params.map((p) => p.value)],
        ),
      ];
    }
    if (/^waitfor/i.test(text)) {
      try {
        await delay(10_000, signal);
      } catch {
        log.cancelled += 1;
        return [];
      }
      return [];
    }
    if (/^raiserror/i.test(text)) {
      return [
        rows([col('n', t.int())], [[1]]),
        sqlError(50000, 'Scale Out Master is not reachable.', { state: 3, class: 16, line: 2 }),
      ];
    }
    if (/^use /i.test(text))
      return [
        {
          kind: 'database',
          name: text
            .slice(4)
            .replace(/[[\];]/g, '')
            .trim(),
        },
      ];
    if (/^begin tran/i.test(text)) return [{ kind: 'transaction', action: 'begin' }];
    if (/^commit/i.test(text)) return [{ kind: 'transaction', action: 'commit' }];
    if (/^update/i.test(text)) return [count(3)];
    return [
      sqlError(102, `Incorrect syntax near '${text.split(/\s+/)[0] ?? ''}'.`, {
        state: 1,
        class: 15,
      }),
    ];
  };

  const rpc = statementRpc<{ user: string }>({
    statement: async (sql, params, session, ctx) => ({
      items: await statement(sql, session, ctx.signal, params),
    }),
    procedure: (call): RpcResult => {
      if (call.procName.toLowerCase() === 'catalog.get_master_address') {
        const input = call.params.find((p) => p.name === '@port');
        const port = typeof input?.value === 'number' ? input.value : 8391;
        return {
          items: [rows([col('node', t.nvarchar(128))], [['SQLNODE1'], ['SQLNODE2']])],
          returnStatus: 7,
          outputs: { address: `https://ssis-master.lab.test:${port}`, '@node_count': 2 },
        };
      }
      return {
        items: [
          sqlError(2812, `Could not find stored procedure '${call.procName}'.`, {
            state: 62,
            class: 16,
          }),
        ],
      };
    },
  });

  return {
    async batch(sql, session, ctx): Promise<BatchResult> {
      log.batches.push(sql);
      return { items: await statement(sql, session, ctx.signal, []) };
    },
    rpc(call, session, ctx) {
      log.rpcs.push(call);
      return rpc(call, session, ctx);
    },
    transaction(event) {
      log.transactions.push(`${event.action}${event.implicit ? ' (implicit)' : ''}`);
    },
    disconnect() {
      log.disconnected += 1;
    },
  };
}

export function newLog(): HandlerLog {
  return { batches: [], rpcs: [], transactions: [], cancelled: 0, disconnected: 0 };
}
