import { badMessage } from './wire';

/** AV_PAIR ids (MS-NLMP 2.2.2.1). */
export const AvId = {
  EOL: 0x0000,
  NB_COMPUTER_NAME: 0x0001,
  NB_DOMAIN_NAME: 0x0002,
  DNS_COMPUTER_NAME: 0x0003,
  DNS_DOMAIN_NAME: 0x0004,
  DNS_TREE_NAME: 0x0005,
  FLAGS: 0x0006,
  TIMESTAMP: 0x0007,
  SINGLE_HOST: 0x0008,
  TARGET_NAME: 0x0009,
  CHANNEL_BINDINGS: 0x000a,
} as const;

/** MsvAvFlags bits. */
export const AvFlag = {
  AUTHENTICATION_CONSTRAINED: 0x1,
  MIC_PRESENT: 0x2,
  UNTRUSTED_SPN_SOURCE: 0x4,
} as const;

export interface AvPair {
  id: number;
  value: Buffer;
}

/** Encodes pairs and appends MsvAvEOL. */
export function encodeAvPairs(pairs: readonly AvPair[]): Buffer {
  const parts: Buffer[] = [];
  for (const { id, value } of pairs) {
    if (id === AvId.EOL) throw new RangeError('MsvAvEOL is appended automatically');
    const head = Buffer.alloc(4);
    head.writeUInt16LE(id, 0);
    head.writeUInt16LE(value.length, 2);
    parts.push(head, value);
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

/** Decodes pairs up to MsvAvEOL (which is required; bytes after it are ignored, e.g. the NTLMv2 blob's padding). */
export function decodeAvPairs(data: Buffer, what: string): AvPair[] {
  const pairs: AvPair[] = [];
  let at = 0;
  while (at + 4 <= data.length) {
    const id = data.readUInt16LE(at);
    const length = data.readUInt16LE(at + 2);
    at += 4;
    if (id === AvId.EOL) return pairs;
    if (at + length > data.length)
      throw badMessage(what, `AV pair ${id} runs past the end of the target info`);
    pairs.push({ id, value: Buffer.from(data.subarray(at, at + length)) });
    at += length;
  }
  throw badMessage(what, 'target info is not terminated by MsvAvEOL');
}

export function findAvPair(pairs: readonly AvPair[], id: number): Buffer | undefined {
  return pairs.find((p) => p.id === id)?.value;
}

export function textPair(id: number, text: string): AvPair {
  return { id, value: Buffer.from(text, 'utf16le') };
}

/** AV pair strings are always UTF-16LE, whatever the message's character set. */
export function readTextPair(pairs: readonly AvPair[], id: number): string | undefined {
  return findAvPair(pairs, id)?.toString('utf16le');
}

/** Replaces the value of `id`, or appends the pair when absent; keeps the order otherwise. */
export function setAvPair(pairs: readonly AvPair[], id: number, value: Buffer): AvPair[] {
  const found = pairs.some((p) => p.id === id);
  return found ? pairs.map((p) => (p.id === id ? { id, value } : p)) : [...pairs, { id, value }];
}

/** FILETIME: 100 ns ticks since 1601-01-01 UTC, little-endian (the MsvAvTimestamp and NTLMv2 blob time). */
export function fileTime(epochMs: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64LE((BigInt(Math.trunc(epochMs)) + 11_644_473_600_000n) * 10_000n);
  return buf;
}
