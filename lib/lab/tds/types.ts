/**
 * Public types of the lab's TDS server: what the SQL-state simulator receives (login,
 * batch text, RPC parameters, session) and what it returns (result items). The shapes
 * follow what SQL Server puts on the wire so a simulator can say "this statement
 * produced these rows / this error" without knowing about tokens.
 */

/** SQL Server data types the server can describe in COLMETADATA / RETURNVALUE and decode in RPC parameters. */
export type SqlType =
  | { type: 'tinyint' }
  | { type: 'smallint' }
  | { type: 'int' }
  | { type: 'bigint' }
  | { type: 'bit' }
  | { type: 'real' }
  | { type: 'float' }
  | { type: 'smallmoney' }
  | { type: 'money' }
  | { type: 'decimal'; precision: number; scale: number }
  | { type: 'nvarchar'; length: number | 'max' }
  | { type: 'nchar'; length: number }
  | { type: 'varchar'; length: number | 'max' }
  | { type: 'char'; length: number }
  | { type: 'varbinary'; length: number | 'max' }
  | { type: 'binary'; length: number }
  | { type: 'uniqueidentifier' }
  | { type: 'date' }
  | { type: 'time'; scale: number }
  | { type: 'smalldatetime' }
  | { type: 'datetime' }
  | { type: 'datetime2'; scale: number }
  | { type: 'datetimeoffset'; scale: number }
  | { type: 'sql_variant' };

export type SqlTypeName = SqlType['type'];

/** A point in time with the offset it was written in (DATETIMEOFFSET keeps both). */
export interface DateTimeOffsetValue {
  kind: 'datetimeoffset';
  /** The instant (UTC). */
  date: Date;
  offsetMinutes: number;
}

/** A SQL_VARIANT value whose base type is chosen explicitly rather than inferred. */
export interface VariantValue {
  kind: 'variant';
  baseType: SqlType;
  value: SqlScalar;
}

/**
 * Values as the simulator sees them.
 * - integers: number (bigint columns also accept bigint / numeric strings; decoded BIGINT parameters are bigint)
 * - decimal/numeric/money: string ("123.45") when decoded, so nothing is lost; numbers are accepted when encoding
 * - (n)varchar/(n)char: string; (var)binary: Buffer; uniqueidentifier: string (upper case when decoded)
 * - date/time types: Date (UTC); datetimeoffset also accepts DateTimeOffsetValue; time decodes to a Date on 1970-01-01
 */
export type SqlScalar =
  null | boolean | number | bigint | string | Buffer | Date | DateTimeOffsetValue;
export type SqlValue = SqlScalar | VariantValue;

export interface Column {
  name: string;
  type: SqlType;
  /** Default true, like most expressions in a SELECT list. */
  nullable?: boolean;
}

/** An INFO (class ≤ 10) or ERROR (class ≥ 11) as SQL Server reports it. */
export interface ServerMessage {
  number: number;
  message: string;
  /** Default 1. */
  state?: number;
  /** Severity. Default 16 for errors, 0 for info. */
  class?: number;
  /** Procedure name; empty for ad-hoc batches. */
  procedure?: string;
  /** Line number within the batch or procedure. Default 1. */
  line?: number;
}

/**
 * One piece of a response, in the order SQL Server would send it.
 * - `rows`: a result set; COLMETADATA + ROW* + DONE(COUNT)
 * - `count`: a statement without a result set that affected rows, e.g. "(3 rows affected)" of an UPDATE
 * - `done`: a statement without a row count (SET, DDL)
 * - `info`: PRINT or an informational message
 * - `error`: an error raised by the current statement; the statement ends with DONE_ERROR
 * - `database`: USE changed the database (ENVCHANGE 1 + message 5701)
 * - `transaction`: BEGIN/COMMIT/ROLLBACK TRANSACTION in T-SQL; the server keeps @@TRANCOUNT and descriptors
 */
export type ResultItem =
  | { kind: 'rows'; columns: readonly Column[]; rows: readonly (readonly SqlValue[])[] }
  | { kind: 'count'; count: number }
  | { kind: 'done' }
  | ({ kind: 'info' } & ServerMessage)
  | ({ kind: 'error' } & ServerMessage)
  | { kind: 'database'; name: string }
  | { kind: 'transaction'; action: 'begin' | 'commit' | 'rollback' };

export interface BatchResult {
  items: readonly ResultItem[];
}

export interface RpcResult {
  items: readonly ResultItem[];
  /**
   * RETURN value of the procedure. Default 0, except that a result with an error and
   * no explicit status sends none (SQL Server does not when the call aborted).
   */
  returnStatus?: number;
  /** Values of OUTPUT parameters by name (with or without '@', case-insensitive); the type defaults to the declared one. */
  outputs?: Readonly<Record<string, SqlValue | { type: SqlType; value: SqlValue }>>;
}

/** A decoded RPC parameter. */
export interface RpcParam {
  /** As sent, including '@'; empty for positional parameters. */
  name: string;
  type: SqlType;
  value: SqlValue;
  output: boolean;
  /** The caller asked for the parameter's default value (status flag 0x02). */
  useDefault: boolean;
}

/** Procedure ids a client can send instead of a name (MS-TDS 2.2.6.6). */
export const ProcId = {
  sp_cursor: 1,
  sp_cursoropen: 2,
  sp_cursorprepare: 3,
  sp_cursorexecute: 4,
  sp_cursorprepexec: 5,
  sp_cursorunprepare: 6,
  sp_cursorfetch: 7,
  sp_cursoroption: 8,
  sp_cursorclose: 9,
  sp_executesql: 10,
  sp_prepare: 11,
  sp_execute: 12,
  sp_prepexec: 13,
  sp_prepexecrpc: 14,
  sp_unprepare: 15,
} as const;

export interface RpcCall {
  /** The name as written by the caller ('dbo.MyProc') or, for a ProcID call, the well-known name ('sp_executesql'). */
  procName: string;
  /** Set when the client sent a ProcID instead of a name. */
  procId?: number;
  params: readonly RpcParam[];
  /** OptionFlags: 0x01 WITH RECOMPILE, 0x02 NoMetaData, 0x04 ReuseMetaData. */
  optionFlags: number;
}

export type EncryptionMode = 'off' | 'login-only' | 'on';

/** Everything the client said in LOGIN7 (MS-TDS 2.2.6.4), password already unscrambled. */
export interface LoginRequest {
  tdsVersion: number;
  packetSize: number;
  clientProgVer: number;
  clientPid: number;
  connectionId: number;
  optionFlags1: number;
  optionFlags2: number;
  typeFlags: number;
  optionFlags3: number;
  clientTimeZone: number;
  clientLcid: number;
  hostName: string;
  userName: string;
  password: string;
  appName: string;
  /** The server name the client thinks it is talking to. */
  serverName: string;
  /** Client library ("Tedious", "TDS-Library"). */
  libraryName: string;
  language: string;
  database: string;
  clientId: Buffer;
  attachDbFile: string;
  changePassword: string;
  /** SSPI blob; non-empty means the client wants Windows authentication. */
  sspi: Buffer;
  /** OptionFlags2 fIntSecurity. */
  integratedSecurity: boolean;
  /** TypeFlags fReadOnlyIntent (ApplicationIntent=ReadOnly). */
  readOnlyIntent: boolean;
  /** FeatureExt blocks (id → data). */
  features: ReadonlyMap<number, Buffer>;
}

export interface LoginContext {
  remoteAddress: string;
  remotePort: number;
  encryption: EncryptionMode;
}

export interface LoginError {
  number: number;
  /** Default 1, which is what SQL Server shows clients whatever the real reason. */
  state?: number;
  /** Default 14 for 18456/18452/18470/18486/18487/18488, else 11. */
  class?: number;
  /** Default: SQL Server's text for 18456 / 18452 / 4060, else required. */
  message?: string;
}

export type AuthResult<TContext = unknown> =
  | {
      ok: true;
      /** Database the session starts in; default the requested one, else 'master'. */
      database?: string;
      /** Kept on the session for the handler. */
      context?: TContext;
    }
  /** `ok` may be omitted on failure: `{ error: { number: 18456, state: 8 } }`. */
  | { ok?: false; error: LoginError | readonly LoginError[] };

export interface TdsSession<TContext = unknown> {
  readonly spid: number;
  readonly login: Omit<LoginRequest, 'password' | 'changePassword'>;
  readonly remoteAddress: string;
  readonly encryption: EncryptionMode;
  /** Current database (USE changes it). */
  readonly database: string;
  /** @@TRANCOUNT as the server tracks it from TM requests and `transaction` items. */
  readonly transactionCount: number;
  readonly context: TContext | undefined;
}

export interface RequestContext {
  /** Aborted when the client sends ATTENTION (cancel) or disconnects. */
  signal: AbortSignal;
  /** The transaction descriptor from ALL_HEADERS (zeros outside a transaction). */
  transactionDescriptor: Buffer;
}

export interface TransactionEvent {
  action: 'begin' | 'commit' | 'rollback' | 'save';
  name: string;
  /** TM BEGIN isolation level byte (0 = unchanged, 2 = read committed, ...). */
  isolationLevel: number;
  /** Rolled back because the connection was reset or closed, not by request. */
  implicit: boolean;
}

export type Awaitable<T> = T | Promise<T>;

export interface TdsHandler<TContext = unknown> {
  batch(
    sql: string,
    session: TdsSession<TContext>,
    request: RequestContext,
  ): Awaitable<BatchResult>;
  rpc(call: RpcCall, session: TdsSession<TContext>, request: RequestContext): Awaitable<RpcResult>;
  /** Told about transaction changes requested through TRANSACTION_MANAGER messages or implied by reset/close. */
  transaction?(event: TransactionEvent, session: TdsSession<TContext>): Awaitable<void>;
  /** RESETCONNECTION: session state (temp tables, SET options) should be forgotten. */
  reset?(session: TdsSession<TContext>): Awaitable<void>;
  /** The connection closed. */
  disconnect?(session: TdsSession<TContext>): void;
}

export interface SqlServerVersion {
  major: number;
  minor: number;
  build: number;
  revision: number;
}

export interface TdsServerOptions<TContext = unknown> {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Reported as the server name in messages (e.g. 'SQLNODE1'). */
  serverName: string;
  /** Default 16.0.4135.4 (SQL Server 2022). */
  version?: SqlServerVersion | string;
  /** PEM certificate (chain) and key for the host name; without them the server answers ENCRYPT_NOT_SUP. */
  tls?: { cert: string; key: string };
  /** SQL Server's "Force Encryption": clients that only offer login encryption get full TLS, clients without TLS are refused. */
  forceEncryption?: boolean;
  authenticate(login: LoginRequest, context: LoginContext): Awaitable<AuthResult<TContext>>;
  handler: TdsHandler<TContext>;
  /** First session id handed out. Default 51 (user sessions start above 50). */
  firstSpid?: number;
  /** Unexpected failures (protocol errors, handler exceptions). Default: ignored. */
  onError?(error: Error, where: string): void;
}

export interface TdsServer {
  readonly host: string;
  readonly port: number;
  /** Number of open client connections. */
  readonly connectionCount: number;
  /**
   * Drops the connections whose session context matches (what the end of the server process
   * behind them does to a client); returns how many.
   */
  dropSessions(match: (context: unknown) => boolean): number;
  close(): Promise<void>;
}
