/** Type ids, collation and calendar constants of the TDS wire format (MS-TDS 2.2.5.4). */

export const TypeId = {
  NULL: 0x1f,
  INT1: 0x30,
  BIT: 0x32,
  INT2: 0x34,
  INT4: 0x38,
  DATETIM4: 0x3a,
  FLT4: 0x3b,
  MONEY: 0x3c,
  DATETIME: 0x3d,
  FLT8: 0x3e,
  MONEY4: 0x7a,
  INT8: 0x7f,
  GUID: 0x24,
  INTN: 0x26,
  DECIMAL: 0x37,
  NUMERIC: 0x3f,
  BITN: 0x68,
  DECIMALN: 0x6a,
  NUMERICN: 0x6c,
  FLTN: 0x6d,
  MONEYN: 0x6e,
  DATETIMN: 0x6f,
  DATEN: 0x28,
  TIMEN: 0x29,
  DATETIME2N: 0x2a,
  DATETIMEOFFSETN: 0x2b,
  BIGVARBIN: 0xa5,
  BIGVARCHR: 0xa7,
  BIGBINARY: 0xad,
  BIGCHAR: 0xaf,
  NVARCHAR: 0xe7,
  NCHAR: 0xef,
  XML: 0xf1,
  UDT: 0xf0,
  TEXT: 0x23,
  IMAGE: 0x22,
  NTEXT: 0x63,
  SSVARIANT: 0x62,
  TVP: 0xf3,
} as const;

/**
 * SQL_Latin1_General_CP1_CI_AS: LCID 0x0409, IgnoreCase|IgnoreKana|IgnoreWidth, sort id 52.
 * Sent in ENVCHANGE 7 and in every character TYPE_INFO; tedious maps it to CP1252.
 */
export const DEFAULT_COLLATION = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]);

/** A max-length (n)varchar/varbinary is marked by 0xFFFF where the length would be. */
export const MAX_MARKER = 0xffff;
export const PLP_NULL = 0xffffffffffffffffn;
export const PLP_UNKNOWN_LENGTH = 0xfffffffffffffffen;
export const MS_PER_DAY = 86_400_000;
/** Days from 0001-01-01 to 1970-01-01 (date/datetime2/datetimeoffset count from year 1). */
export const DAYS_0001_TO_1970 = 719_162;
/** Days from 1900-01-01 to 1970-01-01 (datetime/smalldatetime count from 1900). */
export const DAYS_1900_TO_1970 = 25_567;

export function timeLength(scale: number): number {
  return scale <= 2 ? 3 : scale <= 4 ? 4 : 5;
}

export function decimalLength(precision: number): number {
  return precision <= 9 ? 5 : precision <= 19 ? 9 : precision <= 28 ? 13 : 17;
}
