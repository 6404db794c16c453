/**
 * Client request payloads: ALL_HEADERS, SQL_BATCH, RPC (with typed parameters) and
 * TRANSACTION_MANAGER (MS-TDS 2.2.6.2, 2.2.6.6, 2.2.6.7, 2.2.6.9).
 */

import { Reader } from './buffers';
import { readParam } from './params';
import { TdsProtocolError } from './packet';
import { ProcId } from './types';
import type { RpcCall, RpcParam } from './types';

const ZERO_DESCRIPTOR = Buffer.alloc(8);

export interface AllHeaders {
  transactionDescriptor: Buffer;
  outstandingRequests: number;
}

/** ALL_HEADERS: u32 total length (itself included), then {u32 length, u16 type, data} headers. */
export function readAllHeaders(r: Reader): AllHeaders {
  const start = r.pos;
  const total = r.u32();
  if (total < 4 || start + total > r.buf.length)
    throw new TdsProtocolError(`bad ALL_HEADERS length ${total}`);
  let transactionDescriptor = ZERO_DESCRIPTOR;
  let outstandingRequests = 1;
  while (r.pos < start + total) {
    const headerStart = r.pos;
    const length = r.u32();
    const type = r.u16();
    if (type === 2 && length >= 18) {
      transactionDescriptor = Buffer.from(r.bytes(8));
      outstandingRequests = r.u32();
    }
    r.pos = headerStart + length;
  }
  r.pos = start + total;
  return { transactionDescriptor, outstandingRequests };
}

export interface SqlBatchRequest {
  headers: AllHeaders;
  sql: string;
}

export function parseSqlBatch(payload: Buffer): SqlBatchRequest {
  const r = new Reader(payload);
  const headers = readAllHeaders(r);
  return { headers, sql: r.rest().toString('utf16le') };
}

const PROC_NAMES = new Map<number, string>(Object.entries(ProcId).map(([name, id]) => [id, name]));

export interface RpcRequest {
  headers: AllHeaders;
  /** Usually one; a client may batch several RPCs in one message (separated by 0xFF). */
  calls: RpcCall[];
}

export { UnsupportedParameterError } from './params';

export function parseRpc(payload: Buffer): RpcRequest {
  const r = new Reader(payload);
  const headers = readAllHeaders(r);
  const calls: RpcCall[] = [];
  for (;;) {
    calls.push(readCall(r));
    if (r.remaining === 0) break;
    // BatchFlag between RPCs: 0xFF in TDS 7.2+, 0x80 earlier.
    const flag = r.u8();
    if (flag !== 0xff && flag !== 0x80)
      throw new TdsProtocolError(`unexpected byte 0x${flag.toString(16)} after RPC`);
    if (r.remaining === 0) break;
  }
  return { headers, calls };
}

function readCall(r: Reader): RpcCall {
  const nameLength = r.u16();
  let procName: string;
  let procId: number | undefined;
  if (nameLength === 0xffff) {
    procId = r.u16();
    procName = PROC_NAMES.get(procId) ?? `procid_${procId}`;
  } else {
    procName = r.bytes(nameLength * 2).toString('utf16le');
  }
  const optionFlags = r.u16();
  const params: RpcParam[] = [];
  while (r.remaining > 0) {
    const next = r.buf.readUInt8(r.pos);
    if (next === 0xff || next === 0x80) break;
    params.push(readParam(r, params.length + 1));
  }
  return { procName, procId, params, optionFlags };
}

export type TransactionRequest =
  | { kind: 'begin'; headers: AllHeaders; isolationLevel: number; name: string }
  | {
      kind: 'commit' | 'rollback';
      headers: AllHeaders;
      name: string;
      beginNew: boolean;
      newIsolationLevel: number;
      newName: string;
    }
  | { kind: 'save'; headers: AllHeaders; name: string }
  | { kind: 'other'; headers: AllHeaders; requestType: number };

/** TRANSACTION_MANAGER: ALL_HEADERS, u16 request type, then type-specific fields. */
export function parseTransactionManager(payload: Buffer): TransactionRequest {
  const r = new Reader(payload);
  const headers = readAllHeaders(r);
  const requestType = r.u16();
  const bName = (): string => (r.remaining > 0 ? r.bytes(r.u8()).toString('utf16le') : '');
  switch (requestType) {
    case 5: {
      const isolationLevel = r.u8();
      return { kind: 'begin', headers, isolationLevel, name: bName() };
    }
    case 7:
    case 8: {
      const name = bName();
      const flags = r.remaining > 0 ? r.u8() : 0;
      // fBeginXact: start a new transaction right after this one ends.
      const beginNew = (flags & 0x01) !== 0;
      const newIsolationLevel = beginNew && r.remaining > 0 ? r.u8() : 0;
      const newName = beginNew ? bName() : '';
      return {
        kind: requestType === 7 ? 'commit' : 'rollback',
        headers,
        name,
        beginNew,
        newIsolationLevel,
        newName,
      };
    }
    case 9:
      return { kind: 'save', headers, name: bName() };
    default:
      return { kind: 'other', headers, requestType };
  }
}
