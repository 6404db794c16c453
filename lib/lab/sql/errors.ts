/**
 * SQL Server errors as the lab raises them. One place for numbers and texts so a client
 * that branches on `number` sees what a real server would send.
 *
 * Numbers and texts marked [verified] are SQL Server's own (sys.messages wording). Those
 * marked [approx] are the closest documented error we know of; the number is realistic
 * but the exact text may differ from a real server.
 */

import type { ServerMessage } from '@/lib/lab/tds/types';

export class SqlError extends Error {
  readonly number: number;
  readonly state: number;
  readonly severity: number;
  /**
   * Compile-time and conversion errors end the whole batch; most run-time errors only end
   * the statement and the batch goes on (T-SQL's default, without XACT_ABORT).
   */
  readonly abortsBatch: boolean;
  /** Procedure that raised it (empty for ad-hoc batches). */
  procedure: string;
  /** Errors SQL Server sends before this one for the same failure (300 comes before 297). */
  preceding: SqlError[] = [];

  constructor(number: number, message: string, opts: { state?: number; severity?: number; abortsBatch?: boolean; procedure?: string } = {}) {
    super(message);
    this.name = 'SqlError';
    this.number = number;
    this.state = opts.state ?? 1;
    this.severity = opts.severity ?? 16;
    this.abortsBatch = opts.abortsBatch ?? false;
    this.procedure = opts.procedure ?? '';
  }

  toMessage(line = 1): ServerMessage {
    return { number: this.number, message: this.message, state: this.state, class: this.severity, procedure: this.procedure, line };
  }
}

const abort = { abortsBatch: true } as const;

export const E = {
  // --- parsing [verified]
  syntax: (near: string) => new SqlError(102, `Incorrect syntax near '${near}'.`, { ...abort, severity: 15 }),
  syntaxKeyword: (kw: string) => new SqlError(156, `Incorrect syntax near the keyword '${kw}'.`, { ...abort, severity: 15 }),
  syntaxEnd: () => new SqlError(102, `Incorrect syntax near ')'.`, { ...abort, severity: 15 }),
  unclosedQuote: (text: string) => new SqlError(105, `Unclosed quotation mark after the character string '${text}'.`, { ...abort, severity: 15 }),
  missingEndComment: () => new SqlError(113, `Missing end comment mark '*/'.`, { ...abort, severity: 15 }),
  // --- names [verified]
  invalidObject: (name: string) => new SqlError(208, `Invalid object name '${name}'.`, abort),
  invalidColumn: (name: string) => new SqlError(207, `Invalid column name '${name}'.`, abort),
  ambiguousColumn: (name: string) => new SqlError(209, `Ambiguous column name '${name}'.`, abort),
  unknownFunction: (name: string) => new SqlError(195, `'${name}' is not a recognized built-in function name.`, { ...abort, severity: 15 }),
  unknownProcedure: (name: string) => new SqlError(2812, `Could not find stored procedure '${name}'.`),
  mustDeclare: (name: string) => new SqlError(137, `Must declare the scalar variable "${name}".`, { ...abort, severity: 15 }),
  alreadyDeclared: (name: string) =>
    new SqlError(134, `The variable name '${name}' has already been declared. Variable names must be unique within a query batch or stored procedure.`, { ...abort, severity: 15 }),
  dbNotExist: (name: string) => new SqlError(911, `Database '${name}' does not exist. Make sure that the name is entered correctly.`),
  // --- procedures [verified]
  missingParam: (proc: string, param: string) => new SqlError(201, `Procedure or function '${proc}' expects parameter '${param}', which was not supplied.`),
  tooManyArgs: (proc: string) => new SqlError(8144, `Procedure or function ${proc} has too many arguments specified.`),
  notAParam: (param: string, proc: string) => new SqlError(8145, `${param} is not a parameter for procedure ${proc}.`),
  // --- conversions [verified]
  convert: (value: string, from: string, to: string) =>
    new SqlError(245, `Conversion failed when converting the ${from} value '${value}' to data type ${to}.`, abort),
  convertGuid: () => new SqlError(8169, 'Conversion failed when converting from a character string to uniqueidentifier.', abort),
  convertParam: (from: string, to: string) => new SqlError(8114, `Error converting data type ${from} to ${to}.`),
  // --- security [verified]
  permissionDenied: (perm: string, object: string, db: string, schema: string) =>
    new SqlError(229, `The ${perm} permission was denied on the object '${object}', database '${db}', schema '${schema}'.`, { severity: 14 }),
  noPermission: () => new SqlError(15247, 'User does not have permission to perform this action.'),
  viewServerState: () => {
    const e = new SqlError(297, 'The user does not have permission to perform this action.');
    e.preceding.push(new SqlError(300, `VIEW SERVER STATE permission was denied on object 'server', database 'master'.`, { severity: 14 }));
    return e;
  },
  notBound: (name: string) => new SqlError(4104, `The multi-part identifier "${name}" could not be bound.`, abort),
  duplicateExposed: (a: string) =>
    new SqlError(1013, `The objects "${a}" and "${a}" in the FROM clause have duplicate exposed names. Use correlation names to distinguish them.`, abort),
  noColumnName: (n: number, alias: string) => new SqlError(8155, `No column name was specified for column ${n} of '${alias}'.`, abort),
  notInGroupBy: (col: string) =>
    new SqlError(8120, `Column '${col}' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.`, abort),
  subqueryMany: () =>
    new SqlError(512, 'Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.'),
  subqueryColumns: () => new SqlError(116, 'Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.', abort),
  nonBoolean: (near: string) => new SqlError(4145, `An expression of non-boolean type specified in a context where a condition is expected, near '${near}'.`, { ...abort, severity: 15 }),
  assignMixed: () => new SqlError(141, 'A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations.', { ...abort, severity: 15 }),
  argCount: (fn: string, n: number) => new SqlError(174, `The ${fn} function requires ${n} argument(s).`, { ...abort, severity: 15 }),
  notPrimaryOrSecondary: (db: string) =>
    new SqlError(
      983,
      `Unable to access availability database '${db}' because the database replica is not in the PRIMARY or SECONDARY role. Connections to an availability database is permitted only when the database replica is in the PRIMARY or SECONDARY role. Try the operation again later.`,
      { severity: 14 },
    ),
  cannotAccessDb: (login: string, db: string) =>
    new SqlError(916, `The server principal "${login}" is not able to access the database "${db}" under the current security context.`, { severity: 14 }),
  cannotAlterLogin: (name: string) => new SqlError(15151, `Cannot alter the login '${name}', because it does not exist or you do not have permission.`),
  cannotDropLogin: (name: string) => new SqlError(15151, `Cannot drop the login '${name}', because it does not exist or you do not have permission.`),
  cannotAlterRole: (name: string) => new SqlError(15151, `Cannot alter the role '${name}', because it does not exist or you do not have permission.`),
  cannotAlterServerRole: (name: string) => new SqlError(15151, `Cannot alter the server role '${name}', because it does not exist or you do not have permission.`),
  cannotAddPrincipal: (name: string) => new SqlError(15151, `Cannot add the principal '${name}', because it does not exist or you do not have permission.`),
  cannotDropUser: (name: string) => new SqlError(15151, `Cannot drop the user '${name}', because it does not exist or you do not have permission.`),
  cannotAlterUser: (name: string) => new SqlError(15151, `Cannot alter the user '${name}', because it does not exist or you do not have permission.`),
  cannotAlterAg: (name: string) => new SqlError(15151, `Cannot alter the availability group '${name}', because it does not exist or you do not have permission.`),
  windowsNameNotFound: (name: string) => new SqlError(15401, `Windows NT user or group '${name}' not found. Check the name again.`),
  principalExists: (name: string) => new SqlError(15025, `The server principal '${name}' already exists.`),
  sidInUse: () => new SqlError(15433, 'Supplied parameter sid is in use.'),
  userExists: (name: string) => new SqlError(15023, `User, group, or role '${name}' already exists in the current database.`),
  notValidLogin: (name: string) => new SqlError(15007, `'${name}' is not a valid login or you do not have permission.`),
  loginHasUser: () => new SqlError(15063, 'The login already has an account under a different user name.'),
  passwordPolicy: (detail: string) =>
    new SqlError(15118, `Password validation failed. The password does not meet the operating system policy requirements because it ${detail}.`),
  oldPasswordWrong: (name: string) => new SqlError(15151, `Cannot alter the login '${name}', because it does not exist or you do not have permission.`),
  // --- databases and Always On [verified]
  readOnlyDb: (db: string) => new SqlError(3906, `Failed to update database "${db}" because the database is read-only.`),
  notReadable: (db: string) =>
    new SqlError(
      976,
      `The target database, '${db}', is participating in an availability group and is currently not accessible for queries. Either data movement is suspended or the availability replica is not enabled for read access. To allow read-only access to this and other databases in the availability group, enable read access to one or more secondary availability replicas in the group.  For more information, see the ALTER AVAILABILITY GROUP statement in SQL Server Books Online.`,
      { severity: 14 },
    ),
  alreadyPrimary: (ag: string) =>
    new SqlError(
      41122,
      `Cannot failover availability group '${ag}' to this instance of SQL Server.  The local availability replica is already the primary replica of the availability group.  To failover this availability group to another instance, run the failover command on that instance.  If local instance is intended to be the primary replica of the availability group, then no action is required.`,
    ),
  // [approx] 41142: the replica cannot become primary because its databases are not synchronized.
  notSynchronized: (ag: string) =>
    new SqlError(
      41142,
      `The availability replica for availability group '${ag}' on this instance of SQL Server cannot become the primary replica. One or more databases are not synchronized or have not joined the availability group, or the WSFC cluster was started in Force Quorum mode.`,
    ),
  // [approx] 41190: the local replica cannot run a command that needs the primary.
  notPrimaryForCommand: (ag: string, command: string) =>
    new SqlError(
      41190,
      `Availability group '${ag}' failed to process the ${command} command. The local availability replica is not in a state that could process the command. Verify that the availability group is online and that the local availability replica is the primary replica, then retry the command.`,
    ),
  notAReplica: (ag: string) =>
    new SqlError(
      41106,
      `Cannot failover availability group '${ag}' to this instance of SQL Server.  The local availability replica is not joined to the availability group or the availability group does not exist.`,
    ),
  // [approx] 19471: the listener's network name could not be created (name taken).
  listenerNameTaken: (dns: string) =>
    new SqlError(
      19471,
      `The WSFC cluster could not bring the Network Name resource with DNS name '${dns}' online. The DNS name may have been taken or have a conflict with existing name services, or the WSFC cluster service may not be running or may be inaccessible. Use a different DNS name to resolve name conflicts, or check the WSFC cluster log for more information.`,
    ),
  // [approx] one listener per AG through SQL Server.
  listenerExists: (ag: string) =>
    new SqlError(19486, `The availability group '${ag}' already has a listener. Only one listener per availability group can be created through SQL Server; use the WSFC cluster to add more.`),
  listenerNotFound: (name: string, ag: string) =>
    new SqlError(19477, `The availability group '${ag}' does not have a listener named '${name}'. Verify the listener name and retry the command.`),
  invalidIp: (ip: string) => new SqlError(19453, `The specified IP Address '${ip}' is not valid. Specify a valid IPv4 or IPv6 address and retry the command.`),
  invalidPort: (port: number) => new SqlError(19458, `The port ${port} is not valid for the availability group listener. Specify a port between 1 and 65535 and retry the command.`),
  // --- keys [verified texts for 15581 and 15313]
  noMasterKey: () =>
    new SqlError(15581, 'Please create a master key in the database or open the master key in the session before performing this operation.'),
  wrongKeyPassword: () => new SqlError(15313, 'The key is not encrypted using the specified decryptor.'),
  dbDoesNotExist: (name: string) => new SqlError(15010, `The database '${name}' does not exist. Supply a valid database name. To see available databases, use sys.databases.`),
  // [approx] a credential for this database's master key already exists / does not exist.
  dmkCredentialExists: (db: string) => new SqlError(15578, `There is already a master key password for database '${db}' in the credential store.`),
  dmkCredentialMissing: (db: string) => new SqlError(15579, `There is no master key password for database '${db}' in the credential store.`),
  // --- SSISDB [SRC numbers; texts approx]
  ssisNotSysadmin: () =>
    new SqlError(27260, 'The operation cannot be performed because the caller is not a member of the sysadmin fixed server role. Only sysadmin members can enable Scale Out.', { procedure: 'enable_scaleout' }),
  ssisNoMasterFeature: () =>
    new SqlError(27261, 'Scale Out Master is not installed on this SQL Server host. Install the Scale Out Master feature on the computer that hosts this instance, then retry.', {
      procedure: 'enable_scaleout',
    }),
  ssisNullParam: (proc: string) => new SqlError(27138, 'The input parameter cannot be null. Provide a valid value for the parameter.', { procedure: proc }),
  ssisWorkerNotFound: (id: string, proc: string) => new SqlError(27243, `The worker agent with ID '${id}' does not exist.`, { procedure: proc }),
  ssisBadProperty: (name: string) => new SqlError(27101, `The property '${name}' cannot be set. Valid properties are DisplayName, Description and Tags.`, { procedure: 'set_worker_agent_property' }),
  // --- the lab's own limits: realistic number, message says what is missing.
  notImplemented: (what: string) =>
    new SqlError(40517, `Keyword or statement option '${what}' is not supported in this version of SQL Server (not implemented by the lab).`, { severity: 16 }),
  rollbackNotUndone: (n: number) =>
    new SqlError(
      40517,
      `ROLLBACK TRANSACTION cannot undo ${n} change(s) made inside the transaction: transactional undo is not implemented by the lab. The changes remain applied.`,
    ),
};

/** Login-time errors ([verified] texts; the client always sees state 1, the reason goes to the error log). */
export const LoginErrors = {
  failed: (user: string) => ({ number: 18456, state: 1, class: 14, message: `Login failed for user '${user}'.` }),
  untrustedDomain: () => ({
    number: 18452,
    state: 1,
    class: 14,
    message: 'Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.',
  }),
  cannotOpenDb: (db: string) => ({ number: 4060, state: 1, class: 11, message: `Cannot open database "${db}" requested by the login. The login failed.` }),
};
