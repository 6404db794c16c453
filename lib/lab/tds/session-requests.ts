/** Session-level requests: TRANSACTION_MANAGER and RESETCONNECTION. */

import { Writer } from './buffers';
import { doneOnly, errorResponse } from './response';
import type { TransactionRequest } from './rpc';
import type { Session } from './session';
import { DoneStatus, EnvChangeType, envChangeBytes, envChangeText } from './tokens';
import type { ServerMessage, TdsHandler, TransactionEvent } from './types';

/**
 * TRANSACTION_MANAGER requests (what tedious's beginTransaction/commitTransaction/
 * rollbackTransaction send, and so mssql's Transaction): ENVCHANGE 8/9/10 and a DONE.
 */
export async function transactionManagerResponse<TContext>(
  req: TransactionRequest,
  session: Session<TContext>,
  handler: TdsHandler<TContext>,
  serverName: string,
  prefix: Buffer | undefined,
): Promise<Buffer> {
  const w = new Writer(64);
  if (prefix) w.bytes(prefix);
  const notify = async (event: Omit<TransactionEvent, 'implicit'>): Promise<void> => {
    await handler.transaction?.({ ...event, implicit: false }, session);
  };
  const apply = (action: 'begin' | 'commit' | 'rollback'): ServerMessage | undefined => {
    const outcome = session.transaction(action);
    if (outcome.kind === 'envchange')
      envChangeBytes(w, outcome.type, outcome.newValue, outcome.oldValue);
    return outcome.kind === 'error' ? outcome.error : undefined;
  };
  switch (req.kind) {
    case 'begin': {
      apply('begin');
      await notify({ action: 'begin', name: req.name, isolationLevel: req.isolationLevel });
      break;
    }
    case 'commit':
    case 'rollback': {
      const error = apply(req.kind);
      if (error) return errorResponse([error], serverName, w.toBuffer());
      await notify({ action: req.kind, name: req.name, isolationLevel: 0 });
      if (req.beginNew) {
        apply('begin');
        await notify({
          action: 'begin',
          name: req.newName,
          isolationLevel: req.newIsolationLevel,
        });
      }
      break;
    }
    case 'save':
      if (session.transactionCount === 0) {
        return errorResponse(
          [
            {
              number: 628,
              state: 0,
              class: 16,
              message: 'Cannot issue SAVE TRANSACTION when there is no active transaction.',
            },
          ],
          serverName,
          w.toBuffer(),
        );
      }
      await notify({ action: 'save', name: req.name, isolationLevel: 0 });
      break;
    case 'other':
      return errorResponse(
        [
          {
            number: 50000,
            state: 1,
            class: 16,
            message: `The lab does not support transaction manager request ${req.requestType}.`,
          },
        ],
        serverName,
        w.toBuffer(),
      );
  }
  w.bytes(doneOnly(DoneStatus.FINAL));
  return w.toBuffer();
}

/**
 * RESETCONNECTION (sp_reset_connection): roll back an open transaction unless the
 * client asked to keep it, go back to the login database, let the handler forget
 * session state; acknowledged with ENVCHANGE 18 at the start of the response.
 */
export async function resetSession<TContext>(
  session: Session<TContext>,
  handler: TdsHandler<TContext>,
  rollback: boolean,
): Promise<Buffer> {
  const w = new Writer(64);
  if (rollback && session.transactionCount > 0) {
    const outcome = session.transaction('rollback');
    if (outcome.kind === 'envchange')
      envChangeBytes(w, outcome.type, outcome.newValue, outcome.oldValue);
    await handler.transaction?.(
      { action: 'rollback', name: '', isolationLevel: 0, implicit: true },
      session,
    );
  }
  if (session.database !== session.loginDatabase) {
    const old = session.database;
    session.setDatabase(session.loginDatabase);
    envChangeText(w, EnvChangeType.DATABASE, session.loginDatabase, old);
  }
  await handler.reset?.(session);
  envChangeBytes(w, EnvChangeType.RESET_CONNECTION_ACK, Buffer.alloc(0), Buffer.alloc(0));
  return w.toBuffer();
}
