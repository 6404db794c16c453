/**
 * Turns handler results into token streams with SQL Server's shapes (reference B10):
 * - batch: COLMETADATA, ROW…, DONE(MORE|COUNT) per result; the last DONE has MORE clear;
 * - RPC: the same closed by DONEINPROC, then RETURNSTATUS, RETURNVALUE…, DONEPROC.
 *   mssql only turns a result set into a recordset on DONE/DONEINPROC, never DONEPROC.
 */

import { Writer } from './buffers';
import {
  CurCmd,
  DoneStatus,
  EnvChangeType,
  Token,
  colMetadata,
  done,
  envChangeBytes,
  envChangeText,
  message,
  returnStatus,
  returnValue,
  row,
} from './tokens';
import type { ResultItem, RpcCall, RpcResult, ServerMessage, SqlType, SqlValue } from './types';

/** Session operations the response needs; implemented by the connection. */
export interface ResponseSession {
  serverName: string;
  database: string;
  setDatabase(name: string): void;
  /** Applies BEGIN/COMMIT/ROLLBACK; returns the ENVCHANGE to send, nothing (nested), or SQL Server's error. */
  transaction(action: 'begin' | 'commit' | 'rollback'): TransactionOutcome;
}

export type TransactionOutcome =
  | { kind: 'envchange'; type: number; newValue: Buffer; oldValue: Buffer }
  | { kind: 'none' }
  | { kind: 'error'; error: ServerMessage };

/** A partly built response: token bytes plus the position of the last DONE-family token. */
class TokenStream {
  readonly w = new Writer(1024);
  private lastDoneAt = -1;
  hadError = false;

  done(token: number, status: number, curCmd: number, count: number | bigint): void {
    this.lastDoneAt = this.w.length;
    if (status & DoneStatus.ERROR) this.hadError = true;
    done(this.w, token, status, curCmd, count);
  }

  /** True when the last thing written is a DONE token. */
  endsWithDone(): boolean {
    return this.lastDoneAt >= 0 && this.lastDoneAt + 13 === this.w.length;
  }

  /** Clears DONE_MORE on the final DONE so the client knows the response is complete. */
  finish(): Buffer {
    const buf = this.w.toBuffer();
    if (this.endsWithDone()) {
      const status = buf.readUInt16LE(this.lastDoneAt + 1);
      buf.writeUInt16LE(status & ~DoneStatus.MORE, this.lastDoneAt + 1);
    }
    return buf;
  }
}

function writeMessage(
  s: TokenStream,
  serverName: string,
  m: ServerMessage,
  asError: boolean,
): void {
  message(s.w, asError ? Token.ERROR : Token.INFO, {
    number: m.number,
    state: m.state ?? 1,
    class: m.class ?? (asError ? 16 : 0),
    message: m.message,
    serverName,
    procedure: m.procedure ?? '',
    line: m.line ?? 1,
  });
}

function writeItems(
  s: TokenStream,
  items: readonly ResultItem[],
  session: ResponseSession,
  doneToken: number,
): void {
  for (const item of items) {
    switch (item.kind) {
      case 'rows':
        colMetadata(s.w, item.columns);
        for (const values of item.rows) row(s.w, item.columns, values);
        s.done(doneToken, DoneStatus.MORE | DoneStatus.COUNT, CurCmd.SELECT, item.rows.length);
        break;
      case 'count':
        s.done(doneToken, DoneStatus.MORE | DoneStatus.COUNT, CurCmd.NONE, item.count);
        break;
      case 'done':
        s.done(doneToken, DoneStatus.MORE, CurCmd.NONE, 0);
        break;
      case 'info':
        writeMessage(s, session.serverName, item, false);
        break;
      case 'error':
        writeMessage(s, session.serverName, item, true);
        s.done(doneToken, DoneStatus.MORE | DoneStatus.ERROR, CurCmd.NONE, 0);
        break;
      case 'database': {
        const old = session.database;
        session.setDatabase(item.name);
        envChangeText(s.w, EnvChangeType.DATABASE, item.name, old);
        writeMessage(
          s,
          session.serverName,
          {
            number: 5701,
            state: 1,
            class: 0,
            message: `Changed database context to '${item.name}'.`,
          },
          false,
        );
        break;
      }
      case 'transaction': {
        const outcome = session.transaction(item.action);
        if (outcome.kind === 'envchange')
          envChangeBytes(s.w, outcome.type, outcome.newValue, outcome.oldValue);
        else if (outcome.kind === 'error') {
          writeMessage(s, session.serverName, outcome.error, true);
          s.done(doneToken, DoneStatus.MORE | DoneStatus.ERROR, CurCmd.NONE, 0);
        }
        break;
      }
    }
  }
}

/** Response to a SQL_BATCH. `prefix` carries tokens that must come first (reset acknowledgement). */
export function batchResponse(
  items: readonly ResultItem[],
  session: ResponseSession,
  prefix?: Buffer,
): Buffer {
  const s = new TokenStream();
  if (prefix) s.w.bytes(prefix);
  writeItems(s, items, session, Token.DONE);
  if (!s.endsWithDone()) s.done(Token.DONE, DoneStatus.FINAL, CurCmd.NONE, 0);
  return s.finish();
}

function normalise(name: string): string {
  return name.replace(/^@/, '').toLowerCase();
}

type OutputValue = SqlValue | { type: SqlType; value: SqlValue };

function isTyped(v: OutputValue): v is { type: SqlType; value: SqlValue } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Buffer.isBuffer(v) &&
    !(v instanceof Date) &&
    !('kind' in v)
  );
}

/** Response to one RPC of a request (a request may carry several; only the last is final). */
export function writeRpcResponse(
  w: Writer,
  call: RpcCall,
  result: RpcResult,
  session: ResponseSession,
  final: boolean,
): void {
  const s = new TokenStream();
  writeItems(s, result.items, session, Token.DONEINPROC);
  const hadError = s.hadError;
  // A call that failed without stating a return status is one that aborted: SQL Server
  // then sends neither RETURNSTATUS nor output values.
  const status = result.returnStatus ?? (hadError ? undefined : 0);
  if (status !== undefined) {
    returnStatus(s.w, status);
    const outputs = new Map<string, OutputValue>(
      Object.entries(result.outputs ?? {}).map(([k, v]) => [normalise(k), v]),
    );
    call.params.forEach((p, ordinal) => {
      if (!p.output) return;
      // An output the handler did not set comes back with the value the caller passed in, as in SQL Server.
      const provided = outputs.has(normalise(p.name)) ? outputs.get(normalise(p.name)) : undefined;
      if (provided === undefined) returnValue(s.w, ordinal, p.name, p.type, p.value);
      else if (isTyped(provided)) returnValue(s.w, ordinal, p.name, provided.type, provided.value);
      else returnValue(s.w, ordinal, p.name, p.type, provided);
    });
  }
  const doneStatus = (hadError ? DoneStatus.ERROR : 0) | (final ? 0 : DoneStatus.MORE);
  done(s.w, Token.DONEPROC, doneStatus, CurCmd.EXECUTE, 0);
  w.bytes(s.w.toBuffer());
}

/** A response that is only a final DONE with the given status (TM requests, cancellations). */
export function doneOnly(status: number): Buffer {
  const w = new Writer(16);
  done(w, Token.DONE, status, CurCmd.NONE, 0);
  return w.toBuffer();
}

/** ERROR tokens followed by a final DONE(ERROR): the shape of a failed login or a rejected request. */
export function errorResponse(
  messages: readonly ServerMessage[],
  serverName: string,
  prefix?: Buffer,
): Buffer {
  const s = new TokenStream();
  if (prefix) s.w.bytes(prefix);
  for (const m of messages) writeMessage(s, serverName, m, true);
  s.done(Token.DONE, DoneStatus.ERROR, CurCmd.NONE, 0);
  return s.finish();
}
