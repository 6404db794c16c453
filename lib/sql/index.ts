// lib/sql: the wizard's SQL Server adapter. Server-only: targets carry passwords.
import 'server-only';

export { query, exec, queryRows } from './run';
export { testSqlConnection, type SqlConnectionTest } from './test-connection';
export { connect, closePool, closeDeploymentPools, closeAllPools, openPoolCount } from './pool';
export { SqlFailureError, isSqlFailureError } from './failure';
export { targetLabel } from './config';
export { describeSqlError, type SqlErrorCode, type SqlProblem } from './errors';
export { quoteName, quoteParts, quoteNString, hexLiteral, MASKED, SqlQuoteError } from './quote';
export * from './types';
