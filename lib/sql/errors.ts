// SQL Server errors mapped, in one place, to codes and messages a DBA can act on.

export type SqlErrorCode =
  // Connection layers, in the order a connection goes through them (lib/sql/failure.ts).
  | 'CONFIG'
  | 'DNS'
  | 'TCP_REFUSED'
  | 'TCP_TIMEOUT'
  | 'CONNECTION'
  | 'TLS_UNTRUSTED'
  | 'TLS_NAME_MISMATCH'
  | 'TLS_THUMBPRINT_MISMATCH'
  | 'TLS'
  | 'HANDSHAKE_TIMEOUT'
  | 'NOT_ENCRYPTED'
  // Errors SQL Server reports (login and statements).
  | 'LOGIN_FAILED'
  | 'LOGIN_WINDOWS_ONLY'
  | 'LOGIN_WINDOWS_FAILED'
  | 'DATABASE_UNAVAILABLE'
  | 'PERMISSION_DENIED'
  | 'OBJECT_NOT_FOUND'
  | 'PROCEDURE_NOT_FOUND'
  | 'LOGIN_EXISTS'
  | 'LOGIN_NOT_FOUND'
  | 'WINDOWS_ACCOUNT_NOT_FOUND'
  | 'SID_IN_USE'
  | 'SECONDARY_NOT_READABLE'
  | 'DATABASE_READ_ONLY'
  | 'NOT_PRIMARY'
  | 'SYNTAX'
  | 'CONNECTION'
  | 'TLS'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'UNEXPECTED_RESULT'
  | 'SQL_ERROR';

/** How the login was attempted: 18452 means different things for SQL and Windows logins. */
export type SqlAuthKind = 'sql' | 'windows';

/** Why login failed, by the state SQL Server writes in its error log (the client always sees state 1 on real servers, the lab tells it). */
const LOGIN_STATES: Record<number, string> = {
  2: 'the login does not exist',
  5: 'the login does not exist',
  6: 'a Windows login name was used with SQL authentication',
  7: 'the login is disabled',
  8: 'the password is wrong',
  9: 'the password is not valid',
  11: 'the login is valid but has no access to the server',
  12: 'the login is valid but has no access to the server',
  18: 'the password must be changed',
  38: 'the requested database could not be opened',
  40: "the login's default database could not be opened",
  58: 'SQL authentication was used on a server that accepts Windows authentication only',
};

export type SqlProblem = {
  code: SqlErrorCode;
  number?: number;
  state?: number;
  message: string;
  serverMessage?: string;
};

export function describeSqlError(
  number: number,
  state: number | undefined,
  serverMessage: string,
  target: string,
  auth: SqlAuthKind = 'sql',
): SqlProblem {
  const base = { number, state, serverMessage };
  switch (number) {
    case 18470:
    case 18486:
    case 18487:
    case 18488:
      return {
        ...base,
        code: 'LOGIN_FAILED',
        message: `Login to ${target} failed: ${serverMessage}`,
      };
    case 18456: {
      const why = state !== undefined ? LOGIN_STATES[state] : undefined;
      return {
        ...base,
        code: 'LOGIN_FAILED',
        message: `Login to ${target} failed${why ? `: ${why}` : ''}. Check the user name and password in the inventory.`,
      };
    }
    case 18452:
      // With a Windows login the server could not authenticate the Windows account (untrusted
      // domain, NTLM refused); with a SQL login the server is in Windows-only mode.
      if (auth === 'windows')
        return {
          ...base,
          code: 'LOGIN_WINDOWS_FAILED',
          message: `${target} refused the Windows (NTLM) login: the account's domain is not trusted by the server, or the server does not accept NTLM from this client. Check the domain\\user name and password, or use a SQL login.`,
        };
      return {
        ...base,
        code: 'LOGIN_WINDOWS_ONLY',
        message: `${target} accepts Windows authentication only: enable mixed mode (SQL Server and Windows authentication) and restart the instance, or use Windows authentication.`,
      };
    case 4060:
    case 916:
      return {
        ...base,
        code: 'DATABASE_UNAVAILABLE',
        message: `${target}: the database cannot be opened by this login (${serverMessage}). On a replica, check that the login exists with the same SID as the database user.`,
      };
    case 229:
    case 230:
    case 297:
    case 300:
    case 15247:
    case 27260:
      return {
        ...base,
        code: 'PERMISSION_DENIED',
        message: `${target}: permission denied (${serverMessage}). The SQL login in the inventory needs sysadmin for this step.`,
      };
    case 208:
      return {
        ...base,
        code: 'OBJECT_NOT_FOUND',
        message: `${target}: ${serverMessage} Is SSISDB created and is this the right instance?`,
      };
    case 2812:
      return {
        ...base,
        code: 'PROCEDURE_NOT_FOUND',
        message: `${target}: ${serverMessage} Is Scale Out Master installed and SSISDB at the right version?`,
      };
    case 15025:
      return { ...base, code: 'LOGIN_EXISTS', message: `${target}: ${serverMessage}` };
    case 15151:
    case 15007:
      return { ...base, code: 'LOGIN_NOT_FOUND', message: `${target}: ${serverMessage}` };
    case 15401:
      return {
        ...base,
        code: 'WINDOWS_ACCOUNT_NOT_FOUND',
        message: `${target}: ${serverMessage} SQL Server asks Windows for the account when it creates its login, and the computer it runs on does not know it: check the account's domain\\name in the inventory (a domain account, or NT Service\\<service> only where that service is installed).`,
      };
    case 15433:
      return {
        ...base,
        code: 'SID_IN_USE',
        message: `${target}: another login already uses this SID (${serverMessage}).`,
      };
    case 976:
    case 978:
      return {
        ...base,
        code: 'SECONDARY_NOT_READABLE',
        message: `${target} is a secondary replica that does not allow reads: connect through the listener or to the primary.`,
      };
    case 3906:
    case 983:
      return {
        ...base,
        code: 'DATABASE_READ_ONLY',
        message: `${target} is a secondary replica: changes must be made on the primary (through the listener).`,
      };
    case 41122:
    case 41142:
    case 19405:
      return { ...base, code: 'NOT_PRIMARY', message: `${target}: ${serverMessage}` };
    case 102:
    case 156:
    case 170:
      return {
        ...base,
        code: 'SYNTAX',
        message: `${target} refused the statement: ${serverMessage}`,
      };
    default:
      return {
        ...base,
        code: 'SQL_ERROR',
        message: `${target}: ${serverMessage} (error ${number})`,
      };
  }
}
