/**
 * Requests after login: SQL_BATCH, RPC and TRANSACTION_MANAGER messages in, one
 * response message out (undefined when the request was cancelled meanwhile).
 */

import { Writer } from './buffers';
import type { TdsMessage } from './packet';
import { PacketType, asError } from './packet';
import { batchResponse, errorResponse, writeRpcResponse } from './response';
import { UnsupportedParameterError, parseRpc, parseSqlBatch, parseTransactionManager } from './rpc';
import type { Session } from './session';
import { transactionManagerResponse } from './session-requests';
import type { RpcResult, ServerMessage, TdsHandler } from './types';

export interface RequestEnv<TContext> {
  serverName: string;
  handler: TdsHandler<TContext>;
  /** Handler exceptions are reported here and answered with error 50000. */
  report(error: Error, where: string): void;
}

export async function respond<TContext>(
  m: TdsMessage,
  session: Session<TContext>,
  env: RequestEnv<TContext>,
  signal: AbortSignal,
  prefix: Buffer | undefined,
): Promise<Buffer | undefined> {
  const { serverName, handler } = env;
  const internalError = (e: unknown, where: string): ServerMessage => {
    const error = asError(e);
    env.report(error, where);
    return {
      number: 50000,
      state: 1,
      class: 16,
      message: `Lab TDS handler failed: ${error.message}`,
    };
  };
  switch (m.type) {
    case PacketType.SQL_BATCH: {
      const req = parseSqlBatch(m.payload);
      const ctx = { signal, transactionDescriptor: req.headers.transactionDescriptor };
      try {
        const result = await handler.batch(req.sql, session, ctx);
        if (signal.aborted) return undefined;
        return batchResponse(result.items, session, prefix);
      } catch (e) {
        if (signal.aborted) return undefined;
        return errorResponse([internalError(e, 'batch')], serverName, prefix);
      }
    }
    case PacketType.RPC: {
      let req;
      try {
        req = parseRpc(m.payload);
      } catch (e) {
        if (!(e instanceof UnsupportedParameterError)) throw e;
        // SQL Server's error for a parameter type it cannot read.
        return errorResponse(
          [
            {
              number: 8009,
              state: 1,
              class: 16,
              message: `The incoming tabular data stream (TDS) remote procedure call (RPC) protocol stream is incorrect. Parameter ${e.ordinal} ("${e.paramName}"): Data type 0x${e.typeId.toString(16).toUpperCase()} is unknown.`,
            },
          ],
          serverName,
          prefix,
        );
      }
      const ctx = { signal, transactionDescriptor: req.headers.transactionDescriptor };
      const w = new Writer(1024);
      if (prefix) w.bytes(prefix);
      for (const [i, call] of req.calls.entries()) {
        let result: RpcResult;
        try {
          result = await handler.rpc(call, session, ctx);
        } catch (e) {
          if (signal.aborted) return undefined;
          result = { items: [{ kind: 'error', ...internalError(e, 'rpc') }] };
        }
        if (signal.aborted) return undefined;
        writeRpcResponse(w, call, result, session, i === req.calls.length - 1);
      }
      return w.toBuffer();
    }
    case PacketType.TRANSACTION_MANAGER:
      return transactionManagerResponse(
        parseTransactionManager(m.payload),
        session,
        handler,
        serverName,
        prefix,
      );
    default:
      return errorResponse(
        [
          {
            number: 50000,
            state: 1,
            class: 16,
            message: `The lab does not support TDS message type 0x${m.type.toString(16)}.`,
          },
        ],
        serverName,
        prefix,
      );
  }
}
