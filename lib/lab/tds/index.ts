/**
 * The built-in lab's TDS 7.4 server. The protocol lives here; what queries mean is up to
 * the handler (the lab's SQL-state simulator).
 */

export { createTdsServer, parseVersion, DEFAULT_VERSION } from './server';
export { t, col, rows, count, info, sqlError, dto, variant } from './results';
export { ProcId } from './types';
export { statementRpc, declaredNames, systemProcName } from './statements';
export type { StatementHandlers } from './statements';
export type {
  AuthResult,
  Awaitable,
  BatchResult,
  Column,
  DateTimeOffsetValue,
  EncryptionMode,
  LoginContext,
  LoginError,
  LoginRequest,
  RequestContext,
  ResultItem,
  RpcCall,
  RpcParam,
  RpcResult,
  ServerMessage,
  SqlScalar,
  SqlServerVersion,
  SqlType,
  SqlTypeName,
  SqlValue,
  TdsHandler,
  TdsServer,
  TdsServerOptions,
  TdsSession,
  TransactionEvent,
  VariantValue,
} from './types';
