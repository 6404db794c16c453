// Thin typed helpers over forge's ASN.1 reader. forge works on "binary strings" (one char per byte).

import forge from 'node-forge';

export type Asn1 = forge.asn1.Asn1;
export const { Class, Type } = forge.asn1;

export function toBinary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function fromBinary(binary: string): Buffer {
  return Buffer.from(binary, 'latin1');
}

interface FromDerOptions {
  strict: boolean;
  parseAllBytes: boolean;
  decodeBitStrings: boolean;
}
// @types/node-forge only declares the boolean form; forge accepts an options object.
const fromDerWithOptions = forge.asn1.fromDer as unknown as (
  bytes: string,
  options: FromDerOptions,
) => Asn1;

/**
 * Strict parse (truncated input throws instead of being padded silently), no guessing at
 * ASN.1 inside BIT STRINGs. BER indefinite lengths are accepted (some PFX writers use them).
 */
export function parseDer(binary: string, parseAllBytes = true): Asn1 {
  return fromDerWithOptions(binary, { strict: true, parseAllBytes, decodeBitStrings: false });
}

export function toDer(node: Asn1): string {
  return forge.asn1.toDer(node).getBytes();
}

export function children(node: Asn1 | undefined, what: string): Asn1[] {
  if (node === undefined || typeof node.value === 'string')
    throw new Error(`ASN.1: ${what} is not constructed`);
  return node.value;
}

export function child(node: Asn1 | undefined, index: number, what: string): Asn1 {
  const c = children(node, what)[index];
  if (c === undefined) throw new Error(`ASN.1: ${what} has no element ${index}`);
  return c;
}

/** Primitive content bytes; a BER constructed string (chunks) is joined. */
export function content(node: Asn1 | undefined, what: string): string {
  if (node === undefined) throw new Error(`ASN.1: ${what} is missing`);
  if (typeof node.value === 'string') return node.value;
  return node.value.map((c) => content(c, what)).join('');
}

export function isUniversal(node: Asn1 | undefined, type: number): node is Asn1 {
  return node !== undefined && node.tagClass === Class.UNIVERSAL && node.type === type;
}

export function isContext(node: Asn1 | undefined, tag: number): node is Asn1 {
  return node !== undefined && node.tagClass === Class.CONTEXT_SPECIFIC && node.type === tag;
}

export function oidOf(node: Asn1 | undefined, what: string): string {
  if (!isUniversal(node, Type.OID)) throw new Error(`ASN.1: ${what} is not an OID`);
  return forge.asn1.derToOid(content(node, what));
}

const UNIVERSAL_STRING = 28;
const T61_STRING = 20;

/** Decode a DirectoryString / IA5String value to text. */
export function decodeString(node: Asn1): string {
  const raw = content(node, 'string');
  switch (node.type as number) {
    case Type.UTF8:
      return Buffer.from(raw, 'latin1').toString('utf8');
    case Type.BMPSTRING:
      return raw; // forge's reader already turned the UCS-2 bytes into a JS string
    case UNIVERSAL_STRING: {
      const b = Buffer.from(raw, 'latin1');
      let s = '';
      for (let i = 0; i + 3 < b.length; i += 4) s += String.fromCodePoint(b.readUInt32BE(i));
      return s;
    }
    case T61_STRING:
    default:
      // PrintableString, IA5String, T61 (treated as Latin-1, as Windows does)
      return raw;
  }
}

export function toHexUpper(binary: string): string {
  return fromBinary(binary).toString('hex').toUpperCase();
}
