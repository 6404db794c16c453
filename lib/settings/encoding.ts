import { SettingsError } from './errors';

export type FileEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le-bom';

/** A file decoded to a JavaScript string, with what is needed to map string indexes back to bytes. */
export interface DecodedFile {
  encoding: FileEncoding;
  /** The text after the byte order mark. String indexes below are indexes into this. */
  text: string;
  /** Number of bytes of the byte order mark (0, 2 or 3). */
  bomLength: number;
}

const startsWith = (b: Uint8Array, ...prefix: number[]) => prefix.every((x, i) => b[i] === x);

/**
 * Decodes strictly: a byte sequence that is not valid in the detected encoding is an error, because
 * then re-encoding would not give back the same bytes.
 */
export function decodeFile(bytes: Uint8Array, fileLabel: string): DecodedFile {
  const fail = (detail: string) => new SettingsError('unsupported-encoding', fileLabel, detail);
  if (startsWith(bytes, 0xff, 0xfe, 0x00, 0x00)) throw fail('UTF-32 files are not supported');
  if (startsWith(bytes, 0xfe, 0xff)) throw fail('UTF-16 big-endian files are not supported');
  if (startsWith(bytes, 0x3c, 0x00) || startsWith(bytes, 0x00, 0x3c)) {
    throw fail('UTF-16 without a byte order mark is not supported');
  }
  if (startsWith(bytes, 0xff, 0xfe)) {
    if (bytes.length % 2 !== 0) throw fail('a UTF-16 file must have an even number of bytes');
    return {
      encoding: 'utf-16le-bom',
      bomLength: 2,
      text: strictDecode('utf-16le', bytes.subarray(2), fail),
    };
  }
  const bomLength = startsWith(bytes, 0xef, 0xbb, 0xbf) ? 3 : 0;
  return {
    encoding: bomLength ? 'utf-8-bom' : 'utf-8',
    bomLength,
    text: strictDecode('utf-8', bytes.subarray(bomLength), fail),
  };
}

function strictDecode(
  label: 'utf-8' | 'utf-16le',
  bytes: Uint8Array,
  fail: (d: string) => Error,
): string {
  try {
    // ignoreBOM: the mark was already cut off; a second one is content and must survive.
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw fail(`the file is not valid ${label === 'utf-8' ? 'UTF-8' : 'UTF-16LE'}`);
  }
}

export function encodeText(text: string, encoding: FileEncoding): Buffer {
  return Buffer.from(text, encoding === 'utf-16le-bom' ? 'utf16le' : 'utf8');
}

/** Byte offset in the original file of a string index into `DecodedFile.text`. */
export function byteOffset(file: DecodedFile, index: number): number {
  if (file.encoding === 'utf-16le-bom') return file.bomLength + 2 * index;
  return file.bomLength + Buffer.byteLength(file.text.slice(0, index), 'utf8');
}
