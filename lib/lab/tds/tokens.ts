/**
 * Server → client tokens (MS-TDS 2.2.7), TDS 7.2+ widths. Only tokens tedious 19 and
 * FreeTDS both parse are produced (no TABNAME/COLINFO/ALTMETADATA/OFFSET/SESSIONSTATE).
 */

import { Writer } from './buffers';
import { asError } from './packet';
import { writeTypeInfo, writeValue } from './datatypes';
import type { Column, SqlType, SqlValue } from './types';

export const Token = {
  RETURNSTATUS: 0x79,
  COLMETADATA: 0x81,
  ERROR: 0xaa,
  INFO: 0xab,
  RETURNVALUE: 0xac,
  LOGINACK: 0xad,
  FEATUREEXTACK: 0xae,
  ROW: 0xd1,
  ENVCHANGE: 0xe3,
  DONE: 0xfd,
  DONEPROC: 0xfe,
  DONEINPROC: 0xff,
} as const;

export const DoneStatus = {
  FINAL: 0x0000,
  MORE: 0x0001,
  ERROR: 0x0002,
  INXACT: 0x0004,
  COUNT: 0x0010,
  ATTN: 0x0020,
  SRVERROR: 0x0100,
} as const;

/** curCmd values SQL Server puts in DONE tokens (tedious and FreeTDS ignore them, but keep them honest). */
export const CurCmd = { NONE: 0x00, SELECT: 0xc1, EXECUTE: 0xe0 } as const;

export const EnvChangeType = {
  DATABASE: 1,
  LANGUAGE: 2,
  PACKET_SIZE: 4,
  SQL_COLLATION: 7,
  BEGIN_TRAN: 8,
  COMMIT_TRAN: 9,
  ROLLBACK_TRAN: 10,
  RESET_CONNECTION_ACK: 18,
} as const;

/** Writes `token`, a u16 length placeholder, the body, then patches the length. */
function lengthPrefixed(w: Writer, token: number, body: (w: Writer) => void): void {
  w.u8(token);
  const at = w.length;
  w.u16(0);
  body(w);
  w.patchU16(at, w.length - at - 2);
}

export function envChangeText(w: Writer, type: number, newValue: string, oldValue: string): void {
  lengthPrefixed(w, Token.ENVCHANGE, (b) => b.u8(type).bVarchar(newValue).bVarchar(oldValue));
}

export function envChangeBytes(w: Writer, type: number, newValue: Buffer, oldValue: Buffer): void {
  lengthPrefixed(w, Token.ENVCHANGE, (b) => b.u8(type).bVarbyte(newValue).bVarbyte(oldValue));
}

export interface MessageFields {
  number: number;
  state: number;
  class: number;
  message: string;
  serverName: string;
  procedure: string;
  line: number;
}

/** INFO (class ≤ 10 by SQL Server's rule) or ERROR (class ≥ 11). */
export function message(
  w: Writer,
  token: typeof Token.INFO | typeof Token.ERROR,
  m: MessageFields,
): void {
  lengthPrefixed(w, token, (b) =>
    b
      .i32(m.number)
      .u8(m.state)
      .u8(m.class)
      .usVarchar(m.message)
      .bVarchar(m.serverName)
      .bVarchar(m.procedure)
      .i32(m.line),
  );
}

export interface LoginAckFields {
  tdsVersion: number;
  progName: string;
  major: number;
  minor: number;
  build: number;
}

/**
 * LOGINACK. Interface 1 (SQL_TSQL) is the one value both clients accept (FreeTDS wants
 * 1 or 5, tedious 0 or 1); the TDS version is big-endian here, unlike in LOGIN7.
 */
export function loginAck(w: Writer, f: LoginAckFields): void {
  lengthPrefixed(w, Token.LOGINACK, (b) =>
    b
      .u8(1)
      .u32be(f.tdsVersion)
      .bVarchar(f.progName)
      .u8(f.major)
      .u8(f.minor)
      .u8((f.build >> 8) & 0xff)
      .u8(f.build & 0xff),
  );
}

/** FEATUREEXTACK with the acknowledged features, then the 0xFF terminator. */
export function featureExtAck(w: Writer, features: readonly { id: number; data: Buffer }[]): void {
  w.u8(Token.FEATUREEXTACK);
  for (const f of features) w.u8(f.id).u32(f.data.length).bytes(f.data);
  w.u8(0xff);
}

export function colMetadata(w: Writer, columns: readonly Column[]): void {
  w.u8(Token.COLMETADATA).u16(columns.length);
  for (const c of columns) {
    // UserType 0; flags: nullable bit only (read-only expression columns).
    w.u32(0).u16(c.nullable === false ? 0x0000 : 0x0001);
    writeTypeInfo(w, c.type);
    w.bVarchar(c.name);
  }
}

export function row(w: Writer, columns: readonly Column[], values: readonly SqlValue[]): void {
  if (values.length !== columns.length) {
    throw new RangeError(`row has ${values.length} values for ${columns.length} columns`);
  }
  w.u8(Token.ROW);
  columns.forEach((c, i) => {
    try {
      writeValue(w, c.type, values[i] ?? null);
    } catch (e) {
      throw new TypeError(`column ${c.name}: ${asError(e).message}`);
    }
  });
}

export function done(
  w: Writer,
  token: number,
  status: number,
  curCmd: number,
  rowCount: number | bigint,
): void {
  w.u8(token).u16(status).u16(curCmd).u64(BigInt(rowCount));
}

export function returnStatus(w: Writer, value: number): void {
  w.u8(Token.RETURNSTATUS).i32(value);
}

export function returnValue(
  w: Writer,
  ordinal: number,
  name: string,
  type: SqlType,
  value: SqlValue,
): void {
  w.u8(Token.RETURNVALUE).u16(ordinal).bVarchar(name).u8(0x01);
  w.u32(0).u16(0x0001);
  writeTypeInfo(w, type);
  writeValue(w, type, value);
}
