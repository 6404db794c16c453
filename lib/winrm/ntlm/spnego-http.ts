import { NtlmError } from './errors';
import type { SealedMessage } from './session';

/**
 * WinRM HTTP message encryption for NTLM (MS-WSMV 2.2.9.1.1), byte for byte as pywinrm's
 * winrm/encryption.py writes and reads it:
 *
 *   --Encrypted Boundary\r\n
 *   \tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n
 *   \tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=<plaintext bytes>\r\n
 *   --Encrypted Boundary\r\n
 *   \tContent-Type: application/octet-stream\r\n
 *   <uint32le 16><16-byte signature><sealed payload>--Encrypted Boundary--\r\n
 */

export const SPNEGO_ENCRYPTED_PROTOCOL = 'application/HTTP-SPNEGO-session-encrypted';
export const ENCRYPTED_BOUNDARY = 'Encrypted Boundary';
export const SPNEGO_ENCRYPTED_CONTENT_TYPE = `multipart/encrypted;protocol="${SPNEGO_ENCRYPTED_PROTOCOL}";boundary="${ENCRYPTED_BOUNDARY}"`;
export const SOAP_CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';

/** What the framing needs from a session: NtlmSession fits. */
export interface MessageSealer {
  seal(message: Uint8Array): SealedMessage;
  unseal(sealed: Uint8Array, signature: Uint8Array): Buffer;
}

const DASH_BOUNDARY = Buffer.from(`--${ENCRYPTED_BOUNDARY}`, 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');

/** Whether an HTTP Content-Type announces this encryption (parameters in any order and case). */
export function isSpnegoEncrypted(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((p) => p.trim());
  if (type?.toLowerCase() !== 'multipart/encrypted') return false;
  return params.some((p) => {
    const [name, value] = p.split('=', 2);
    return (
      name?.trim().toLowerCase() === 'protocol' &&
      value?.trim().replace(/^"|"$/g, '').toLowerCase() === SPNEGO_ENCRYPTED_PROTOCOL.toLowerCase()
    );
  });
}

/** Seals a plaintext body and frames it. Send with Content-Type SPNEGO_ENCRYPTED_CONTENT_TYPE. */
export function encryptBody(
  session: MessageSealer,
  plaintext: Buffer,
  originalContentType = SOAP_CONTENT_TYPE,
): Buffer {
  const { signature, sealed } = session.seal(plaintext);
  const sigLength = Buffer.alloc(4);
  sigLength.writeUInt32LE(signature.length);
  const head =
    `--${ENCRYPTED_BOUNDARY}\r\n` +
    `\tContent-Type: ${SPNEGO_ENCRYPTED_PROTOCOL}\r\n` +
    `\tOriginalContent: type=${originalContentType};Length=${plaintext.length}\r\n` +
    `--${ENCRYPTED_BOUNDARY}\r\n` +
    `\tContent-Type: application/octet-stream\r\n`;
  return Buffer.concat([
    Buffer.from(head, 'latin1'),
    sigLength,
    signature,
    sealed,
    Buffer.from(`--${ENCRYPTED_BOUNDARY}--\r\n`, 'latin1'),
  ]);
}

export interface DecryptedBody {
  plaintext: Buffer;
  /** The OriginalContent type without its Length, e.g. `application/soap+xml;charset=UTF-8`. */
  originalContentType: string;
}

function framing(detail: string): NtlmError {
  return new NtlmError('NTLM_BAD_FRAMING', `Malformed encrypted WinRM body: ${detail}`);
}

/** Reads one CRLF-terminated header line starting at `at`. */
function readLine(body: Buffer, at: number): { line: string; next: number } {
  const end = body.indexOf(CRLF, at);
  if (end < 0) throw framing('a header line is not terminated');
  return { line: body.toString('latin1', at, end), next: end + 2 };
}

function expectBoundary(body: Buffer, at: number): number {
  const { line, next } = readLine(body, at);
  if (line !== DASH_BOUNDARY.toString('latin1'))
    throw framing(`expected the boundary, found "${line.slice(0, 60)}"`);
  return next;
}

/** Parses the part headers, then reads the signature and exactly Length sealed bytes (no boundary scan in binary data). */
function readPart(
  body: Buffer,
  at: number,
): { originalContentType: string; signature: Buffer; sealed: Buffer; next: number } {
  let pos = expectBoundary(body, at);
  let original: string | undefined;
  for (;;) {
    const { line, next } = readLine(body, pos);
    pos = next;
    if (line === DASH_BOUNDARY.toString('latin1')) break;
    const [name, ...rest] = line.trim().split(':');
    const value = rest.join(':').trim();
    if (name?.toLowerCase() === 'originalcontent') original = value;
    if (
      name?.toLowerCase() === 'content-type' &&
      value.toLowerCase() !== SPNEGO_ENCRYPTED_PROTOCOL.toLowerCase()
    ) {
      throw framing(`the first part is ${value}, not ${SPNEGO_ENCRYPTED_PROTOCOL}`);
    }
  }
  const { line: partType, next: dataStart } = readLine(body, pos);
  if (!/^\s*content-type:\s*application\/octet-stream\s*$/i.test(partType))
    throw framing('the second part is not application/octet-stream');
  if (original === undefined) throw framing('the OriginalContent header is missing');
  const match = /^type=(.*);\s*Length=(\d+)\s*$/i.exec(original);
  if (!match) throw framing('the OriginalContent header has no type and Length');
  const length = Number(match[2]);
  if (dataStart + 4 > body.length) throw framing('the signature length is missing');
  const sigLength = body.readUInt32LE(dataStart);
  const sealedStart = dataStart + 4 + sigLength;
  if (sigLength !== 16 || sealedStart + length > body.length) {
    throw framing(
      `the payload does not hold a ${sigLength}-byte signature and ${length} sealed bytes`,
    );
  }
  return {
    originalContentType: match[1] ?? '',
    signature: body.subarray(dataStart + 4, sealedStart),
    sealed: body.subarray(sealedStart, sealedStart + length),
    next: sealedStart + length,
  };
}

/** Verifies and decrypts a framed body (one or more parts). Throws NTLM_BAD_FRAMING, NTLM_BAD_SIGNATURE or NTLM_BAD_SEQUENCE. */
export function decryptBody(session: MessageSealer, body: Buffer): DecryptedBody {
  const plaintexts: Buffer[] = [];
  let originalContentType = '';
  let at = 0;
  for (;;) {
    const part = readPart(body, at);
    plaintexts.push(session.unseal(part.sealed, part.signature));
    originalContentType ||= part.originalContentType;
    at = part.next;
    if (body.subarray(at, at + 2).equals(CRLF)) at += 2; // tolerate a CRLF before the boundary
    const closing = Buffer.from(`--${ENCRYPTED_BOUNDARY}--`, 'latin1');
    if (body.subarray(at, at + closing.length).equals(closing)) {
      const rest = body.subarray(at + closing.length).toString('latin1');
      if (rest.trim() !== '') throw framing('data after the closing boundary');
      break;
    }
    if (at >= body.length) throw framing('the closing boundary is missing');
  }
  return { plaintext: Buffer.concat(plaintexts), originalContentType };
}
